"""Figures in the reader's language: drawn once per language that has figure strings,
from the same computed arrays; keyed so that editing one translated label redraws only
that language's drawings of the figures that use it (issue 20)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ml4a_figs.figures import wording
from ml4a_figs.pipeline import figures as builder
from ml4a_figs.pipeline.translations import TranslationError, figure_languages


def test_numbers_are_slots_and_math_and_names_are_kept():
    words = wording.Words({"degree {}: error {} training": "차수 {}: 훈련 오차 {}",
                           "{} of {} dropped": "{1}개 중 {0}개 제거",
                           "slope $m$": "기울기 $m$"})
    assert words("degree 3: error 0.25 training") == "차수 3: 훈련 오차 0.25"
    assert words("4 of 10 dropped") == "10개 중 4개 제거"
    assert words("slope $m$") == "기울기 $m$"
    assert words("Adam") == "Adam" and words("MSE") == "MSE"
    assert words("left in English") == "left in English"
    # what a figure asked for, as a translator writes it; no names, numbers or math alone
    for text in ("Adam", "MSE", "0.5", "$x_{1}$", "step 3 / 40", "left in English"):
        words(text)
    assert "step {} / {}" in words.used and "left in English" in words.used
    assert not {"Adam", "MSE", "{}", "$x_{1}$"} & words.used


def test_line_breaks_follow_the_english():
    words = wording.Words({"too small MSE {} → {}": "너무 작음 MSE {} → {}",
                           "actual step": "실제\n단계"})
    assert words("too small\nMSE 3.2 → 1.0").count("\n") == 1
    assert words("actual step") == "실제 단계"  # one line in English, one here
    assert words("Momentum update\n") == "Momentum update\n"  # untranslated, untouched


def _docs(tmp_path: Path, table: str) -> Path:
    docs = tmp_path / "docs"
    (docs / "xx").mkdir(parents=True)
    (docs / "xx" / "language.yml").write_text(
        f"figures:\n{table}figure_fonts: [DejaVu Sans]\n", encoding="utf-8")
    return docs


def test_a_label_edit_redraws_only_that_languages_drawings_that_use_it(tmp_path):
    out = tmp_path / "figures"
    docs = _docs(tmp_path, '  "{} weights": "XX-SENTINEL {}"\n')
    names = ["small_nets", "connection_tweak"]
    first = builder.build(names, out, languages=None, docs=docs)
    assert [r.status for r in first] == ["built", "built"], [r.error for r in first]
    translated = (out / "xx" / "small_nets.svg").read_text(encoding="utf-8")
    assert "XX-SENTINEL" in translated and "XX-SENTINEL" not in (out / "small_nets.svg").read_text()
    # connection_tweak draws no text the table translates: no copy, the page shows the original
    assert not (out / "xx" / "connection_tweak.svg").exists()
    english = {p: p.stat().st_mtime_ns for p in out.glob("*.svg")}

    docs = _docs(tmp_path / "edit", '  "{} weights": "XX-EDITED {}"\n')
    second = builder.build(names, out, docs=docs)
    assert [r.status for r in second] == ["built", "cached"]
    assert "XX-EDITED" in (out / "xx" / "small_nets.svg").read_text(encoding="utf-8")
    assert {p: p.stat().st_mtime_ns for p in out.glob("*.svg")} == english, \
        "the English drawings were rewritten"
    assert [r.status for r in builder.build(names, out, docs=docs)] == ["cached", "cached"]


def test_a_broken_language_file_names_the_file_and_line(tmp_path):
    docs = tmp_path / "docs"
    (docs / "xx").mkdir(parents=True)
    (docs / "xx" / "language.yml").write_text("figures:\n  a: [b\n", encoding="utf-8")
    with pytest.raises(TranslationError, match=r"xx/language.yml:\d+: not valid YAML"):
        figure_languages(docs)


def test_the_figure_build_reads_language_yml_as_the_checks_do(tmp_path):
    """One reader of language.yml (pipeline.translations.read_yaml): the figure build
    refuses a symbolic link and an oversized file, by file and line, as the checks do,
    and reads a file that starts with a byte-order mark."""
    from ml4a_figs.pipeline.translations import MAX_STRINGS_BYTES

    docs = _docs(tmp_path, '  "{} weights": "XX {}"\n')
    path = docs / "xx" / "language.yml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert [lang.code for lang in figure_languages(docs)] == ["xx"]
    path.write_text("figures:\n" + "  a: b\n" * (MAX_STRINGS_BYTES // 4), encoding="utf-8")
    with pytest.raises(TranslationError, match=r"xx/language.yml:1: this file is [\d,]+ bytes"):
        figure_languages(docs)
    secret = tmp_path / "secret.yml"
    secret.write_text("figures:\n  a: b\n", encoding="utf-8")
    path.unlink()
    path.symlink_to(secret)
    with pytest.raises(TranslationError, match=r"xx/language.yml:1: a symbolic link"):
        figure_languages(docs)


def test_every_drawing_with_words_has_a_korean_version():
    """Each figure that draws words, raster or SVG, animation or print breakout, has a
    Korean copy of every picture, and the Korean table translates every word drawn
    (what `make i18n-status` reports as missing figure strings)."""
    import json

    from conftest import FIGURES
    from ml4a_figs.figures.registry import scan

    table = wording.Words(dict(next(l for l in figure_languages() if l.code == "ko").table)).table
    missing, untranslated = [], set()
    for name, fig in sorted(scan().items()):
        stamp = json.loads((FIGURES / ".stamps" / f"{name}.json").read_text(encoding="utf-8"))
        used = stamp.get("words") or []
        untranslated |= {w for w in used if w not in table}
        if used:
            missing += [n for n in fig.translated_names("ko") if not (FIGURES / n).is_file()]
    assert not untranslated, f"figure strings docs/ko/language.yml lacks: {sorted(untranslated)}"
    assert not missing, f"drawings without a Korean version: {missing}"


def test_a_translation_redrawn_alone_has_the_bytes_of_a_full_build(tmp_path):
    """Same sources, same bytes, whatever the build's history: after a label edit only the
    translated drawings are stale, and they must come out as a build from nothing makes them
    (before, saving the English first changed the layout's last digits: other WebP pixels)."""
    def docs(folder: str, word: str) -> Path:
        return _docs(tmp_path / folder, f'  "weight {{}}": "{word} {{}}"\n')

    edited, fresh = tmp_path / "edited", tmp_path / "fresh"
    builder.build(["sampling"], edited, docs=docs("one", "XX-ONE"))
    assert [r.status for r in builder.build(["sampling"], edited, docs=docs("two", "XX-TWO"))] \
        == ["built"]
    builder.build(["sampling"], fresh, docs=docs("three", "XX-TWO"))
    copies = sorted(p.name for p in (fresh / "xx").iterdir())
    assert copies, "no translated drawings"
    assert [n for n in copies if (edited / "xx" / n).read_bytes() != (fresh / "xx" / n).read_bytes()] == []
