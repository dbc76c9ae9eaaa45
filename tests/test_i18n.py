"""Translations (ml4a_figs/i18n/, built by ml4a_figs/site/languages.py): sections and their ids, hashes, the status that
`make i18n-status` prints, the checks of contributed Markdown, and real builds of a
language in a throw-away copy of the project (bad input fails them with file and line;
a third language builds, switches and falls back)."""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import markdown
import pytest

from ml4a_figs import i18n
from conftest import INSTALLED, ROOT, run

EN = ROOT / "docs" / "en" / "index.md"
KO = ROOT / "docs" / "ko" / "index.md"
# the sections the Korean seed translated: everything before "Linear regression"
OPENING = ["how-neural-networks-are-trained", "why-training-is-hard",
           "a-needle-in-a-hyper-dimensional-haystack", "n-dimensional-space-is-a-lonely-place"]


def english() -> i18n.Doc:
    return i18n.read(EN, ROOT)


def korean(text: str | None = None) -> i18n.Doc:
    if text is None:
        return i18n.read(KO, ROOT, derive_ids=False)
    return i18n.parse(text, "docs/ko/index.md", derive_ids=False)


def opening_only(text: str) -> str:
    """The Korean page cut to its opening sections: a partial translation, as a translator
    starts one, for the tests of what readers see of the sections not translated yet."""
    cut = text.index("\n## ", text.index("{ #n-dimensional-space-is-a-lonely-place }"))
    return text[:cut + 1]


def known_names():
    return i18n.known_names(ROOT)


def cli(*args: str, root: Path = ROOT):
    return run([sys.executable, "-m", "ml4a_figs.i18n", "--root", str(root), *args])


# --- sections, ids, hashes ------------------------------------------------------

@pytest.mark.parametrize("page", ["index.md", "translating.md"])
def test_section_ids_are_the_ids_the_toc_gives(page):
    """A translated heading carries the English id: it must be the id MkDocs gives the
    English heading, or links and the language switch would lose their anchor."""
    path = ROOT / "docs" / "en" / page
    doc = i18n.read(path, ROOT)
    md = markdown.Markdown(extensions=["toc", "attr_list", "md_in_html", "tables", "admonition",
                                       "pymdownx.superfences", "pymdownx.blocks.caption"])
    md.convert(path.read_text(encoding="utf-8").split("---", 2)[2])

    def walk(tokens):
        for t in tokens:
            yield t["id"]
            yield from walk(t["children"])

    assert [s.id for s in doc.sections] == list(walk(md.toc_tokens))


def test_the_english_chapter_has_the_sections_of_the_original():
    doc = english()
    assert doc.problems == []
    assert [s.id for s in doc.sections[:4]] == OPENING
    assert doc.sections[0].level == 1 and all(s.level in (2, 3) for s in doc.sections[1:])
    assert len(doc.sections) == 25  # the title, 22 sections of the original, the appendix


def test_hash_ignores_trailing_spaces_blank_lines_and_markers():
    lines = ["## Title", "", "Some text.", "", "More."]
    same = ["## Title  ", "<!-- translated-from: 1a2b3c4d -->", "", "", "Some text.", "",
            "", "More.", ""]
    assert i18n.section_hash(lines) == i18n.section_hash(same)
    assert i18n.section_hash(lines) != i18n.section_hash(["## Title", "", "Some text!", "", "More."])
    assert re.fullmatch(r"[0-9a-f]{8}", i18n.section_hash(lines))


def test_code_fences_do_not_start_sections():
    doc = i18n.parse("# T\n\n```sh\n# a comment, not a heading\n```\n\n## Next\n", "x.md")
    assert [s.id for s in doc.sections] == ["t", "next"]


# --- the Korean page --------------------------------------------------------------

def test_the_korean_page_passes_every_check():
    figures, facts = known_names()
    assert i18n.check(korean(), english(), figures, facts) == []


def test_the_korean_page_translates_the_opening_sections():
    states = {s.english.id: s.state for s in i18n.section_states(korean(), english())}
    assert all(states[sid] != i18n.MISSING for sid in OPENING)
    # the partial page the tests below use holds the opening and only it
    part = {s.english.id: s.state for s in
            i18n.section_states(korean(opening_only(KO.read_text(encoding="utf-8"))), english())}
    assert [sid for sid, st in part.items() if st != i18n.MISSING] == OPENING


