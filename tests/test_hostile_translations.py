"""Hostile translations: every way in we know of, tried as an attacker would.

Each variant is appended to the last translated section of docs/ko/index.md (or put in
its front matter, or in docs/ko/language.yml). It is either refused by the checks with
file:line, or built with nothing executable left. The refused ones are also cleaned by
the publishing pass (defence in depth); the built ones are built together, in one Korean
build, and loaded in Chromium: no dialog may open, and no javascript:, vbscript: or
data:text/html URL and no on… attribute may remain.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest

from ml4a_figs import i18n
from ml4a_figs.i18n import sanitize
from ml4a_figs.i18n.checks import default_renderer
from conftest import ROOT

KO = ROOT / "docs" / "ko" / "index.md"
X = "alert(1)"
REFUSED, SAFE = "refused", "safe"

# (id, Markdown appended to the page, needle on the line the refusal must name, outcome)
VARIANTS = [
    # tags
    ("script", f"<script>{X}</script>", "<script>", REFUSED),
    ("img-onerror", f'<img src="x" onerror="{X}">', "onerror", REFUSED),
    ("iframe", '<iframe src="https://example.org/"></iframe>', "<iframe", REFUSED),
    ("svg-onload", f"<svg onload={X}></svg>", "<svg", REFUSED),
    ("object", '<object data="x.swf"></object>', "<object", REFUSED),
    ("style-tag", "<style>body { display: none }</style>", "<style>", REFUSED),
    ("form", '<form action="https://example.org/"><button>go</button></form>', "<form", REFUSED),
    ("meta-refresh", '<meta http-equiv="refresh" content="0;url=https://example.org/">',
     "<meta", REFUSED),
    ("nested-script", f"<scr<script>ipt>{X}</script>", "<scr", REFUSED),
    ("mixed-case", f"<IMG SRC=x ONERROR={X}>", "ONERROR", REFUSED),
    # event attributes
    ("a-onclick", f'<a href="#" onclick="{X}">x</a>', "onclick", REFUSED),
    ("p-unquoted", f"<p onmouseover={X}>x</p>", "onmouseover", REFUSED),
    ("details-ontoggle", f"<details open ontoggle={X}><summary>s</summary></details>",
     "ontoggle", REFUSED),
    # URL schemes and their encodings
    ("md-javascript", f"[x](javascript:{X})", "javascript:", REFUSED),
    ("md-mixed-case", f"[x](JaVaScRiPt:{X})", "JaVaScRiPt", REFUSED),
    ("md-colon-entity", f"[x](javascript&colon;{X})", "&colon;", REFUSED),
    ("md-decimal-entity", f"[x](&#106;avascript:{X})", "&#106;", REFUSED),
    ("html-hex-entity", f'<a href="&#x6A;avascript:{X}">x</a>', "&#x6A;", REFUSED),
    ("html-colon-decimal", f'<a href="javascript&#58;{X}">x</a>', "&#58;", REFUSED),
    ("tab-in-scheme", f"[x](java&#9;script:{X})", "java&#9;", REFUSED),
    ("space-before-scheme", f'<a href=" javascript:{X}">x</a>', "javascript", REFUSED),
    ("control-in-scheme", f'<a href="\x01javascript:{X}">x</a>', "javascript", REFUSED),
    ("vbscript", "[x](vbscript:msgbox(1))", "vbscript", REFUSED),
    ("data-html", "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
     "data:", REFUSED),
    ("image-javascript", f"![x](javascript:{X})", "javascript", REFUSED),
    ("reference-link", f"[x][evil]\n\n[evil]: javascript:{X}", "[evil]:", REFUSED),
    # attr_list
    ("attr-list-href", f'[x](https://example.org/){{ href="javascript:{X}" }}',
     "href=", REFUSED),
    ("attr-list-onclick", f'A paragraph.\n{{ onclick="{X}" }}', "onclick", REFUSED),
    ("attr-list-style", 'A paragraph.\n{ style="position: fixed; inset: 0" }', "style", REFUSED),
    ("attr-list-data", 'A paragraph.\n{ data-figure="races" }', "data-figure", REFUSED),
    # footnotes, tables, admonitions, captions
    ("footnote", f"Text.[^evil]\n\n[^evil]: <img src=x onerror={X}>", "onerror", REFUSED),
    ("footnote-link", f"Text.[^ev]\n\n[^ev]: [x](javascript:{X})", "javascript", REFUSED),
    ("table", f"| a |\n|---|\n| <img src=x onerror={X}> |", "onerror", REFUSED),
    ("admonition-title", f'!!! example "<img src=x onerror={X}>"\n\n    body', "onerror", REFUSED),
    ("admonition-body", f"!!! example\n\n    <script>{X}</script>", "<script>", REFUSED),
    ("caption", f"![](figure:small_nets)\n/// caption\n<img src=x onerror={X}>\n///",
     "onerror", REFUSED),
    ("caption-attrs", f'![](figure:small_nets)\n/// caption\n    attrs: {{onclick: "{X}"}}\n'
     "A caption.\n///", "onclick", REFUSED),
    # the bypasses of the former source-pattern check
    ("escaped-backtick", f"\\`<script>{X}</script>`", "<script>", REFUSED),
    ("html-between-dollars", f"$$\n<img src=x onerror={X}>\n$$", None, SAFE),
    ("html-between-indented-fences", f"    ```\n    <script>{X}</script>\n    ```", None, SAFE),
    ("html-between-indented-fence-lines", f"    ```\n<script>{X}</script>\n    ```", "<script>",
     REFUSED),
    ("html-after-fence-in-list", f"- item\n\n        ```\n<img src=x onerror={X}>\n        ```",
     "onerror", REFUSED),
    ("unclosed-dollars", f"$$\n\n<img src=x onerror={X}>", "$$", REFUSED),
    ("comment-bang-close", f"<!-- x --!><img src=x onerror={X}> -->", "onerror", REFUSED),
    ("unclosed-comment", "<!-- a comment never closed", "<!--", REFUSED),
    ("code-span", f"`<script>{X}</script>`", None, SAFE),
    ("fenced-code", f"```html\n<img src=x onerror={X}>\n```", None, SAFE),
    ("cards-code", '<div class="grid cards further-reading" markdown>\n\n'
                   f"-   `<script>{X}</script>`\n\n</div>", None, SAFE),
]

FRONT_MATTER = [
    ("title-tag", f"title: <img src=x onerror={X}>"),
    ("title-entities", 'title: "&lt;script&gt;alert(1)&lt;/script&gt;"'),
]
STRINGS = [
    ("site-name", f"site_name: <script>{X}</script>", "site_name"),
    ("note", f"untranslated: '<img src=x onerror={X}> [help]({{guide}})'", "untranslated"),
    ("note-link", f"outdated: '[x](javascript:{X})'", "outdated"),
    ("nav", f"nav:\n  Chapter: <script>{X}</script>", "Chapter"),
]


def test_there_are_at_least_thirty_variants():
    assert len(VARIANTS) + len(FRONT_MATTER) + len(STRINGS) >= 30


def english():
    return i18n.read(ROOT / "docs" / "en" / "index.md", ROOT)


def hostile_page(snippet: str) -> str:
    return KO.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + snippet + "\n"


class _Executable(HTMLParser):
    """What in an HTML page could run code: on… attributes and script-like URLs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.found.append("<script>")
        for name, value in attrs:
            if name.lower().startswith("on"):
                self.found.append(f"{name} on <{tag}>")
            if value and bad_url(value):
                self.found.append(f"{name}={value!r} on <{tag}>")


