"""Translations of the site: one MkDocs build per language, section by section.

The languages are the entries of `extra.alternate` in mkdocs.yml, one line each; the
first is the original (English, built into site/). `ML4A_LANG=ko mkdocs build` builds
another one: the plugin calls `configure`, which points docs_dir at docs/ko, site_dir at
site/ko, the theme and search at Korean, and translates the site name and the nav.

A translated page (docs/ko/index.md) holds the sections translated so far, in the
English order. Each translated heading ends with the id of the English section it
translates and is followed by the hash of that English section as it was translated:

    ## 선형 회귀 { #linear-regression }
    <!-- translated-from: 1a2b3c4d -->

The build assembles the page in the English order: translated sections in the
translation, the others in English under a note (from docs/ko/language.yml) that they
await translation. When the English section changes, its hash no longer matches and the
status reports the translation OUTDATED. English pages with no translation at all are
published in English with the same note.

Translations are contributed text, so they are checked before anything is built: front
matter, headings (ids, levels, order), figure and fact names, and no raw HTML beyond the
further-reading card wrappers and comments. Every problem names the file and the line.

    python -m ml4a_figs.i18n status [LANG]        # what is translated, missing, OUTDATED
    python -m ml4a_figs.i18n skeleton LANG ID     # an English section, ready to translate
    python -m ml4a_figs.i18n diff LANG ID         # what changed in English since
    python -m ml4a_figs.i18n check                # validate every translation
    python -m ml4a_figs.i18n languages            # the language codes, original first
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import os
import posixpath
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from mkdocs.exceptions import PluginError

ENV = "ML4A_LANG"  # the language a build is for; unset = the original
STRINGS_FILE = "language.yml"  # in each docs/<lang>/: the words the site adds
GUIDE = "translating.md"  # the translator's guide, linked from every note
MARKER_NAME = "translated-from"
THEME_DIR = Path(__file__).resolve().parent / "i18n_theme"

_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")  # in list items too
_HEADING = re.compile(r"^(#{1,6})(?:[ \t]+(.*?))?[ \t]*$")
_CLOSING_HASHES = re.compile(r"[ \t]+#+[ \t]*$")
_ATTR_LIST = re.compile(r"[ \t]*\{:?[ \t]*([^{}]*?)[ \t]*\}[ \t]*$")
_ATTR_ID = re.compile(r"(?:^|\s)#([^\s}]+)")
_MARKER = re.compile(r"^[ \t]*<!--[ \t]*translated-from[ \t]*:[ \t]*(.*?)[ \t]*-->[ \t]*$")
_HASH = re.compile(r"^[0-9a-f]{8}$")
_SETEXT = re.compile(r"^[ \t]{0,3}(=+|-+)[ \t]*$")
_FIGURE = re.compile(r"!\[[^\]]*\]\(figure:([^)\s]*)\)")
_FACT = re.compile(r"\{\{\s*facts\.([A-Za-z0-9_]+)\s*\}\}")
_SNIPPET = re.compile(r"^\s*-+8<-+")

# what contributed Markdown may contain in the way of HTML
_ALLOWED_TAGS = [
    re.compile(r'<div\s+class="grid cards further-reading"\s+markdown(?:="(?:1|block)")?\s*>'),
    re.compile(r"</div\s*>"),
]
_AUTOLINK = re.compile(r"<(?:https?|mailto|ftp):[^>\s]+>|<[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+>")
_TAG = re.compile(r"</?[A-Za-z][^>]*>?|<![^-]|<\?")
_INLINE_CODE = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)")
_INLINE_MATH = re.compile(r"(?<![\\$])\$(?!\s)(?:\\.|[^\\$\n])+?(?<![\s\\])\$(?!\$)")
_ATTRS_IN_BRACES = re.compile(r"\{[^{}\n]*\}")
_EVENT_ATTR = re.compile(r"\bon[a-z]+\s*[=:]", re.I)
_SCRIPT_URL = re.compile(r"(?:\]\(\s*<?|^\s*\[[^\]]+\]:\s*<?)\s*(?:javascript|vbscript|data)\s*:", re.I)

DEFAULT_STRINGS = {
    "site_name": None,
    "site_description": None,
    "untranslated_title": "Not translated yet",
    "untranslated": "This section has not been translated yet, so it is shown in English. "
                    "[Help translate it]({guide}).",
    "untranslated_page_title": "Not translated yet",
    "untranslated_page": "This page has not been translated yet, so it is shown in English. "
                         "[Help translate it]({guide}).",
    "outdated_title": "The original has changed",
    "outdated": "The English text of this section has changed since it was translated: "
                "[read the English section]({english}). [Help update the translation]({guide}).",
    "nav": {},
}


class I18nError(PluginError):
    """Bad input in a translation: every problem as `path:line: message`. A PluginError,
    so MkDocs stops the build and prints them."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("bad input in a translation:\n" + "\n".join(problems))


# --- reading a page into sections ------------------------------------------------

def slugify(text: str) -> str:
    """The id Python-Markdown's toc gives a heading with this text."""
    from markdown.extensions.toc import slugify as toc_slugify

    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links: their text
    text = re.sub(r"[`*]|(?<!\w)_|_(?!\w)", "", text)  # emphasis and code marks
    return toc_slugify(text, "-")