def test_every_translated_section_keeps_the_figures_facts_and_formulas_of_its_english():
    """A translated section shows the same figures and explorables (each with a Korean alt
    text, not the English fallback), the same computed numbers and the same display
    formulas as the English section it translates."""
    names = re.compile(r"\]\((?:figure|explore):(\w+)\)")
    facts = re.compile(r"\{\{ facts\.(\w+) \}\}")
    for status in i18n.section_states(korean(), english()):
        if status.translation is None:
            continue
        sid = status.english.id
        ko_text = "\n".join(status.translation.lines)
        en_text = "\n".join(status.english.lines)
        assert names.findall(ko_text) == names.findall(en_text), sid
        assert sorted(facts.findall(ko_text)) == sorted(facts.findall(en_text)), sid
        assert ko_text.count("/// caption") == en_text.count("/// caption"), sid
        assert ko_text.count("$$") == en_text.count("$$"), sid
        for alt in re.findall(r"!\[([^\]]*)\]\((?:figure|explore):", ko_text):
            assert re.search(r"[\uac00-\ud7a3]", alt), (sid, alt)


def test_the_korean_page_follows_our_markdown_conventions():
    text = KO.read_text(encoding="utf-8")
    assert "{%" not in text and "$$ " not in text and "{::" not in text  # no Jekyll/kramdown
    assert "/ml4a/ko/neural_network/" not in text  # the seed's broken link, fixed
    assert "가능한 체중 조합" not in text  # "body weight": the seed's mistranslation of "weight"
    for name in ("connection_tweak", "small_nets", "sampling", "topographic_map"):
        assert f"](figure:{name})" in text
    assert "attrs: {lang: en}" not in text  # the header caption is translated too
    for fact in ("grid_2d_points", "grid_3d_points", "mnist_weights_tex", "mnist_biases",
                 "mnist_params", "mnist_params_plain"):
        assert f"{{{{ facts.{fact} }}}}" in text or f"{{{{ facts.{fact}_tex }}}}" in text
    for line in text.split("\n"):  # display math on lines of its own
        assert "$$" not in line or line.strip() == "$$"


def assembled_korean() -> str:
    """The Markdown the Korean build renders for the chapter (before facts and figures
    are filled in), English fallback included."""
    return i18n.assemble(korean(), english(), i18n.project(ROOT).strings("ko"),
                         guide=i18n.GUIDE, english_url="../")


def test_assembled_korean_page():
    proj = i18n.project(ROOT)
    strings = proj.strings("ko")
    page = i18n.assemble(korean(opening_only(KO.read_text(encoding="utf-8"))), english(),
                         strings, guide="translating.md",
                         english_url="../")
    doc = i18n.parse(page, "assembled")
    assert [s.id for s in doc.sections] == [s.id for s in english().sections]
    # the translated headings keep the English anchors
    assert "## 왜 훈련이 힘든가 { #why-training-is-hard }" in page
    assert page.startswith("# 신경망은 어떻게 훈련되는가 { #how-neural-networks-are-trained }")
    # one note under each untranslated ## section (and where a run of them starts)
    notes = page.count('!!! info i18n-note "아직 번역되지 않은 절"')
    h2_missing = [s for s in english().sections[4:] if s.level == 2]
    assert notes == len(h2_missing) == 8
    assert "[번역에 참여해 주세요](translating.md)" in page
    with_text = [s for s in english().sections[4:] if any(line.strip() for line in s.body)]
    assert page.count(i18n.EN_OPEN) == page.count(i18n.EN_CLOSE) == len(with_text) == 20
    html = i18n.page_content(markdown.markdown(page, extensions=["attr_list", "admonition"]))
    assert html.count('<div lang="en">') == 20 and i18n.EN_OPEN not in html
    assert "translated-from" not in page


