"""The translator's guide's claim, tested: a new language is Markdown and YAML plus one
line of mkdocs.yml. In a copy of the project a language that does not exist yet (de) is
made from docs/de/index.md, docs/de/language.yml and its mkdocs.yml line alone; the
copy is built and printed, and that language's words are found in its page, its
widgets, its figures and its PDF (issue 20)."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import INSTALLED, ROOT, run
from ml4a_figs import i18n

LANGUAGE_YML = """\
untranslated_title: DE-HINWEIS-NICHT-UEBERSETZT
copyright: "DE-LIZENZ Text © Gene Kogan, [ml4a](https://ml4a.github.io/)."
explore:
  common:
    play: DE-ABSPIELEN
  degree:
    readout: "DE-GRAD {degree}: {train}, {held}."
print:
  contents: DE-INHALT
  figures: DE-ABBILDUNGEN-BERECHNET
figures:
  "{} weights": "DE-GEWICHTE {}"
  "polynomial degree": "DE-POLYNOMGRAD"
"""
PAGE = """---
title: Wie neuronale Netze trainiert werden
---

## Warum das Training schwer ist {{ #why-training-is-hard }}
<!-- translated-from: {hash} -->

DE-ABSCHNITT: ein übersetzter Abschnitt, der Rest bleibt Englisch.
"""


def _package_files() -> dict[str, int]:
    return {p.relative_to(ROOT).as_posix(): p.stat().st_mtime_ns
            for p in (ROOT / "ml4a_figs").rglob("*")
            if p.is_file() and "__pycache__" not in p.parts}


def _add_language(root: Path) -> None:
    """Exactly what docs/en/translating.md says: the page, its YAML, one config line."""
    config = root / "mkdocs.yml"
    anchor = "    - { name: 한국어, link: /ko/, lang: ko }\n"
    text = config.read_text(encoding="utf-8")
    assert anchor in text
    config.write_text(text.replace(anchor, anchor + "    - { name: Deutsch, link: /de/, lang: de }\n"),
                      encoding="utf-8")
    (root / "docs" / "de").mkdir()
    section = i18n.read(root / "docs/en/index.md", root).by_id()["why-training-is-hard"]
    (root / "docs" / "de" / "index.md").write_text(PAGE.replace("{hash}", section.hash),
                                                   encoding="utf-8")
    (root / "docs" / "de" / "language.yml").write_text(LANGUAGE_YML, encoding="utf-8")


@pytest.mark.slow
def test_a_new_language_from_markdown_and_yaml_alone(tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    shutil.copy2(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", root / "docs")
    for cached in ("figures", ".cache"):  # what is fresh is not drawn or run again
        if (ROOT / cached).is_dir():
            shutil.copytree(ROOT / cached, root / cached)
    for name in ("node_modules", "ml4a_figs"):  # linked, never written
        (root / name).symlink_to(ROOT / name)
    _add_language(root)
    package_before = _package_files()

    site = root / "site"
    # what `make site` runs: every language, then every PDF
    built = run([sys.executable, "-m", "ml4a_figs.site", "-f", str(root / "mkdocs.yml"),
                 "-d", str(site)], cwd=root, env=INSTALLED, timeout=1800)
    assert built.returncode == 0, f"{built.stdout[-3000:]}\n{built.stderr[-3000:]}"
    assert _package_files() == package_before, "building the new language changed ml4a_figs/"

    page = (site / "de" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="de"' in page
    assert "DE-ABSCHNITT" in page and "DE-HINWEIS-NICHT-UEBERSETZT" in page
    assert "DE-LIZENZ" in page  # the footer's licence line
    widgets = [html.unescape(s) for s in re.findall(r'data-strings="([^"]*)"', page)]
    assert widgets and all("DE-ABSPIELEN" in w for w in widgets)
    assert any("DE-GRAD {degree}" in w for w in widgets)
    # its figures: the build drew them in its words, published under the English names
    assert "DE-GEWICHTE" in (site / "de" / "figures" / "small_nets.svg").read_text(encoding="utf-8")
    assert "DE-GEWICHTE" not in (site / "figures" / "small_nets.svg").read_text(encoding="utf-8")
    background = re.search(r'data-background="([^"]*overfitting_explore[^"]*)"', page).group(1)
    drawn = (site / "de" / background).read_bytes()
    assert b"DE-POLYNOMGRAD" in drawn or background.endswith(".webp")
    # its PDF: the cover's and contents' words, and the licence line
    pdf = site / "pdf" / "how-neural-networks-are-trained.de.pdf"
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    for word in ("DE-INHALT", "DE-ABBILDUNGEN-BERECHNET", "DE-LIZENZ", "DE-ABSCHNITT",
                 "DE-GEWICHTE"):
        assert word in text, word