@dataclass
class Section:
    id: str | None  # the English section id: explicit { #id } or the toc slug
    level: int  # 1-6: the heading's level
    title: str  # the heading text without attribute list
    line: int  # 1-based line of the heading in its file
    lines: list[str]  # the heading line and the body, as written
    explicit_id: bool = False
    marker: str | None = None  # the hash of its translated-from marker
    marker_line: int = 0

    @property
    def heading(self) -> str:
        return self.lines[0]

    @property
    def body(self) -> list[str]:
        return [line for line in self.lines[1:] if not _MARKER.match(line)]

    @property
    def hash(self) -> str:
        return section_hash(self.lines)

    def describe(self) -> str:
        return f"{'#' * self.level} {self.title}"


@dataclass
class Doc:
    path: str  # as shown in messages: relative to the project root
    text: str
    meta: dict = field(default_factory=dict)
    preamble: list[tuple[int, str]] = field(default_factory=list)  # (line, text) before any heading
    sections: list[Section] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def by_id(self) -> dict[str, Section]:
        return {s.id: s for s in self.sections if s.id}

    def problem(self, line: int, message: str) -> None:
        self.problems.append(f"{self.path}:{line}: {message}")


def section_hash(lines: list[str]) -> str:
    """8 hex digits of the sha256 of a section's text, normalised: markers dropped,
    trailing spaces and runs of blank lines ignored."""
    kept = [line.rstrip() for line in lines if not _MARKER.match(line)]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def _front_matter(text: str, doc: Doc) -> int:
    """Parse YAML front matter into doc.meta; the index of the first body line."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return 0
    for end in range(1, len(lines)):
        if lines[end].rstrip() in ("---", "..."):
            break
    else:
        doc.problem(1, "front matter opened with --- is never closed (a line with --- "
                       "ends it)")
        return len(lines)
    source = "\n".join(lines[1:end])
    try:
        meta = yaml.safe_load(source)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 2 if mark is not None else 2
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        doc.problem(line, f"front matter is not valid YAML: {what}")
        return end + 1
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        doc.problem(2, "front matter must be YAML keys and values (title: ...), "
                       f"not a {type(meta).__name__}")
        meta = {}
    doc.meta = meta
    return end + 1


def parse(text: str, path: str, *, derive_ids: bool = True) -> Doc:
    """Split a page into its sections (one per ATX heading, code fences respected).

    derive_ids: headings without { #id } get the toc slug of their text (the English
    page); a translation keeps None there, to be reported.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    doc = Doc(path, text)
    lines = text.split("\n")
    start = _front_matter(text, doc)
    used: dict[str, int] = {}
    fence: str | None = None
    current: Section | None = None
    previous_text = False  # the line before is paragraph text (for setext headings)
    comment = False  # inside a multi-line <!-- comment -->
    for index in range(start, len(lines)):
        line, number = lines[index], index + 1
        if comment or (fence is None and "<!--" in line
                       and "-->" not in line[line.index("<!--"):]):
            comment = "-->" not in line if comment else True
            (current.lines if current else doc.preamble).append(
                line if current else (number, line))
            previous_text = False
            continue
        opener = _FENCE.match(line)
        if fence is not None:
            if opener and opener.group(1)[0] == fence[0] and len(opener.group(1)) >= len(fence) \
                    and not line.strip()[len(opener.group(1)):].strip():
                fence = None
        elif opener:
            fence = opener.group(1)
        heading = _HEADING.match(line) if fence is None and not opener else None
        if heading:
            level, title = len(heading.group(1)), (heading.group(2) or "")
            title = _CLOSING_HASHES.sub("", title)
            section_id, explicit = None, False
            attrs = _ATTR_LIST.search(title)
            if attrs:
                title = title[:attrs.start()].rstrip()
                found = _ATTR_ID.search(attrs.group(1))
                if found:
                    section_id, explicit = found.group(1), True
            if section_id is None and derive_ids:
                section_id = slugify(title)
                if section_id in used:  # toc's unique(): text, text_1, text_2 ...
                    n = used[section_id]
                    while f"{section_id}_{n}" in used:
                        n += 1
                    used[section_id] = n + 1
                    section_id = f"{section_id}_{n}"
            if section_id is not None:
                used.setdefault(section_id, 1)
            current = Section(section_id, level, title.strip(), number, [line], explicit)
            doc.sections.append(current)
            previous_text = False
            continue
        if fence is None and not opener and previous_text and _SETEXT.match(line) \
                and (current is None or len(current.lines) > 1):
            doc.problem(number, "a heading underlined with ===/--- : write headings as "
                                "'## Title { #id }' (a line of --- after a paragraph makes "
                                "it a heading; leave a blank line before a rule)")
        marker = _MARKER.match(line) if fence is None else None
        if marker:
            value = marker.group(1)
            if current is None:
                doc.problem(number, f"a {MARKER_NAME} marker before the first heading")
            elif any(l.strip() for l in current.lines[1:]):
                doc.problem(number, f"the {MARKER_NAME} marker must come right under its "
                                    f"heading (line {current.line})")
            elif not _HASH.match(value):
                doc.problem(number, f"{MARKER_NAME} marker {value!r} is not a section hash "
                                    f"(8 hex digits, as `make i18n-status` prints them)")
            else:
                current.marker, current.marker_line = value, number
        elif fence is None and "translated-from" in line and line.lstrip().startswith("<!--"):
            doc.problem(number, f"malformed {MARKER_NAME} marker: write it alone on its line "
                                f"as <!-- {MARKER_NAME}: 1a2b3c4d -->")
        if current is None:
            doc.preamble.append((number, line))
        else:
            current.lines.append(line)
        previous_text = fence is None and bool(line.strip()) and not opener \
            and not line.lstrip().startswith(("<!--", "-->", "|", ">", "$$", "///")) \
            and not re.match(r"\s*([-*+]|\d+[.)])\s", line)
    for s in doc.sections:  # trailing blank lines belong to nobody
        while len(s.lines) > 1 and not s.lines[-1].strip():
            s.lines.pop()
    return doc