def bad_url(value: str) -> bool:
    plain = re.sub(r"[\x00-\x20]+", "", html.unescape(value)).lower()
    return plain.startswith(("javascript:", "vbscript:", "data:text/html"))


def executable(fragment: str) -> list[str]:
    """Judged on the HTML5 parse of the fragment (nh3 re-serialises it as a browser
    would parse it, keeping every tag and attribute)."""
    reparsed = sanitize.nh3.clean(fragment, **sanitize.keep_everything(fragment))
    reader = _Executable()
    reader.feed(reparsed)
    return reader.found


@pytest.fixture(scope="module")
def render():
    return default_renderer()


@pytest.mark.parametrize("case, snippet, needle, outcome", VARIANTS, ids=[v[0] for v in VARIANTS])
def test_each_hostile_variant_is_refused_at_its_line_or_harmless(case, snippet, needle, outcome,
                                                                   render):
    text = hostile_page(snippet)
    problems = i18n.check(i18n.parse(text, "docs/ko/index.md", derive_ids=False), english())
    if outcome == REFUSED:
        line = text.index(needle, len(text) - len(snippet) - 1)
        line = text[:line].count("\n") + 1
        assert any(p.startswith(f"docs/ko/index.md:{line}: ") for p in problems), \
            f"expected a refusal at docs/ko/index.md:{line}, got {problems}"
        # defence in depth: what the publishing pass leaves has nothing executable
        assert executable(sanitize.clean(render(snippet))) == []
    else:
        assert problems == [], problems
        assert executable(render(snippet)) == []


def test_the_executable_detector_finds_what_it_must():
    assert executable(f"<img src=x onerror={X}>") == ["onerror on <img>"]
    assert executable(f'<a href="&#106;avascript:{X}">x</a>')
    assert executable("<a href='DATA:text/html,x'>x</a>")
    assert executable(f"<!-- --!><svg onload={X}> -->")