def test_strings_of_a_language_fall_back_to_english():
    proj = i18n.project(ROOT)
    assert proj.strings("ko")["untranslated_title"] == "아직 번역되지 않은 절"
    assert proj.strings("xx")["untranslated_title"] == proj.strings("en")["untranslated_title"] \
        == "Not translated yet"  # docs/en/language.yml


# --- the status: make i18n-status -----------------------------------------------------

def test_make_i18n_status_prints_the_state_of_the_korean_page():
    proc = run([sys.executable, "-m", "ml4a_figs.i18n", "status"], check=True)  # what make runs
    out = proc.stdout
    print(out)
    assert "ko — 한국어 (docs/ko/)" in out
    found = re.search(r"index\.md: (\d+) of 25 sections translated, (\d+) OUTDATED, (\d+) missing",
                      out)
    states = {s.english.id: s.state for s in i18n.section_states(korean(), english())}
    counts = [sum(st == state for st in states.values())
              for state in (i18n.TRANSLATED, i18n.OUTDATED, i18n.MISSING)]
    assert found and [int(n) for n in found.groups()] == counts, out
    for sid in OPENING:
        assert re.search(rf"^\s+(translated|OUTDATED)\s+{sid}\s", out, re.M), sid
    for e in english().sections:  # a missing section comes with the marker to paste
        if states[e.id] == i18n.MISSING:
            assert re.search(rf"^\s+missing\s+{e.id}\s", out, re.M), e.id
            assert f"<!-- translated-from: {e.hash} -->" in out
    assert "translating.md: not translated (shown in English)" in out


def test_skeleton_prints_a_section_ready_to_translate():
    proc = cli("skeleton", "ko", "loss-function")
    assert proc.returncode == 0, proc.stderr
    e = english().by_id()["loss-function"]
    lines = proc.stdout.split("\n")
    assert lines[0] == "### Loss function { #loss-function }"
    assert lines[1] == f"<!-- translated-from: {e.hash} -->"
    assert "mean squared error" in proc.stdout
    # pasted as is, it is a valid translated section, reported up to date
    doc = korean(opening_only(KO.read_text(encoding="utf-8")) + "\n" + proc.stdout)
    assert i18n.check(doc, english()) == []
    states = {s.english.id: s.state for s in i18n.section_states(doc, english())}
    assert states["loss-function"] == i18n.TRANSLATED