def read(path: Path, root: Path, **kwargs) -> Doc:
    return parse(path.read_text(encoding="utf-8"), _rel(path, root), **kwargs)


def _rel(path: Path, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return str(path)


# --- checking a translation ------------------------------------------------------

def _closest(name: str, known) -> str:
    close = difflib.get_close_matches(name, sorted(known), n=3, cutoff=0.5)
    return f"; did you mean {', '.join(close)}?" if close else ""


def check(doc: Doc, english: Doc, figures=None, facts=None) -> list[str]:
    """Every problem of a translation against its English original, `path:line: ...`."""
    problems = list(doc.problems)
    problems += _check_headings(doc, english)
    problems += _check_markup(doc, english, figures, facts)
    return sorted(set(problems), key=_problem_order)


def _problem_order(problem: str):
    match = re.match(r"^(.*?):(\d+):", problem)
    return (match.group(1), int(match.group(2))) if match else (problem, 0)


def _check_headings(doc: Doc, english: Doc) -> list[str]:
    problems = []
    order = {s.id: i for i, s in enumerate(english.sections)}
    known = english.by_id()
    for n, visible in _without_comments(doc.preamble):
        if visible.strip():
            problems.append(f"{doc.path}:{n}: text before the first heading "
                            f"(“{visible.strip()[:60]}”); a translation starts with its "
                            f"# title or a ## section heading")
            break
    last, seen = -1, {}
    for s in doc.sections:
        where = f"{doc.path}:{s.line}: heading “{s.heading.strip()}”"
        sid = s.id
        if sid is None and s.level == 1:
            top = english.sections[0] if english.sections else None
            if top is not None and top.level == 1:
                sid = s.id = top.id
        if sid is None:
            nearby = [e for e in english.sections[last + 1:last + 6]]
            hint = "; ".join(f"{{ #{e.id} }} for “{e.describe()}”" for e in nearby)
            problems.append(f"{where} has no section id: end it with the id of the English "
                            f"section it translates{', e.g. ' + hint if hint else ''}")
            continue
        if sid not in known:
            problems.append(f"{where}: {sid!r} is not a section of {english.path}"
                            f"{_closest(sid, known)}")
            continue
        original = known[sid]
        if s.level != original.level:
            problems.append(f"{where} is level {s.level} ({'#' * s.level}) but the English "
                            f"section {sid!r} is level {original.level} ({original.describe()}); "
                            f"the heading structure must match {english.path}")
        if sid in seen:
            problems.append(f"{where}: section {sid!r} is translated twice (also at line "
                            f"{seen[sid]})")
            continue
        seen[sid] = s.line
        if order[sid] < last:
            before = english.sections[last]
            problems.append(f"{where}: section {sid!r} comes after {before.id!r} here but "
                            f"before it in {english.path}; keep the English order")
        last = max(last, order[sid])
    return problems


def _without_comments(numbered_lines):
    """(line number, text) with <!-- comments --> (even over several lines) removed."""
    comment = False
    for number, line in numbered_lines:
        out, rest = "", line
        while rest:
            if comment:
                end = rest.find("-->")
                if end < 0:
                    break
                rest, comment = rest[end + 3:], False
            else:
                start = rest.find("<!--")
                if start < 0:
                    out += rest
                    break
                out += rest[:start]
                rest, comment = rest[start + 4:], True
        yield number, out


def _masked_lines(doc: Doc):
    """(line number, text) of the Markdown outside front matter and code, with inline
    code, inline math and $$ blocks blanked and HTML comments removed. Inside a
    <div markdown> nothing is blanked: md_in_html's HTML parser reads tags even in
    `code` and math."""
    lines = doc.text.split("\n")
    body_start = 0
    if lines and lines[0].rstrip() == "---":
        for end in range(1, len(lines)):
            if lines[end].rstrip() in ("---", "..."):
                body_start = end + 1
                break
    fence, math, depth = None, False, 0
    numbered = [(i + 1, lines[i]) for i in range(body_start, len(lines))]
    for number, line in _without_comments(numbered):
        opener = _FENCE.match(line)
        if fence is not None:
            if opener and opener.group(1)[0] == fence[0]:
                fence = None
            continue
        if opener:  # fenced code is set aside before any HTML is parsed
            fence = opener.group(1)
            continue
        tags = _TAG.findall(line)
        opened = sum(1 for t in tags if _ALLOWED_TAGS[0].fullmatch(t))
        inside = depth > 0 or opened > 0
        depth = max(0, depth + opened - sum(1 for t in tags if _ALLOWED_TAGS[1].fullmatch(t)))
        if line.strip() == "$$":
            math = not math
            continue
        if inside:
            yield number, line
        elif not math:
            line = _INLINE_CODE.sub(lambda m: " " * len(m.group(0)), line)
            yield number, _INLINE_MATH.sub(lambda m: " " * len(m.group(0)), line)


def _includes(text: str):
    """(line number, stripped line) of the pymdownx.snippets includes: --8<-- "file"
    lines, and the file lines of a --8<-- ... --8<-- block."""
    block = False
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if _SNIPPET.match(line):
            if re.fullmatch(r"-+8<-+", stripped):
                block = not block
            yield number, stripped
        elif block and stripped:
            yield number, stripped


def _check_markup(doc: Doc, english: Doc | None = None, figures=None, facts=None
                  ) -> list[str]:
    problems = []
    english_includes = {line for _, line in _includes(english.text if english else "")}
    for number, line in _includes(doc.text):
        # an include (pymdownx.snippets) pulls a file into the page unchecked: only those
        # of the English page, copied as they are
        if line not in english_includes:
            problems.append(f"{doc.path}:{number}: include {line!r} is not one of "
                            f"{english.path if english else 'the English page'}'s; copy the "
                            f"English page's --8<-- lines unchanged, add none")
    for number, line in enumerate(doc.text.split("\n"), start=1):
        if re.search(r"<!--\s*/?i18n:", line):
            problems.append(f"{doc.path}:{number}: <!-- i18n: … --> comments are the build's "
                            f"own markers; remove this one")
    for number, line in _masked_lines(doc):
        where = f"{doc.path}:{number}"
        for tag in _TAG.finditer(line):
            text = tag.group(0)
            if _AUTOLINK.match(line, tag.start()):
                continue
            if any(allowed.fullmatch(text) for allowed in _ALLOWED_TAGS):
                continue
            name = re.match(r"</?\s*([A-Za-z][\w-]*)", text)
            what = f"<{name.group(1)}>" if name else text[:20]
            danger = ""
            if name and name.group(1).lower() in ("script", "iframe", "object", "embed", "style",
                                                  "form", "link", "meta", "base", "svg", "math"):
                danger = f" — {what} can run code or load content in readers' browsers"
            elif _EVENT_ATTR.search(text):
                danger = " — on…= attributes run code in readers' browsers"
            problems.append(f"{where}: raw HTML {text[:80]!r} is not allowed in a translation"
                            f"{danger}. Write Markdown; the only HTML allowed is the "
                            f"<div class=\"grid cards further-reading\" markdown> … </div> "
                            f"wrapper and <!-- comments -->")
        for attrs in _ATTRS_IN_BRACES.finditer(line):
            if _EVENT_ATTR.search(attrs.group(0)) and not attrs.group(0).startswith("{{"):
                problems.append(f"{where}: attribute list {attrs.group(0)!r} sets an event "
                                f"handler (on…=), which would run code in readers' browsers")
        if re.match(r"^\s+attrs\s*:", line) and _EVENT_ATTR.search(line):
            problems.append(f"{where}: block attrs {line.strip()!r} set an event handler "
                            f"(on…:), which would run code in readers' browsers")
        if _SCRIPT_URL.search(line):
            problems.append(f"{where}: a link to a javascript:, vbscript: or data: URL is not "
                            f"allowed (it runs code when clicked)")
        if figures is not None:
            for ref in _FIGURE.finditer(line):
                if ref.group(1) not in figures:
                    problems.append(f"{where}: unknown figure {ref.group(1)!r}"
                                    f"{_closest(ref.group(1), figures)}")
        if facts is not None:
            for ref in _FACT.finditer(line):
                if ref.group(1) not in facts:
                    problems.append(f"{where}: unknown fact {ref.group(1)!r}"
                                    f"{_closest(ref.group(1), facts)}")
    return problems


# --- status ---------------------------------------------------------------------

TRANSLATED, OUTDATED, MISSING = "translated", "OUTDATED", "missing"


@dataclass
class SectionStatus:
    english: Section
    state: str
    translation: Section | None = None

    @property
    def marker_line(self) -> str:
        return f"<!-- {MARKER_NAME}: {self.english.hash} -->"


def section_states(doc: Doc | None, english: Doc) -> list[SectionStatus]:
    """Each English section: translated, OUTDATED (hash differs or no marker) or missing."""
    translated = {s.id: s for s in (doc.sections if doc else []) if s.id}
    if doc and english.sections and english.sections[0].level == 1:
        for s in doc.sections:
            if s.level == 1 and s.id is None:
                translated[english.sections[0].id] = s
    out = []
    for e in english.sections:
        t = translated.get(e.id)
        if t is None:
            out.append(SectionStatus(e, MISSING))
        elif t.marker != e.hash:
            out.append(SectionStatus(e, OUTDATED, t))
        else:
            out.append(SectionStatus(e, TRANSLATED, t))
    return out


@dataclass
class PageStatus:
    lang: str
    page: str  # the page's path inside docs/<lang>/
    english: Doc
    translation: Doc | None
    sections: list[SectionStatus]
    problems: list[str]

    def count(self, state: str) -> int:
        return sum(1 for s in self.sections if s.state == state)

    def summary(self) -> str:
        if self.translation is None:
            return f"{self.page}: not translated (shown in English)"
        n = len(self.sections)
        return (f"{self.page}: {self.count(TRANSLATED)} of {n} sections translated, "
                f"{self.count(OUTDATED)} OUTDATED, {self.count(MISSING)} missing "
                f"(shown in English)")


# --- the project: languages, strings, pages ---------------------------------------

@dataclass
class Language:
    code: str
    name: str
    link: str


@dataclass
class Project:
    root: Path
    original: str  # the original's language code (theme.language of mkdocs.yml)
    english_docs: Path  # docs_dir of mkdocs.yml
    languages: list[Language]  # the original first

    @property
    def translations(self) -> list[Language]:
        return [lang for lang in self.languages if lang.code != self.original]

    def docs(self, code: str) -> Path:
        return self.english_docs if code == self.original else self.english_docs.parent / code

    def english_pages(self) -> list[str]:
        return sorted(p.relative_to(self.english_docs).as_posix()
                      for p in self.english_docs.rglob("*.md"))

    def page_status(self, code: str, page: str, figures=None, facts=None) -> PageStatus:
        english = read(self.english_docs / page, self.root)
        path = self.docs(code) / page
        doc = read(path, self.root, derive_ids=False) if path.is_file() else None
        problems = check(doc, english, figures, facts) if doc else []
        return PageStatus(code, page, english, doc, section_states(doc, english), problems)

    def status(self, codes=None) -> list[PageStatus]:
        out = []
        for lang in self.translations:
            if codes and lang.code not in codes:
                continue
            for page in self.english_pages():
                out.append(self.page_status(lang.code, page))
        return out

    def orphans(self, code: str) -> list[str]:
        """A problem for each translated page with no English original."""
        docs = self.docs(code)
        if not docs.is_dir():
            return []
        english = set(self.english_pages())
        out = []
        for p in sorted(docs.rglob("*.md")):
            page = p.relative_to(docs).as_posix()
            if page not in english:
                out.append(f"{_rel(p, self.root)}:1: no English original "
                           f"{_rel(self.english_docs / page, self.root)}; a translated page "
                           f"has the path of the English page it translates")
        return out

    def strings(self, code: str) -> dict:
        """The words the site adds around a page, in that language: docs/en/language.yml
        overlaid with docs/<code>/language.yml."""
        merged = dict(DEFAULT_STRINGS)
        for c in dict.fromkeys([self.original, code]):
            merged.update(_load_strings(self.docs(c) / STRINGS_FILE, self.root))
        return merged


def _load_strings(path: Path, root: Path) -> dict:
    if not path.is_file():
        return {}
    where = _rel(path, root)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise I18nError([f"{where}:{line}: not valid YAML: "
                         f"{getattr(exc, 'problem', None) or exc}"]) from None
    if not isinstance(data, dict):
        raise I18nError([f"{where}:1: must be YAML keys and values (untranslated: ...)"])
    unknown = [k for k in data if k not in DEFAULT_STRINGS]
    if unknown:
        raise I18nError([f"{where}:1: unknown key {k!r}{_closest(str(k), DEFAULT_STRINGS)}"
                         for k in unknown])
    if not isinstance(data.get("nav", {}), dict):
        raise I18nError([f"{where}:1: nav must map English nav titles to translated ones"])
    for key, value in data.items():
        if key != "nav" and value is not None and not isinstance(value, str):
            raise I18nError([f"{where}:1: {key} must be text"])
    return data


class _ConfigLoader(yaml.SafeLoader):
    """mkdocs.yml as plain data: its tags (!ENV, !relative, !!python/name) read as None."""


_ConfigLoader.add_multi_constructor("!", lambda loader, suffix, node: None)
_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def _yaml_load(path: Path) -> dict:
    with open(path, "rb") as f:
        return yaml.load(f, Loader=_ConfigLoader) or {}


def project(root: Path | None = None) -> Project:
    root = Path(root or _find_root()).resolve()
    config = _yaml_load(root / "mkdocs.yml")
    theme = config.get("theme") or {}
    original = (theme.get("language") if isinstance(theme, dict) else None) or "en"
    docs = root / config.get("docs_dir", "docs")
    return Project(root, original, docs, _languages(config.get("extra") or {}, original))


def _languages(extra: dict, original: str) -> list[Language]:
    langs = []
    for alt in extra.get("alternate") or []:
        code = str(alt.get("lang", "")).strip()
        if code:
            langs.append(Language(code, str(alt.get("name", code)), str(alt.get("link", ""))))
    if not any(lang.code == original for lang in langs):
        langs.insert(0, Language(original, original, "/"))
    langs.sort(key=lambda lang: lang.code != original)
    return langs


def _find_root() -> Path:
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "mkdocs.yml").is_file():
            return folder
    raise SystemExit("no mkdocs.yml in this folder or above it")


