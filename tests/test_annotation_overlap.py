"""No annotation of a figure sits on a line, on another text or in a neighbouring panel,
in the page's layout and in the phone's (tests/overlap.py reads the extents matplotlib
computed). The figures checked are every figure that carries annotations."""

from __future__ import annotations

import matplotlib
import matplotlib.style
import pytest
from matplotlib.figure import Figure as MplFigure

from ml4a_figs import style
from ml4a_figs.figures import registry

from overlap import annotations, collisions

matplotlib.use("Agg")

# the figures drawn by hand-placed texts: ax.text / ax.annotate / fig.text in their module
MARKS = ("annotate(", ".text(")


def _candidates() -> list[registry.Figure]:
    figs = []
    for fig in registry.scan().values():
        source = fig.path.read_text(encoding="utf-8")
        if set(fig.formats) != {"json"} and any(m in source for m in MARKS):
            figs.append(fig)
    return sorted(figs, key=lambda f: f.name)


def _pictures(drawn) -> list[MplFigure]:
    """The matplotlib figures a draw returned: itself, or an explorable's backgrounds."""
    if isinstance(drawn, MplFigure):
        return [drawn]
    return [b for b in getattr(drawn, "backgrounds", {}).values() if isinstance(b, MplFigure)]


CANDIDATES = _candidates()


@pytest.mark.slow  # computes the figures, one of them trains a network
@pytest.mark.parametrize("fig", CANDIDATES, ids=[f.name for f in CANDIDATES])
def test_annotations_stay_clear_of_lines_texts_and_other_panels(fig):
    import matplotlib.pyplot as plt

    compute, draw = fig.functions()
    arrays = compute(**fig.params)
    problems = []
    for layout in ("wide", "phone") if fig.phone else ("wide",):
        look = style.Theme("light", layout)
        with matplotlib.style.context(look.rc()):
            drawn = draw(look, **arrays)
            for picture in _pictures(drawn):
                if annotations(picture):
                    problems += [f"{fig.name} ({layout}): {p}" for p in collisions(picture)]
                plt.close(picture)
    assert not problems, "\n".join(problems)


def test_the_check_sees_a_text_on_a_line_on_a_text_and_in_the_next_panel():
    fig = style.new_figure(6, 3)
    left, right = fig.subplots(1, 2)
    left.plot([0, 1], [0, 1], label="diagonal")
    left.text(0.5, 0.5, "on the line", ha="center", va="center")
    left.text(0.05, 0.9, "first")
    left.text(0.06, 0.9, "second")
    left.text(0.9, 0.1, "running far into the next panel").set_in_layout(False)
    right.plot([0, 1], [1, 1])
    found = "\n".join(collisions(fig))
    assert "'on the line' is crossed by diagonal" in found
    assert "'first' overlaps text 'second'" in found
    assert "'running far into the next panel' runs into another panel" in found


def test_the_check_passes_a_text_in_a_clear_place():
    fig = style.new_figure(4, 3)
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1])
    ax.text(0.05, 0.9, "clear of the diagonal", fontsize=9)
    assert collisions(fig) == []


def test_some_figures_carry_annotations():
    assert {"digits_curves", "nesterov_acceleration"} <= {f.name for f in CANDIDATES}