def copy_project(dest: Path) -> Path:
    """The Markdown and configuration of the project (enough for the status and the
    checks), in a throw-away folder."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", dest / "docs", dirs_exist_ok=True)
    return dest


def edit_section(path: Path, section_id: str, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    section = i18n.parse(text, str(path)).by_id()[section_id]
    start = text.index("\n".join(section.lines))
    end = start + len("\n".join(section.lines))
    body = text[start:end]
    assert old in body, f"{old!r} not in section {section_id}"
    path.write_text(text[:start] + body.replace(old, new, 1) + text[end:], encoding="utf-8")


def test_an_english_edit_makes_the_korean_section_outdated(tmp_path):
    root = copy_project(tmp_path / "project")
    en = root / "docs" / "en" / "index.md"
    before = {s.english.id: s.state for s in
              i18n.section_states(i18n.read(root / "docs/ko/index.md", root, derive_ids=False),
                                  i18n.read(en, root))}
    # trailing spaces and blank lines are not a change
    edit_section(en, "n-dimensional-space-is-a-lonely-place", "lonely place\n", "lonely place   \n\n")
    proc = cli("status", "ko", root=root)
    assert re.search(r"^\s+translated\s+n-dimensional-space-is-a-lonely-place\s", proc.stdout, re.M) \
        or before["n-dimensional-space-is-a-lonely-place"] == i18n.OUTDATED, proc.stdout
    # a change of the text is
    edit_section(en, "n-dimensional-space-is-a-lonely-place", "No supercomputer can ever hope",
                 "No supercomputer could ever hope")
    new_hash = i18n.read(en, root).by_id()["n-dimensional-space-is-a-lonely-place"].hash
    proc = cli("status", "ko", root=root)
    print(proc.stdout)
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"^\s+OUTDATED\s+n-dimensional-space-is-a-lonely-place\s", proc.stdout, re.M)
    assert f"set <!-- translated-from: {new_hash} -->" in proc.stdout
    for sid in OPENING[:3]:  # the others did not move
        state = "translated" if before[sid] == i18n.TRANSLATED else "OUTDATED"
        assert re.search(rf"^\s+{state}\s+{sid}\s", proc.stdout, re.M), sid
    assert re.search(r"index\.md: \d+ of 25 sections translated, [1-9]\d* OUTDATED", proc.stdout)


# --- bad input from a translator -----------------------------------------------------

def _replace(old: str, new: str, count: int = 1):
    def mutate(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, count)
    return mutate


def _sub(pattern: str, new: str):
    def mutate(text: str) -> str:
        assert re.search(pattern, text), pattern
        return re.sub(pattern, lambda _: new, text, count=1)
    return mutate


def _line_of(text: str, needle: str) -> int:
    return text[:text.index(needle)].count("\n") + 1


# (id, mutation of docs/ko/index.md, the line the message must name (a needle in the
# mutated text), the message)
BAD_INPUT = [
    ("unknown-figure", _replace("](figure:small_nets)", "](figure:small_netz)"),
     "figure:small_netz", r"unknown figure 'small_netz'; did you mean small_nets\?"),
    ("front-matter-yaml", _replace("title: 신경망은 어떻게 훈련되는가\n",
                                   "title: 신경망은 어떻게 훈련되는가\nauthors: [Gene Kogan\n"),
     "authors:", r"front matter is not valid YAML"),
    ("front-matter-unclosed", _replace("---\n\n<!--", "\n<!--"),
     "---", r"front matter opened with --- is never closed"),
    ("heading-without-id", _replace(" { #n-dimensional-space-is-a-lonely-place }", ""),
     "### n차원", r"has no section id: end it with the id of the English section it "
                 r"translates, e\.g\. \{ #n-dimensional-space-is-a-lonely-place \}"),
    ("heading-unknown-id", _replace("{ #why-training-is-hard }", "{ #why-training-is-hrad }"),
     "#why-training-is-hrad", r"'why-training-is-hrad' is not a section of docs/en/index\.md; "
                              r"did you mean why-training-is-hard\?"),
    ("heading-wrong-level", _replace("### 초차원", "## 초차원"),
     "## 초차원", r"is level 2 \(##\) but the English section "
                 r"'a-needle-in-a-hyper-dimensional-haystack' is level 3"),
    ("heading-wrong-order", lambda t: t.replace(
        "### 초차원 건초 더미 안의 바늘 { #a-needle-in-a-hyper-dimensional-haystack }",
        "### 초차원 건초 더미 안의 바늘 { #TMP }").replace(
        "### n차원 공간은 외로운 곳입니다 { #n-dimensional-space-is-a-lonely-place }",
        "### n차원 공간은 외로운 곳입니다 { #a-needle-in-a-hyper-dimensional-haystack }").replace(
        "{ #TMP }", "{ #n-dimensional-space-is-a-lonely-place }"),
     "### n차원", r"comes after 'n-dimensional-space-is-a-lonely-place' here but before it "
                 r"in docs/en/index\.md; keep the English order"),
    ("heading-extra", _replace("\n## 왜 훈련이 힘든가", "\n#### 덧붙인 제목\n\n## 왜 훈련이 힘든가"),
     "#### 덧붙인", r"heading “#### 덧붙인 제목” has no section id"),
    ("script", _replace("\n## 왜 훈련이 힘든가", "\n<script>alert('hi')</script>\n\n## 왜 훈련이 힘든가"),
     "<script>", r"the tag <script> is not allowed in a translation \(it could run code"),
    ("event-attribute", _sub(r"!\[[^\]]*\]\(figure:small_nets\)",
                                 '<img src="x.png" onerror="alert(1)">'),
     "<img", r'the attribute onerror="alert\(1\)" on <img> is not allowed in a translation'),
    ("event-in-attr-list", _replace("{ .chapter-header }", '{ .chapter-header onclick="alert(1)" }'),
     "onclick", r'the attribute onclick="alert\(1\)" on <img> is not allowed'),
    ("javascript-link", _replace("[이전 장](https://ml4a.github.io/ml4a/ko/neural_networks/)",
                                 "[이전 장](javascript:alert(1))"),
     "javascript:", r'the attribute href="javascript:alert\(1\)" on <a> is not allowed'),
    ("include", _replace("\n## 왜 훈련이 힘든가", '\n--8<-- "docs/assets/site.css"\n\n## 왜 훈련이 힘든가'),
     "--8<--", r"include '--8<-- \"docs/assets/site\.css\"' is not one of docs/en/index\.md's"),
    ("build-marker", _replace("\n## 왜 훈련이 힘든가", "\n<!-- /i18n:lang -->\n\n## 왜 훈련이 힘든가"),
     "<!-- /i18n", r"<!-- i18n: … --> comments are the build's own markers"),
    ("malformed-marker", _replace("<!-- translated-from: ", "<!-- translated-from: v1-", 1),
     "v1-", r"translated-from marker 'v1-[0-9a-f]{8}' is not a section hash"),
]


def test_allowed_html_passes():
    text = KO.read_text(encoding="utf-8") + (
        "\n<!-- a comment\n   over lines -->\n\n설명 `<code>` $a<b$ and $c>d$\n\n"
        "<div class=\"grid cards further-reading\" markdown>\n\n"
        "-   __[A link](https://example.org/)__ <https://example.org/>\n\n    설명\n\n</div>\n")
    assert i18n.check(korean(text), english()) == []


@pytest.mark.parametrize("case, mutate, needle, message", BAD_INPUT, ids=[c[0] for c in BAD_INPUT])
def test_bad_input_is_reported_with_file_and_line(case, mutate, needle, message):
    text = mutate(KO.read_text(encoding="utf-8"))
    figures, facts = known_names()
    problems = i18n.check(korean(text), english(), figures, facts)
    line = _line_of(text, needle)
    assert any(re.match(rf"docs/ko/index\.md:{line}: .*{message}", p) for p in problems), \
        f"expected docs/ko/index.md:{line}: …{message}… among {problems}"


# --- real builds in a throw-away copy of the project ---------------------------------

@pytest.fixture(scope="session")
def build_project(tmp_path_factory) -> Path:
    """A copy of the project to build: Markdown, configuration, the figures and caches
    as they are (so nothing is redrawn when they are fresh); the package and KaTeX
    linked, never written."""
    root = copy_project(tmp_path_factory.mktemp("i18n-build") / "project")
    shutil.copytree(ROOT / "figures", root / "figures")
    if (ROOT / ".cache").is_dir():
        shutil.copytree(ROOT / ".cache", root / ".cache")
    for name in ("node_modules", "ml4a_figs"):
        (root / name).symlink_to(ROOT / name)
    return root


def mkdocs_build(root: Path, lang: str | None, site: Path):
    """The build `make site` runs, of one language (None: all of them, and their PDFs)."""
    return run([sys.executable, "-m", "ml4a_figs.site", *([lang] if lang else []),
                "-f", str(root / "mkdocs.yml"), "-d", str(site)], cwd=root, env=INSTALLED, timeout=900)


@pytest.fixture
def broken_korean(build_project):
    """docs/ko/index.md of the build copy, restored after the test."""
    path = build_project / "docs" / "ko" / "index.md"
    original = path.read_text(encoding="utf-8")
    yield path
    path.write_text(original, encoding="utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("case, mutate, needle, message", BAD_INPUT, ids=[c[0] for c in BAD_INPUT])
def test_bad_input_fails_the_build(case, mutate, needle, message, build_project, broken_korean,
                                   tmp_path):
    text = mutate(broken_korean.read_text(encoding="utf-8"))
    broken_korean.write_text(text, encoding="utf-8")
    proc = mkdocs_build(build_project, "ko", tmp_path / "site")
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, f"the build passed with {case}:\n{out[-2000:]}"
    line = _line_of(text, needle)
    assert re.search(rf"docs/ko/index\.md:{line}: .*{message}", out), out[-3000:]


@pytest.mark.slow
def test_bad_language_yml_fails_the_build(build_project, tmp_path):
    strings = build_project / "docs" / "ko" / "language.yml"
    original = strings.read_text(encoding="utf-8")
    try:
        strings.write_text(original.replace("untranslated_title:", "untranslated_titel:"),
                           encoding="utf-8")
        proc = mkdocs_build(build_project, "ko", tmp_path / "site")
        assert proc.returncode != 0
        assert re.search(r"docs/ko/language\.yml:1: unknown key 'untranslated_titel'; did you "
                         r"mean untranslated_title", proc.stdout + proc.stderr)
    finally:
        strings.write_text(original, encoding="utf-8")


THIRD = "fr"
THIRD_LINE = "    - { name: Français, link: /fr/, lang: fr }\n"
THIRD_PAGE = f"""---
title: Comment les réseaux de neurones sont entraînés
---