# --- assembling a page for a language --------------------------------------------

def _admonition(title: str, text: str) -> list[str]:
    body = [f"    {line}" if line.strip() else "" for line in text.strip().split("\n")]
    title = title.replace('"', "“")
    return [f'!!! info i18n-note "{title}"', "", *body, ""]


def _english_heading(section: Section, code: str) -> str:
    """An English heading inside a translated page: marked lang=en, same id."""
    line = section.heading.rstrip()
    attrs = _ATTR_LIST.search(line)
    if attrs:
        return line[:attrs.start()] + " { " + attrs.group(1) + ' lang="en" }'
    return f'{line} {{ lang="en" }}'


def _translated_heading(section: Section, english: Section) -> str:
    """A translated heading keeps the English id (the title's too): the same anchors in
    every language."""
    line = section.heading.rstrip()
    if section.explicit_id:
        return line
    attrs = _ATTR_LIST.search(line)
    if attrs:
        return line[:attrs.start()] + " { #" + english.id + " " + attrs.group(1) + " }"
    return f"{line} {{ #{english.id} }}"


# An English section inside a translated page is marked lang="en" (screen readers read it
# as English, the CSS gives it the English fonts). Comments around its Markdown, turned
# into <div lang="en"> in the HTML (page_content): the English Markdown stays at the top
# level and renders exactly as on the English page (a <div markdown> wrapper would hand it
# to md_in_html's HTML parser, which reads tags even inside `code`).
EN_OPEN, EN_CLOSE = "<!-- i18n:lang=en -->", "<!-- /i18n:lang -->"


