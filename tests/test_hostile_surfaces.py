"""Hostile input through every file a translator touches besides the page's Markdown
(issue 23): mkdocs.yml's language line, the other files of docs/<lang>/, language.yml's
notes; input that grows without bound; text that vanishes; damaged caches.

The builds run in test_i18n.py's throw-away copy of the project, built as `make site`
builds a language. The holes are batched: one refused build reports every problem of a
translation at once, so one build tries many of them (about 12 s each, warm).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
import zipfile
from pathlib import Path

import pytest

from ml4a_figs import i18n
from test_i18n import build_project, mkdocs_build  # noqa: F401
from test_malformed_input import append, project  # noqa: F401  (a private copy to break)

KO = "docs/ko/index.md"
TIMEOUT = 120  # seconds: every refusal here must come far sooner (a 5 MB page took 478 s)


def build(root: Path, lang: str, site: Path):
    start = time.perf_counter()
    proc = mkdocs_build(root, lang, site)
    return proc, proc.stdout + proc.stderr, time.perf_counter() - start


def refused(out: str, proc, where: str, message: str) -> None:
    assert proc.returncode != 0, f"the build passed:\n{out[-2000:]}"
    assert "Traceback" not in out, out[-3000:]
    assert re.search(rf"{re.escape(where)}: .*{message}", out), \
        f"no {where}: …{message}… in:\n{out[-4000:]}"


# --- mkdocs.yml: the language line -----------------------------------------------------

@pytest.mark.slow
def test_language_lines_of_mkdocs_yml_are_validated(project, tmp_path):
    """A name with markup (it was printed unescaped in every page's menu, and could add a
    fake menu entry whose hreflang the print step used in paths and a glob + unlink), a
    code that is not a BCP 47 tag, a code Material does not know (TemplateNotFound)."""
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    anchor = "    - { name: 한국어, link: /ko/, lang: ko }\n"
    lines = {
        "markup": '    - { name: "<img src=x onerror=alert(1)>", link: /ja/, lang: ja }\n',
        "fake-entry": "    - { name: 'x</a></li><li><a href=\"/\" hreflang=\"../../../tmp/evil\" "
                      "class=\"md-select__link\">y', link: /de/, lang: de }\n",
        "path-code": '    - { name: Evil, link: "/../x/", lang: "../x" }\n',
        "unknown-code": "    - { name: Xx, link: /xx/, lang: xx }\n",
    }
    config.write_text(text.replace(anchor, anchor + "".join(lines.values())), encoding="utf-8")
    for code in ("ja", "de", "xx"):
        (project / "docs" / code).mkdir()
        (project / "docs" / code / "index.md").write_text("---\ntitle: T\n---\n", "utf-8")
    first = text[:text.index(anchor)].count("\n") + 2
    number = {case: first + i for i, case in enumerate(lines)}
    proc, out, _ = build(project, "en", tmp_path / "site")
    refused(out, proc, f"mkdocs.yml:{number['markup']}", r"name: HTML markup")
    refused(out, proc, f"mkdocs.yml:{number['fake-entry']}", r"name: HTML markup")
    refused(out, proc, f"mkdocs.yml:{number['path-code']}", r"is not a language code")
    refused(out, proc, f"mkdocs.yml:{number['unknown-code']}", r"no translation for 'xx'")
    assert not (tmp_path / "site" / "index.html").exists()


def test_the_language_menu_escapes_what_it_prints():
    """Defence in depth: the switcher template escapes the name, code and link."""
    from ml4a_figs.site import languages  # noqa: F401  (the theme folder it adds)

    template = (Path(i18n.__file__).parents[1] / "site" / "i18n_theme" / "partials" /
                "alternate.html").read_text(encoding="utf-8")
    assert "{{ alt.name | e }}" in template and "{{ alt.name }}" not in template
    assert 'hreflang="{{ alt.lang | e }}"' in template


def test_the_print_step_takes_languages_from_the_configuration(tmp_path):
    """A menu entry in the built page is never taken for a language (its hreflang named
    the PDF, the cache file and a glob whose matches were unlinked): the print step has no
    languages but those it is given (site/build.py: the configuration's), and refuses a
    code that is not a BCP 47 tag before it names any file."""
    import inspect

    from ml4a_figs.print_edition import WORDS, PrintError, edition

    assert inspect.signature(edition.build).parameters["langs"].default is inspect.Parameter.empty
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(
        '<html lang="en"><a href="./" hreflang="en" class="md-select__link">English</a>'
        '<a href="./" hreflang="en/../../../x*" class="md-select__link">x</a></html>', "utf-8")
    bad = "en/../../../x*"
    with pytest.raises(PrintError, match="not a language code|BCP 47"):
        edition.build(site, {bad: f"{bad}/"}, {bad: {k: k for k in WORDS}})
    assert not list(tmp_path.rglob("*.pdf"))


# --- docs/<lang>/: files, the page, bounded input ---------------------------------------

@pytest.mark.slow
def test_every_hole_of_a_translations_folder_is_refused_at_its_line(project, tmp_path):
    english = i18n.read(project / "docs/en/index.md", project)
    ko = project / "docs" / "ko"
    (ko / "evil.html").write_text("<script>alert(1)</script>", "utf-8")
    (ko / "pic.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
                                "utf-8")
    (ko / "config").symlink_to(project / "mkdocs.yml")
    # 5 MB of text in the translation of the guide: refused before it is parsed
    big = "---\ntitle: T\n---\n\n# 번역 { #translating-the-chapter }\n\n" + "가나다 " * 500_000
    (ko / "translating.md").write_text(big, encoding="utf-8")
    last = [s for s in english.sections if s.level == 2][-3:]
    cases = {
        "remote-scheme-relative": ("![x](//example.org/x.png)", "from outside the site"),
        "remote-backslashes": ("![x](\\\\example.org\\x.png)", "from outside the site"),
        "remote-https": ("![x](https://example.org/x.png)", "from outside the site"),
        "material-class": ("A paragraph.\n{ .md-consent__overlay }", 'class "md-consent__overlay"'),
        "heading-id": (f"Another paragraph.\n{{ #{english.sections[1].id} }}",
                       f'id "{english.sections[1].id}"'),
        "zero-width-heading": (f"## \u200b {{ #{last[0].id} }}", r"invisible character.*200B"),
        "bom-heading": (f"## \ufeff제목 {{ #{last[1].id} }}", r"invisible character.*FEFF"),
        "long-heading": (f"## {'가' * 6000} {{ #{last[2].id} }}", r"6,0\d\d characters long"),
        "deep-list": ("\n".join("    " * i + "- x" for i in range(40)), r"indented 28 columns"),
        "bracket-run": ("[" * 20_000, r"more than 200 '\['"),
    }
    lines = {}
    for case, (text, _) in cases.items():
        lines[case] = append(project, KO, text)
    lines["material-class"] += 1
    lines["heading-id"] += 1
    lines["deep-list"] += 7
    proc, out, seconds = build(project, "ko", tmp_path / "site")
    refused(out, proc, "docs/ko/evil.html:1", "only Markdown pages")
    refused(out, proc, "docs/ko/pic.svg:1", "only Markdown pages")
    refused(out, proc, "docs/ko/config:1", "a symbolic link")
    refused(out, proc, "docs/ko/translating.md:1", r"5,\d{3},\d{3} bytes")
    for case, (_, message) in cases.items():
        refused(out, proc, f"{KO}:{lines[case]}", message)
    assert seconds < TIMEOUT, f"refused only after {seconds:.0f} s"
    assert not (tmp_path / "site" / "ko" / "evil.html").exists()


@pytest.mark.slow
def test_notes_of_language_yml_take_only_their_fields_and_no_include(project, tmp_path):
    """`{0}` was an IndexError traceback, `{guide:>999999999}` a gigabyte, and an include
    in a note ran pymdownx.snippets (checked with it off, rendered with it on)."""
    strings = project / "docs" / "ko" / "language.yml"
    text = strings.read_text(encoding="utf-8")
    text = re.sub(r"^untranslated: .*?(?=^\S|\Z)", "", text, flags=re.M | re.S)
    text = re.sub(r"^untranslated_page: .*?(?=^\S|\Z)", "", text, flags=re.M | re.S)
    text = re.sub(r"^outdated: .*?(?=^\S|\Z)", "", text, flags=re.M | re.S)
    text += ("untranslated: '{0} 번역'\n"
             "outdated: '[원문]({english:>999999999})'\n"
             "untranslated_page: |\n  도움말\n  --8<-- \"mkdocs.yml\"\n")
    strings.write_text(text, encoding="utf-8")
    file_lines = text.split("\n")

    def line(key):
        return next(n for n, l in enumerate(file_lines, start=1) if l.startswith(f"{key}:"))

    proc, out, seconds = build(project, "ko", tmp_path / "site")
    path = "docs/ko/language.yml"
    refused(out, proc, f"{path}:{line('untranslated')}", r"untranslated: the field \{0\}")
    refused(out, proc, f"{path}:{line('outdated')}", r"outdated: the field \{english:>9")
    refused(out, proc, f"{path}:{line('untranslated_page')}", r"an include \(--8<--\)")
    assert seconds < TIMEOUT


def test_an_include_that_leaves_the_project_is_refused(tmp_path):
    """Where snippets run (the English pages), a symbolic link out of the project is
    followed and refused."""
    from ml4a_figs.i18n.files import include_problems

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "inside.md").write_text("ok", "utf-8")
    outside = tmp_path.parent / f"{tmp_path.name}-outside.txt"
    outside.write_text("secret", "utf-8")
    (tmp_path / "docs" / "link.md").symlink_to(outside)
    page = '--8<-- "docs/inside.md"\n\n--8<-- "docs/link.md"\n\n--8<--\n../etc/passwd\n--8<--\n'
    problems = include_problems("docs/en/index.md", page, tmp_path)
    assert [p.split(":")[1] for p in problems] == ["3", "6"], problems
    assert all("outside the project" in p for p in problems), problems


def test_snippets_never_run_on_translated_text():
    """The page a translated build renders escapes every include marker of translated
    text (pymdownx.snippets shows `;--8<--` as text), but the English page's own."""
    from ml4a_figs.i18n.assembly import assemble
    from ml4a_figs.i18n.sections import parse

    english = parse('# T\n\n## A\n\n--8<-- "ml4a_figs/core/optim.py:sgd"\n\n## B\n\ntext\n',
                    "docs/en/index.md")
    ko = parse('# 제목\n\n## 가 { #a }\n\n--8<-- "ml4a_figs/core/optim.py:sgd"\n'
               '--8<-- ".git/config"\n', "docs/ko/index.md", derive_ids=False)
    strings = dict(i18n.DEFAULT_STRINGS, untranslated='도움말\n--8<-- ".git/config"')
    page = assemble(ko, english, strings, guide="translating.md", english_url="../")
    assert '\n--8<-- "ml4a_figs/core/optim.py:sgd"' in page
    assert '\n;--8<-- ".git/config"' in page and '\n    ;--8<-- ".git/config"' in page


def test_a_bom_at_the_start_of_a_translation_is_accepted(tmp_path):
    root = Path(i18n.__file__).parents[2]
    page = tmp_path / "index.md"
    page.write_bytes(b"\xef\xbb\xbf" + (root / KO).read_bytes())
    doc = i18n.read(page, tmp_path, derive_ids=False)
    english = i18n.read(root / "docs/en/index.md", root)
    assert [p for p in i18n.check(doc, english) if "before the first heading" in p] == []


# --- KaTeX: bounded -------------------------------------------------------------------

@pytest.mark.slow
def test_a_formula_that_expands_without_bound_is_refused_fast(project, tmp_path):
    """A macro expanded 30 times made 57,000 glyphs in 7 s (900,000 seen in 264 s)."""
    formula = "\\def\\a{" + "x" * 1900 + "}" + "\\a" * 30
    line = append(project, KO, f"$$\n{formula}\n$$")
    proc, out, seconds = build(project, "ko", tmp_path / "site")
    refused(out, proc, f"{KO}:{line + 1}", r"cannot typeset .*defines a macro")
    assert seconds < TIMEOUT


def test_katex_caps_sizes(tmp_path):
    """One \\rule printed a 2,985-page PDF: sizes above maxSize are capped."""
    from ml4a_figs import mathrender
    from ml4a_figs.mathrender import KatexRenderer

    root = Path(i18n.__file__).parents[2]
    renderer = KatexRenderer(root, tmp_path / "katex.json")
    try:
        html = renderer.render(r"\rule{1em}{100000em}", True)
    finally:
        renderer.close()
    heights = [float(h) for h in re.findall(r'height="([\d.]+)em"', html)]
    assert heights and max(heights) <= getattr(mathrender, "MAX_SIZE_EM", 20), heights


# --- nothing lost silently --------------------------------------------------------------

@pytest.mark.slow
def test_text_hidden_by_an_unclosed_comment_fails_the_build(project, tmp_path):
    """An unclosed <!-- the source checks miss (after a line they take for a fence) hid
    every section after it; judged on the published page."""
    page = project / KO
    lines = page.read_text(encoding="utf-8").split("\n")
    third = i18n.read(page, project, derive_ids=False).sections[2].line  # before it
    hostile = ["번역한 문단.", "", "    ```", "", "<!-- 여기부터 숨겨짐", "", "이 문장은 사라집니다.", ""]
    page.write_text("\n".join(lines[:third - 1] + hostile + lines[third - 1:]), "utf-8")
    line = third
    proc, out, _ = build(project, "ko", tmp_path / "site")
    refused(out, proc, f"{KO}:{line + 4}", r"missing from the published page")


# --- caches: verified, rebuilt when damaged ---------------------------------------------

@pytest.fixture(scope="module")
def damaged_caches_site(build_project, tmp_path_factory):
    """The copy with every cache entry of the site build damaged and a BOM at the start of
    the Korean page, built in Korean."""
    root = tmp_path_factory.mktemp("damaged") / "project"
    shutil.copytree(build_project, root, symlinks=True)
    page = root / KO
    page.write_bytes(b"\xef\xbb\xbf" + page.read_bytes())
    cache = root / ".cache"
    damaged = {}
    for entry in sorted((cache / "mkdocs-jupyter").glob("*.json"))[:2]:
        entry.write_bytes(entry.read_bytes()[:100])  # truncated JSON
        damaged.setdefault("jupyter", entry)
    for entry in sorted((cache / "notebook-css").glob("*.css")):
        entry.write_text("garbage { color: #bad }", encoding="utf-8")
        damaged.setdefault("css", entry)
    for entry in sorted((cache / "wheel").rglob("*.whl")):
        entry.write_bytes(entry.read_bytes()[:1000])  # truncated zip
        damaged.setdefault("wheel", entry)
    assert {"jupyter", "wheel"} <= set(damaged), damaged  # notebook CSS is cached no more
    site = root / "site"
    proc, out, _ = build(root, "ko", site)
    return proc, out, site


@pytest.mark.slow
def test_damaged_mkdocs_jupyter_entries_are_rebuilt(damaged_caches_site):
    proc, out, site = damaged_caches_site
    assert "Traceback" not in out and proc.returncode == 0, out[-3000:]
    assert (site / "ko" / "notebooks" / "linear_regression" / "index.html").is_file()


@pytest.mark.slow
def test_a_damaged_notebook_stylesheet_is_rebuilt(damaged_caches_site):
    proc, out, site = damaged_caches_site
    css = list((site / "ko" / "assets" / "notebooks").glob("*.css"))
    assert css and all("garbage" not in c.read_text(encoding="utf-8") for c in css), out[-2000:]


@pytest.mark.slow
def test_a_truncated_wheel_is_rebuilt(damaged_caches_site):
    proc, out, site = damaged_caches_site
    wheels = list(site.rglob("*.whl"))
    assert wheels, out[-2000:]
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as z:
            assert z.testzip() is None


@pytest.mark.slow
def test_a_bom_at_the_start_of_a_translation_builds(damaged_caches_site):
    proc, out, site = damaged_caches_site
    assert "before the first heading" not in out and proc.returncode == 0, out[-2000:]
    assert "\ufeff" not in (site / "ko" / "index.html").read_text(encoding="utf-8")[:5000]


# --- the translator's guide states the rules ------------------------------------------

GUIDE = Path(i18n.__file__).parents[2] / "docs" / "en" / "translating.md"


def test_the_guide_states_each_limit():
    from ml4a_figs import mathrender
    from ml4a_figs.i18n import limits, status

    text = GUIDE.read_text(encoding="utf-8")
    table = text[text.index("## Limits"):text.index("## When the build fails")]
    for value, unit in [(limits.MAX_PAGE_BYTES, "bytes"), (limits.MAX_STRINGS_BYTES, "bytes"),
                        (limits.MAX_HEADING_CHARS, "characters"),
                        (limits.MAX_INDENT, "columns"), (limits.MAX_QUOTE_DEPTH, ""),
                        (limits.MAX_OPENERS, ""),
                        (mathrender.MAX_FORMULA_CHARS, "characters of TeX"),
                        (mathrender.MAX_EXPAND, ""), (mathrender.MAX_SIZE_EM, "em"),
                        (mathrender.MAX_FORMULA_HTML, "characters"),
                        (limits.MAX_PAGE_HTML_BYTES, "characters of HTML"),
                        (limits.MAX_PDF_PAGES, "pages")]:
        assert re.search(rf"\| {value:,} {unit}".rstrip(), table), (value, unit)
    assert f"at most {status.MAX_NAME_CHARS} characters" in text


def test_the_guide_lists_the_classes_of_the_chapter_and_every_file():
    from ml4a_figs.i18n import checks, sanitize

    root = GUIDE.parents[2]
    english = i18n.read(root / "docs/en/index.md", root)
    own = checks.english_classes(english, checks.default_renderer()) - sanitize.generated_classes()
    text = GUIDE.read_text(encoding="utf-8")
    assert own and all(f"`{c}`" in text for c in own), sorted(own)
    for name in ("docs/ko/index.md", "docs/ko/translating.md", "docs/ko/language.yml",
                 "mkdocs.yml"):
        assert f"| `{name}` |" in text, name


@pytest.mark.parametrize("english, translated, ok", [
    ("[Help]({guide}).", "[도움말]({guide}).", True),
    ("[Help]({guide}).", "{0}", False),  # an IndexError traceback before
    ("[Help]({guide}).", "{guide:>999999999}", False),  # a gigabyte before
    ("[Help]({guide}).", "{guide.__class__}", False),
    ("[Help]({guide}).", "{guide!r}", False),
    ("MSE = {} at ({}, {})", "({1}, {2}) 에서 MSE = {0}", True),  # numbers reordered
    ("MSE = {} at ({}, {})", "MSE = {3}", False),
    ("MSE = {}", "MSE = {} {}", False),
    ("Built on {date}", "{date} 빌드 {{괄호}}", True),
    ("Built on {date}", "{date", False),
])
def test_a_text_names_only_the_fields_of_its_english_text(english, translated, ok):
    from ml4a_figs.i18n.limits import format_field_problem

    assert (format_field_problem(translated, english) is None) == ok