## Pourquoi l'entraînement est difficile {{ #why-training-is-hard }}
<!-- translated-from: {{hash}} -->

Une section traduite, et une seule : le reste de la page s'affiche en anglais.
"""


def add_third_language(root: Path) -> None:
    """A language made the way the guide says: its page and one line of configuration."""
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    anchor = "    - { name: 한국어, link: /ko/, lang: ko }\n"
    assert anchor in text
    config.write_text(text.replace(anchor, anchor + THIRD_LINE), encoding="utf-8")
    page = root / "docs" / THIRD / "index.md"
    page.parent.mkdir()
    h = i18n.read(root / "docs/en/index.md", root).by_id()["why-training-is-hard"].hash
    page.write_text(THIRD_PAGE.replace("{hash}", h), encoding="utf-8")


@pytest.fixture(scope="session")
def third_language_site(build_project, tmp_path_factory) -> Path:
    """The copy with a throw-away third language, every language built, as `make site`
    builds them (the original first: it empties the site folder)."""
    root = build_project.parent / "with-third"
    shutil.copytree(build_project, root, symlinks=True)
    add_third_language(root)
    site = root / "site"
    proc = cli("languages", root=root)
    assert proc.stdout.split() == ["en", "ko", THIRD], proc.stdout + proc.stderr
    built = mkdocs_build(root, None, site)
    assert built.returncode == 0, f"{built.stdout}\n{built.stderr[-3000:]}"
    return site


@pytest.mark.slow
def test_a_third_language_builds_and_falls_back(third_language_site):
    site = third_language_site
    page = (site / THIRD / "index.html").read_text(encoding="utf-8")
    assert '<html lang="fr"' in page
    assert re.search(r'<h2 id="why-training-is-hard"[^>]*>Pourquoi l\'entraînement est difficile',
                     page)
    # the rest in English, under the English note (no docs/fr/language.yml)
    assert '<h2 id="linear-regression" lang="en">Linear regression' in page
    note = i18n.project(ROOT).strings("en")["untranslated_title"]
    # under the title, the first section after the translated one, and the 8 ## sections
    assert page.count(f'<p class="admonition-title">{note}</p>') == 10
    assert page.count('class="katex"') == \
        (site / "index.html").read_text(encoding="utf-8").count('class="katex"')
    # pages it does not translate at all are there, in English, under a note
    guide = (site / THIRD / "translating" / "index.html").read_text(encoding="utf-8")
    assert i18n.project(ROOT).strings("en")["untranslated_page_title"] in guide
    search = json.loads((site / THIRD / "search" / "search_index.json").read_text())
    assert search["config"]["lang"] == ["fr", "en"]
    # each language's own: MkDocs shares one search plugin between the configurations
    english = json.loads((site / "search" / "search_index.json").read_text())
    assert english["config"]["lang"] == ["en"]


@pytest.mark.slow
def test_a_third_language_is_in_every_switcher(third_language_site):
    site = third_language_site

    def links(path: Path) -> dict[str, str]:
        html = path.read_text(encoding="utf-8")
        return {lang: href for href, lang in
                re.findall(r'<a href="([^"]*)" hreflang="([^"]*)"[^>]*class="md-select__link"', html)}

    assert links(site / "index.html") == {"en": "./", "ko": "./ko/", "fr": "./fr/"}
    assert links(site / THIRD / "index.html") == {"en": "./../", "ko": "./../ko/",
                                                  "fr": "./../fr/"}
    assert links(site / "ko" / "translating" / "index.html") == {
        "en": "../../translating/", "ko": "../../ko/translating/",
        "fr": "../../fr/translating/"}


@pytest.mark.slow
def test_the_build_prints_the_status_and_notes_an_outdated_section(build_project, tmp_path):
    root = tmp_path / "project"
    shutil.copytree(build_project, root, symlinks=True)
    en = root / "docs" / "en" / "index.md"
    ko = root / "docs" / "ko" / "index.md"
    ko.write_text(opening_only(ko.read_text(encoding="utf-8")), encoding="utf-8")
    edit_section(en, "why-training-is-hard", "## Why training is hard",
                 "## Why training is hard\n\nA sentence added to the English section.")
    proc = mkdocs_build(root, "ko", tmp_path / "site")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "translation ko (한국어):" in proc.stdout
    assert re.search(r"index\.md: \d of 25 sections translated, [1-4] OUTDATED, 21 missing",
                     proc.stdout), proc.stdout
    page = (tmp_path / "site" / "ko" / "index.html").read_text(encoding="utf-8")
    assert '<p class="admonition-title">원문이 바뀌었습니다</p>' in page
    assert 'href="../#why-training-is-hard"' in page


# --- helpers for translators and for other tests ---------------------------------------

def test_check_command_passes_on_the_project():
    proc = cli("check")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "no problem found" in proc.stdout


def test_diff_shows_what_changed_in_english_since_the_translation(tmp_path):
    root = copy_project(tmp_path / "project")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"]
    run(["git", "init", "-q"], cwd=root, check=True)
    run([*git, "add", "."], cwd=root, check=True)
    run([*git, "commit", "-q", "-m", "as translated"], cwd=root, check=True)
    ko = root / "docs" / "ko" / "index.md"
    en = root / "docs" / "en" / "index.md"
    # make the Korean marker name the committed English section
    sid = "why-training-is-hard"
    committed = i18n.read(en, root).by_id()[sid].hash
    text = ko.read_text(encoding="utf-8")
    marker = i18n.read(ko, root, derive_ids=False).by_id()[sid].marker
    ko.write_text(text.replace(f"translated-from: {marker}", f"translated-from: {committed}"),
                  encoding="utf-8")
    run([*git, "commit", "-q", "--allow-empty", "-am", "marker"], cwd=root, check=True)
    edit_section(en, sid, "## Why training is hard", "## Why training is hard\n\nA new sentence.")
    proc = cli("diff", "ko", sid, root=root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"--- {sid} as translated ({committed})" in proc.stdout
    assert "+A new sentence." in proc.stdout


def test_assembled_page_shows_every_formula_of_the_chapter():
    """What a test counting the formulas of /ko/ should count: the Markdown the Korean
    build renders, English fallback included."""
    sys.path.insert(0, str(ROOT / "tests"))
    from browser import checks

    ko = checks.count_math(assembled_korean())
    en = checks.count_math(EN.read_text(encoding="utf-8"))
    assert ko >= 100 and abs(ko - en) <= 10, (ko, en)


@pytest.mark.parametrize("english, want", [
    ("α = 0.1\nMSE 0.5 after 40", ["40단계", "MSE 0.5"]),
    ("β = 0.9\nMSE 0.25 after 300", ["300단계", "MSE 0.25"]),
    ("α = 3 × 10⁻⁴\nMSE 0.75 after 40", ["3 × 10⁻⁴", "40단계", "MSE 0.75"]),
    ("step 7 / 40", ["7단계 / 40"]),
    ("3 of 8 hidden neurons dropped, with all their connections", ["8개 중 3개"]),
])
def test_korean_figure_strings_put_each_number_in_its_place(english, want):
    """A Korean figure string that words its numbers in another order must say which
    number goes where ({0}, {1}…): the sweep titles once printed the MSE as the step count."""
    from ml4a_figs.figures import wording
    from ml4a_figs.pipeline.translations import figure_languages

    ko = next(lang for lang in figure_languages() if lang.code == "ko")
    drawn = wording.Words(dict(ko.table))(english)
    assert all(w in drawn for w in want), (english, drawn)