def _wrap_english(body: list[str]) -> list[str]:
    content = list(body)
    while content and not content[0].strip():
        content.pop(0)
    if not content:
        return []
    return ["", EN_OPEN, "", *content, "", EN_CLOSE, ""]


def page_content(html: str) -> str:
    """The HTML of an assembled page: the lang="en" markers become <div lang="en">."""
    if EN_OPEN not in html:
        return html
    return html.replace(EN_OPEN, '<div lang="en">').replace(EN_CLOSE, "</div>")


def assemble(doc: Doc | None, english: Doc, strings: dict, *, guide: str,
             english_url: str, original: str = "en") -> str:
    """The page in the English order: translated sections as translated, OUTDATED ones
    under a note, missing ones in English under a note that they await translation."""
    states = section_states(doc, english)
    out: list[str] = []
    fill = {"guide": guide}
    if doc is None:  # no translation of this page at all: English, one note under the title
        for i, st in enumerate(states):
            e = st.english
            out += [_english_heading(e, original), ""]
            if i == 0:
                out += _admonition(strings["untranslated_page_title"],
                                   strings["untranslated_page"].format(**fill))
            out += _wrap_english(e.body)
            out.append("")
        return "\n".join(out).rstrip() + "\n"
    missing_run = False
    for st in states:
        e = st.english
        if st.state == MISSING:
            out += [_english_heading(e, original), ""]
            if not missing_run or e.level <= 2:
                out += _admonition(strings["untranslated_title"],
                                   strings["untranslated"].format(**fill))
            out += _wrap_english(e.body)
            missing_run = True
        else:
            t = st.translation
            out += [_translated_heading(t, e), ""]
            if st.state == OUTDATED:
                out += _admonition(strings["outdated_title"], strings["outdated"].format(
                    guide=guide, english=f"{english_url}#{e.id}"))
            body = list(t.body)
            while body and not body[0].strip():
                body.pop(0)
            out += body
            missing_run = False
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def assembled(root: Path | str, code: str, page: str = "index.md") -> str:
    """The Markdown a language's build renders for a page (before facts and figures are
    filled in): for tests that count what the page shows, such as its formulas."""
    proj = project(root)
    english = read(proj.english_docs / page, proj.root)
    if code == proj.original:
        return english.text
    path = proj.docs(code) / page
    doc = read(path, proj.root, derive_ids=False) if path.is_file() else None
    return assemble(doc, english, proj.strings(code), guide=GUIDE, english_url="../",
                    original=proj.original)


