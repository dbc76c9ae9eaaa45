"""The numbers in the prose are the numbers the code computes.

Expected values are worked out here from first principles (plain arithmetic on
the chapter's seven points), not read back from the code under test.
"""

from __future__ import annotations

import html
import json
import re
import sys

import pytest

from conftest import FIGURES, ROOT, run
from ml4a_figs.core import data

SEVEN = list(zip(data.SEVEN_X, data.SEVEN_Y))


def sig3(value: float) -> str:
    """Three significant digits, trailing zeros kept: the one number format of the prose and
    the readouts (ml4a_figs/figures/numbers.py), written independently for 0.001-1e5."""
    return f"{value:#.3g}"


def mse_by_hand(m: float, b: float) -> float:
    return sum((y - (m * x + b)) ** 2 for x, y in SEVEN) / len(SEVEN)


def least_squares_by_hand() -> tuple[float, float]:
    n = len(SEVEN)
    sx = sum(x for x, _ in SEVEN)
    sy = sum(y for _, y in SEVEN)
    sxx = sum(x * x for x, _ in SEVEN)
    sxy = sum(x * y for x, y in SEVEN)
    m = (n * sxy - sx * sy) / (n * sxx - sx * sx)
    return m, (sy - m * sx) / n


@pytest.fixture(scope="module")
def facts() -> dict:
    run([sys.executable, "-m", "ml4a_figs", "build", "facts"], check=True)
    return json.loads((FIGURES / "facts.json").read_text())


@pytest.fixture(scope="module")
def chapter_text(built_site) -> str:
    page = (built_site / "index.html").read_text(encoding="utf-8")
    page = re.sub(r'<span class="katex-mathml">.*?</span>', " ", page, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    return re.sub(r"\s+", " ", text)


def test_candidate_mse_facts_match_arithmetic(facts):
    for i, (m, b) in enumerate(data.CANDIDATE_LINES, start=1):
        assert facts[f"mse_candidate_{i}"] == sig3(mse_by_hand(m, b))
    assert facts["mse_candidate_2"] == "0.160", "the seeds' README: the example line's MSE is about 0.160"


def test_least_squares_facts_match_closed_form(facts):
    m, b = least_squares_by_hand()
    assert (facts["lstsq_m"], facts["lstsq_b"]) == (f"{m:.3f}", f"{b:.3f}")
    assert (facts["lstsq_m"], facts["lstsq_b"]) == ("0.336", "0.805")
    assert facts["lstsq_mse"] == sig3(mse_by_hand(m, b))


def test_counting_facts(facts):
    assert facts["grid_2d_points"] == f"{10 ** 2:,}"
    assert facts["grid_3d_points"] == f"{10 ** 3:,}"
    weights = 784 * 15 + 15 * 10
    assert facts["mnist_weights"] == f"{weights:,}" == "11,910"
    assert facts["mnist_params"] == f"{weights + 15 + 10:,}" == "11,935"


def test_the_chapter_states_the_computed_numbers(chapter_text, facts):
    m, b = least_squares_by_hand()
    expected = [
        f"the first function achieves a MSE of {sig3(mse_by_hand(*data.CANDIDATE_LINES[0]))}",
        f"the second one is {sig3(mse_by_hand(*data.CANDIDATE_LINES[1]))}",
        f"guess through {784 * 15 + 15 * 10 + 25:,} dimensions",
        f"Add {15 + 10} biases",
    ]
    for phrase in expected:
        assert phrase in chapter_text, f"not on the page: {phrase!r}"
    assert f"{m:.3f}" in chapter_text and f"{b:.3f}" in chapter_text


def test_the_data_table_is_the_dataset(built_site):
    page = (built_site / "index.html").read_text(encoding="utf-8")
    tables = re.findall(r"<table>.*?</table>", page, flags=re.S)
    rows = []
    for table in tables:
        cells = re.findall(r"<tr>\s*<td[^>]*>([^<]+)</td>\s*<td[^>]*>([^<]+)</td>\s*</tr>", table)
        if len(cells) == len(SEVEN):
            rows = [(float(x), float(y)) for x, y in cells]
    assert rows == SEVEN


def test_no_computed_number_is_typed_into_the_markdown():
    """Computed values must come through {{ facts.NAME }}, never be typed."""
    typed = ["0.160", "0.405", "0.336", "0.805", "0.018", "11,935", "11,910", "11935"]
    for md in sorted((ROOT / "docs").rglob("*.md")):
        text = md.read_text(encoding="utf-8")
        for number in typed:
            assert number not in text, f"{md.relative_to(ROOT)} types {number}; use a fact"