@pytest.mark.parametrize("case, line", FRONT_MATTER, ids=[c[0] for c in FRONT_MATTER])
def test_html_in_the_front_matter_title_is_refused(case, line):
    text = KO.read_text(encoding="utf-8").replace("title: 신경망은 어떻게 훈련되는가", line, 1)
    problems = i18n.check(i18n.parse(text, "docs/ko/index.md", derive_ids=False), english())
    assert any(p.startswith("docs/ko/index.md:2: front matter title: HTML markup") for p in
               problems), problems


def test_front_matter_keys_the_english_page_has_not_are_refused():
    text = KO.read_text(encoding="utf-8").replace("title: 신경망은 어떻게 훈련되는가",
                                                  "title: 제목\ntemplate: main.html", 1)
    problems = i18n.check(i18n.parse(text, "docs/ko/index.md", derive_ids=False), english())
    assert any(p.startswith("docs/ko/index.md:3: front matter key 'template' is not one of "
                            "docs/en/index.md's (title)") for p in problems), problems


@pytest.mark.parametrize("case, line, key", STRINGS, ids=[c[0] for c in STRINGS])
def test_html_in_language_yml_is_refused(case, line, key, tmp_path):
    root = tmp_path / "project"
    (root / "docs").mkdir(parents=True)
    (root / "mkdocs.yml").write_text((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    import shutil

    shutil.copytree(ROOT / "docs" / "en", root / "docs" / "en")
    shutil.copytree(ROOT / "docs" / "ko", root / "docs" / "ko")
    strings = root / "docs" / "ko" / "language.yml"
    text = strings.read_text(encoding="utf-8")
    text = re.sub(rf"^{key.split(':')[0] if key != 'Chapter' else 'nav'}:.*?(?=^\S|\Z)", "",
                  text, flags=re.M | re.S) + line + "\n"
    strings.write_text(text, encoding="utf-8")
    number = next(n for n, l in enumerate(text.split("\n"), start=1)
                  if l.strip().startswith(f"{key}:"))
    with pytest.raises(i18n.TranslationError) as refused:
        i18n.project(root).strings("ko")
    assert any(p.startswith(f"docs/ko/language.yml:{number}: ") for p in refused.value.problems), \
        refused.value.problems


# --- the allowlist covers the real chapter --------------------------------------------

@pytest.mark.parametrize("page", ["index.md", "translating.md"])
def test_the_english_chapter_passes_the_same_allowlist(page, render):
    """The list is known to cover real content: every page of the original, rendered
    with the site's extensions, has nothing refused, and cleaning it changes nothing
    a browser would see."""
    text = (ROOT / "docs" / "en" / page).read_text(encoding="utf-8").split("---", 2)[2]
    rendered = render(text)
    assert sanitize.judge(rendered) is None
    assert sanitize.judge(rendered, build=True) is None
    assert rendered.count("<table") == sanitize.clean(rendered).count("<table")


def test_the_judge_names_what_it_refuses():
    refusal = sanitize.judge(f'<p>ok <a href="https://example.org/" onclick="{X}">x</a></p>')
    assert refusal.what == f'the attribute onclick="{X}" on <a>'
    assert sanitize.judge("<p><iframe></iframe></p>").what == "the tag <iframe>"
    assert sanitize.judge('<p><a href="#fn:1">1</a> <a href="mailto:a@b.org">m</a></p>') is None


def test_the_translation_package_imports_no_mkdocs():
    """Translations are plain Python: importing every module of ml4a_figs/i18n/, and its
    command line reading the project's mkdocs.yml (its !ENV and !relative tags
    included), loads no MkDocs."""
    import subprocess
    import sys

    code = ("import pkgutil, importlib, sys, ml4a_figs.i18n as p\n"
            "for m in pkgutil.iter_modules(p.__path__):\n"
            "    if m.name != '__main__': importlib.import_module('ml4a_figs.i18n.' + m.name)\n"
            "from ml4a_figs.i18n.cli import main\n"
            "assert main(['languages']) == 0\n"
            "print(sorted(n for n in sys.modules if n == 'mkdocs' or n.startswith('mkdocs.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().split("\n")[-1] == "[]", out.stdout


def test_the_publishing_pass_keeps_the_build_markup():
    """Figures (<picture>, lazy images) and figure containers with data-* attributes are
    the build's own: cleaning a translated page keeps them."""
    built = ('<div class="explorable screen-only" data-figure="races"><picture>'
             '<source srcset="figures/a.poster.webp" media="(prefers-reduced-motion: reduce)">'
             '<img src="figures/a.webp" alt="a" loading="lazy" decoding="async"></picture></div>')
    assert sanitize.judge(built, build=True) is None
    assert sanitize.clean(built) == built