# --- the MkDocs side: one build for one language ----------------------------------

class LanguageBuild:
    """What the plugin needs for the build of one language (see configure)."""

    def __init__(self, proj: Project, code: str, site_root_up: str):
        self.project = proj
        self.code = code
        self.up = site_root_up  # from this build's root to the site's root
        self.strings = proj.strings(code)
        self.statuses: dict[str, PageStatus] = {}
        self.fallback_pages: set[str] = set()

    @property
    def is_original(self) -> bool:
        return self.code == self.project.original

    def files(self, files, config):
        """Drop language.yml; add the English pages this language has not translated."""
        from mkdocs.structure.files import File

        for f in list(files):
            if f.src_uri == STRINGS_FILE:
                files.remove(f)
        if self.is_original:
            return files
        orphans = self.project.orphans(self.code)
        if orphans:
            raise I18nError(orphans)
        for page in self.project.english_pages():
            if files.get_file_from_path(page) is None:
                files.append(File(page, str(self.project.english_docs), config.site_dir,
                                  config.use_directory_urls))
                self.fallback_pages.add(page)
        return files

    def page_markdown(self, markdown: str, page, figures=None, facts=None) -> str:
        src = page.file.src_uri
        if self.is_original or not src.endswith(".md"):
            return markdown
        english_path = self.project.english_docs / src
        if not english_path.is_file():
            return markdown
        english = read(english_path, self.project.root)
        guide = posixpath.relpath(GUIDE, posixpath.dirname(src) or ".")
        depth = page.url.count("/") if page.url else 0
        english_url = "../" * depth + self.up + page.url
        if src in self.fallback_pages:
            self.statuses[src] = PageStatus(self.code, src, english, None,
                                            section_states(None, english), [])
            return assemble(None, english, self.strings, guide=guide, english_url=english_url,
                            original=self.project.original)
        status = self.project.page_status(self.code, src, figures, facts)
        if status.problems:
            raise I18nError(status.problems)
        self.statuses[src] = status
        return assemble(status.translation, english, self.strings, guide=guide,
                        english_url=english_url, original=self.project.original)

    def summary(self) -> str:
        if self.is_original or not self.statuses:
            return ""
        name = next((l.name for l in self.project.languages if l.code == self.code), self.code)
        lines = [f"translation {self.code} ({name}):"]
        lines += [f"  {s.summary()}" for _, s in sorted(self.statuses.items())]
        lines.append("  details: make i18n-status")
        return "\n".join(lines)


