"""Malformed input fails the build with file:line, nothing is published silently; and the
hostile translations that build are loaded in Chromium with nothing executable left.

The builds run in test_i18n.py's throw-away copy of the project (one Korean or English
build per case, each a few seconds with warm caches)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from ml4a_figs import i18n
from ml4a_figs.mathrender import KatexRenderer, is_katex_output
from conftest import ROOT
from test_hostile_translations import SAFE, VARIANTS, bad_url
from test_i18n import build_project, mkdocs_build  # noqa: F401

KO_PAGE = "docs/ko/index.md"
EN_PAGE = "docs/en/index.md"


@pytest.fixture
def project(build_project, tmp_path):
    """A private copy of the build copy, to break."""
    root = tmp_path / "project"
    shutil.copytree(build_project, root, symlinks=True)
    return root


def append(root: Path, page: str, text: str) -> int:
    """Append to a page; the line the appended text starts at."""
    path = root / page
    old = path.read_text(encoding="utf-8").rstrip("\n") + "\n\n"
    path.write_text(old + text + "\n", encoding="utf-8")
    return old.count("\n") + 1


def failed_at(proc, where: str, message: str) -> None:
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, f"the build passed:\n{out[-2000:]}"
    assert "Traceback" not in out, out[-3000:]
    assert re.search(rf"{re.escape(where)}: .*{message}", out), out[-3000:]


@pytest.mark.slow
@pytest.mark.parametrize("case, page, text, offset, message", [
    ("unclosed-dollars", KO_PAGE, "$$\nx^2", 0, r"opens display math that is never closed"),
    ("unclosed-comment", KO_PAGE, "<!-- never closed", 0, r"comment is never closed"),
    ("fact-with-hyphen", EN_PAGE, "The slope is {{ facts.lstsq-m }}.", 0, r"left unrendered"),
    ("figure-with-title", EN_PAGE, '![x](figure:lin_reg_mse "MSE")', 0, r"left unrendered"),
    ("katex-href", KO_PAGE, "$$\n\\href{javascript:alert(1)}{x}\n$$", 1,
     r"\\href is not allowed in a formula"),
], ids=lambda v: v if isinstance(v, str) and "/" not in v and "\n" not in v else None)
def test_malformed_input_fails_the_build(case, page, text, offset, message, project, tmp_path):
    line = append(project, page, text) + offset
    lang = "ko" if page == KO_PAGE else "en"
    failed_at(mkdocs_build(project, lang, tmp_path / "site"), f"{page}:{line}", message)


@pytest.mark.slow
def test_invalid_utf8_in_a_translation_fails_with_its_line(project, tmp_path):
    path = project / KO_PAGE
    data = path.read_bytes().rstrip(b"\n") + b"\n\nText \xff\xfe here.\n"
    path.write_bytes(data)
    line = data.count(b"\n")
    failed_at(mkdocs_build(project, "ko", tmp_path / "site"), f"{KO_PAGE}:{line}",
              r"not valid UTF-8")
    proc = _cli(project, "check")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert f"{KO_PAGE}:{line}: this line is not valid UTF-8" in proc.stdout


def _cli(root: Path, *args):
    import sys

    from conftest import run
    return run([sys.executable, "-m", "ml4a_figs.i18n", "--root", str(root), *args])


@pytest.mark.slow
def test_an_unknown_language_line_fails_the_english_build(project, tmp_path):
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    anchor = "    - { name: 한국어, link: /ko/, lang: ko }\n"
    config.write_text(text.replace(anchor, anchor + "    - { name: Deutsch, link: /de/, lang: de }\n"),
                      encoding="utf-8")
    line = text[:text.index(anchor)].count("\n") + 2
    site = tmp_path / "site"
    failed_at(mkdocs_build(project, "en", site), f"mkdocs.yml:{line}",
              r"language 'de' has no docs/de/index\.md")
    assert not (site / "index.html").exists()  # no English page links to /de/


def test_a_math_error_names_the_line_of_that_occurrence(tmp_path):
    """The second of two identical bad formulas is found at its own line."""
    from ml4a_figs.site.pages import source_line

    page_file = tmp_path / "docs" / "ko" / "index.md"
    page_file.parent.mkdir(parents=True)
    page_file.write_text("# T\n\n$a$\n\ntext\n\n$a$\n", encoding="utf-8")
    english = tmp_path / "docs" / "en" / "index.md"
    english.parent.mkdir(parents=True)
    english.write_text("# T\n\n$a$\n\n$b$\n", encoding="utf-8")
    sources = [page_file, english]  # a translation, then the English page it falls back on
    assert source_line(sources, tmp_path, "a", 2) == "docs/ko/index.md:7"
    assert source_line(sources, tmp_path, "a", 1) == "docs/ko/index.md:3"
    # a formula of an untranslated section: the English page's line
    assert source_line(sources, tmp_path, "b", 1) == "docs/en/index.md:5"


# --- the KaTeX cache ----------------------------------------------------------------

@pytest.mark.parametrize("content", ["[]", '{"outputs": 5}', '{"katex": "0", "renderings": []}',
                                     "not json", '{"katex": "%s", "renderings": {"k": 5}}'])
def test_a_katex_cache_of_the_wrong_shape_is_stale(content, tmp_path):
    renderer = KatexRenderer(ROOT, tmp_path / "katex.json")
    cache = tmp_path / "katex.json"
    cache.write_text(content.replace("%s", renderer.version), encoding="utf-8")
    again = KatexRenderer(ROOT, cache)  # no crash
    try:
        assert 'class="katex"' in again.render("x^2", False)
    finally:
        again.close()
        renderer.close()
    assert json.loads(cache.read_text())["katex"] == renderer.version


def test_a_tampered_katex_cache_entry_is_not_published(tmp_path):
    cache = tmp_path / "katex.json"
    first = KatexRenderer(ROOT, cache)
    good = first.render("x^2", False)
    first.close()
    stored = json.loads(cache.read_text())
    (key,) = stored["renderings"]
    stored["renderings"][key] = '<img src=x onerror="alert(1)">'
    cache.write_text(json.dumps(stored))
    second = KatexRenderer(ROOT, cache)
    try:
        assert second.render("x^2", False) == good
    finally:
        second.close()
    assert is_katex_output(good) and not is_katex_output(stored["renderings"][key])


# --- the hostile translations that build, in Chromium --------------------------------

@pytest.mark.slow
@pytest.mark.browser
def test_hostile_translations_that_build_run_nothing_in_chromium(project, tmp_path, browser):
    from weight import serve

    safe = [snippet for _, snippet, _, outcome in VARIANTS if outcome == SAFE]
    assert len(safe) >= 5
    append(project, KO_PAGE, "\n\n".join(safe))
    site = tmp_path / "site"
    proc = mkdocs_build(project, "ko", site)
    assert proc.returncode == 0, proc.stderr[-3000:]
    page_html = (site / "ko" / "index.html").read_text(encoding="utf-8")
    assert "onerror=alert(1)" in page_html.replace("&lt;", "<").replace("&gt;", ">")  # as text
    with serve(site) as url:
        page = browser.new_page()
        try:
            dialogs = []
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(url + "ko/", wait_until="load")
            for link in page.locator("article a[href]").all()[:200]:
                href = link.get_attribute("href") or ""
                assert not bad_url(href), href
            found = page.evaluate("""() => {
                const out = [];
                for (const el of document.querySelectorAll('*')) {
                  for (const a of el.attributes) {
                    const v = a.value.replace(/[\\x00-\\x20]+/g, '').toLowerCase();
                    if (a.name.toLowerCase().startsWith('on')) out.push(a.name + ' on ' + el.tagName);
                    if (/^(javascript:|vbscript:|data:text\\/html)/.test(v)) out.push(a.name + '=' + a.value);
                  }
                }
                return out;
            }""")
            page.mouse.move(10, 10)
            page.wait_for_timeout(300)
            assert found == [] and dialogs == [], (found, dialogs)
        finally:
            page.close()