def configure(config, root: Path | str) -> LanguageBuild:
    """Set up the build for the language in $ML4A_LANG (the original when unset):
    docs_dir docs/<lang>, site_dir site/<lang>, theme and search language, translated
    site name and nav; and the switcher that opens the same page in another language."""
    root = Path(root)
    original = config.theme["language"] if "language" in config.theme else "en"
    english_docs = Path(config.docs_dir)
    langs = _languages(config.extra or {}, original)
    proj = Project(root, original, english_docs, langs)
    code = os.environ.get(ENV, "").strip() or original
    if code not in [lang.code for lang in langs]:
        raise PluginError(f"{ENV}={code}: not a language of this site; the languages are the "
                          f"lang of each line of extra.alternate in mkdocs.yml: "
                          f"{', '.join(l.code for l in langs)}")
    if THEME_DIR not in map(Path, config.theme.dirs):
        config.theme.dirs.insert(0, str(THEME_DIR))
    up = ""
    if code != original:
        docs = proj.docs(code)
        if not (docs / "index.md").is_file():
            raise PluginError(f"{_rel(docs, root)}/index.md: missing; a language needs at least "
                              f"this file (see {_rel(english_docs, root)}/{GUIDE})")
        if not any((Path(d) / "partials" / "languages" / f"{code}.html").is_file()
                   for d in config.theme.dirs):
            raise PluginError(f"{ENV}={code}: the theme has no translation for {code!r} "
                              f"(partials/languages/{code}.html); use one of Material's "
                              f"language codes")
        config.docs_dir = str(docs)
        config.site_dir = str(Path(config.site_dir) / code)
        config.theme["language"] = code
        link = next(l.link for l in langs if l.code == code).strip("/")
        up = "../" * (link.count("/") + 1) if link else ""
        _configure_search(config, code, original)
        try:
            strings = proj.strings(code)
        except I18nError as exc:
            raise PluginError(str(exc)) from None
        for key in ("site_name", "site_description"):
            if strings.get(key):
                config[key] = strings[key]
        if strings.get("nav") and config.nav:
            config.nav = _translate_nav(config.nav, strings["nav"])
    config.extra["i18n"] = {"lang": code, "up": up}
    try:
        return LanguageBuild(proj, code, up)
    except I18nError as exc:
        raise PluginError(str(exc)) from None


def _configure_search(config, code: str, original: str) -> None:
    """Search tokenised for the language and for English (the sections that fall back)."""
    plugin = config.plugins.get("material/search") or config.plugins.get("search")
    if plugin is None or getattr(plugin.config, "lang", None):
        return
    import material

    lunr = Path(material.__file__).parent / "templates" / "assets" / "javascripts" / "lunr" / "min"
    base = code.split("-")[0]
    langs = [base] if (lunr / f"lunr.{base}.min.js").is_file() else []
    plugin.config.lang = langs + [original] if original not in langs else langs
    if plugin.config.pipeline is None:  # as the English site's (Material's "en" default)
        plugin.config.pipeline = ["stopWordFilter"]


def _translate_nav(nav, words: dict):
    if isinstance(nav, list):
        return [_translate_nav(item, words) for item in nav]
    if isinstance(nav, dict):
        return {words.get(k, k): _translate_nav(v, words) for k, v in nav.items()}
    return nav


# --- git: the English section a translation was made from --------------------------

def english_history(proj: Project, page: str, section_id: str, wanted: str) -> str | None:
    """The text of an English section as it was when its hash was `wanted`, from git."""
    rel = _rel(proj.english_docs / page, proj.root)
    try:
        log = subprocess.run(["git", "log", "--format=%H", "--", rel], cwd=proj.root,
                             capture_output=True, text=True, check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        return None
    for commit in log:
        shown = subprocess.run(["git", "show", f"{commit}:{rel}"], cwd=proj.root,
                               capture_output=True, text=True)
        if shown.returncode != 0:
            continue
        old = parse(shown.stdout, rel).by_id().get(section_id)
        if old is not None and old.hash == wanted:
            return "\n".join(old.lines)
    return None


# --- command line ---------------------------------------------------------------

def known_names(root: Path) -> tuple[set[str] | None, set[str] | None]:
    """The figure names (declared in the package) and the fact names (figures/facts.json,
    when the figures have been built)."""
    import json

    from .figures.registry import scan

    figures = set(scan())
    facts_file = Path(root) / "figures" / "facts.json"
    facts = set(json.loads(facts_file.read_text(encoding="utf-8"))) if facts_file.is_file() else None
    return figures, facts


def format_status(proj: Project, statuses: list[PageStatus], verbose: bool = True) -> str:
    out = [f"Translations of {_rel(proj.english_docs, proj.root)}/ "
           f"({proj.original}, the original). States: translated | OUTDATED (the English "
           f"section changed since) | missing (shown in English)."]
    if not proj.translations:
        out.append("No other language: add one line to extra.alternate in mkdocs.yml.")
    for lang in proj.translations:
        pages = [s for s in statuses if s.lang == lang.code]
        if not pages:
            continue
        out.append("")
        out.append(f"{lang.code} — {lang.name} ({_rel(proj.docs(lang.code), proj.root)}/)")
        for o in proj.orphans(lang.code):
            out.append(f"  ! {o}")
        for st in pages:
            out.append(f"  {st.summary()}")
            for p in st.problems:
                out.append(f"    ! {p}")
            if st.translation is None or not verbose:
                continue
            width = max(len(s.english.id) for s in st.sections)
            for s in st.sections:
                title = s.english.describe()
                line = f"    {s.state:<10}  {s.english.id:<{width}}  {title}"
                if s.state == MISSING:
                    line += f"\n{'':16}to translate it, put under its heading: {s.marker_line}"
                elif s.state == OUTDATED:
                    was = s.translation.marker or "no marker"
                    line += (f"\n{'':16}line {s.translation.line}: translated from {was}, the "
                             f"English is now {s.english.hash}: review it "
                             f"(python -m ml4a_figs.i18n diff {lang.code} {s.english.id}), "
                             f"then set {s.marker_line}")
                out.append(line)
    return "\n".join(out)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ml4a_figs.i18n",
                                     description="Translation status and helpers.")
    parser.add_argument("--root", help="the project folder (default: where mkdocs.yml is)")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("status", help="per language and section: translated, OUTDATED, missing")
    p.add_argument("langs", nargs="*")
    p.add_argument("--short", action="store_true", help="one line per page")
    sub.add_parser("languages", help="the language codes, the original first")
    sub.add_parser("check", help="validate every translation; exit 1 on a problem")
    p = sub.add_parser("skeleton", help="an English section with its id and marker, to translate")
    p.add_argument("lang")
    p.add_argument("section", nargs="+")
    p.add_argument("--page", default="index.md")
    p = sub.add_parser("diff", help="how an English section changed since it was translated")
    p.add_argument("lang")
    p.add_argument("section")
    p.add_argument("--page", default="index.md")
    args = parser.parse_args(argv)
    try:
        proj = project(args.root)
        if args.command == "languages":
            print(" ".join(lang.code for lang in proj.languages))
            return 0
        if args.command == "status":
            known = [l.code for l in proj.translations]
            bad = [c for c in args.langs if c not in known]
            if bad:
                print(f"not a translation of this site: {', '.join(bad)} (languages: "
                      f"{', '.join(known) or 'none'})", file=sys.stderr)
                return 2
            print(format_status(proj, proj.status(args.langs), verbose=not args.short))
            return 0
        if args.command == "check":
            figures, facts = known_names(proj.root)
            problems = []
            for lang in proj.translations:
                proj.strings(lang.code)
                problems += proj.orphans(lang.code)
                for page in proj.english_pages():
                    problems += proj.page_status(lang.code, page, figures, facts).problems
            print("\n".join(problems) if problems else "translations: no problem found")
            return 1 if problems else 0
        page = args.page
        st = proj.page_status(args.lang, page)
        by_id = {s.english.id: s for s in st.sections}
        if args.command == "skeleton":
            for sid in args.section:
                if sid not in by_id:
                    print(f"no section {sid!r} in {st.english.path}{_closest(sid, by_id)}",
                          file=sys.stderr)
                    return 2
                e = by_id[sid].english
                heading = e.heading if e.level == 1 or e.explicit_id else f"{e.heading} {{ #{e.id} }}"
                print("\n".join([heading, by_id[sid].marker_line, *e.body]).rstrip() + "\n")
            return 0
        if args.command == "diff":
            s = by_id.get(args.section)
            if s is None:
                print(f"no section {args.section!r} in {st.english.path}"
                      f"{_closest(args.section, by_id)}", file=sys.stderr)
                return 2
            if s.state != OUTDATED or not s.translation.marker:
                print(f"{args.lang} {args.section}: {s.state}; nothing to compare")
                return 0
            old = english_history(proj, page, args.section, s.translation.marker)
            if old is None:
                print(f"the English text with hash {s.translation.marker} is not in the git "
                      f"history of {st.english.path}; compare the translation with the current "
                      f"English section by hand")
                return 1
            new = "\n".join(s.english.lines)
            sys.stdout.writelines(difflib.unified_diff(
                (old + "\n").splitlines(True), (new + "\n").splitlines(True),
                f"{args.section} as translated ({s.translation.marker})",
                f"{args.section} now ({s.english.hash})"))
            return 0
    except I18nError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
