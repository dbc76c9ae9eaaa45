"""A page's Markdown split into its sections: one per ATX heading, code fences respected.

Each section knows the id of the English section it is (explicit `{ #id }`, else the slug
Python-Markdown's toc gives it), its lines as written, and the translated-from marker under
it. The front matter is read with yaml.safe_load rather than MkDocs' get_data, which drops
invalid YAML silently and knows no line numbers: a translator needs the `file:line`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

import markdown
import yaml
from markdown.extensions import toc

from .limits import MAX_PAGE_BYTES

MARKER_NAME = "translated-from"

FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")  # in list items too
_HEADING = re.compile(r"^(#{1,6})(?:[ \t]+(.*?))?[ \t]*$")
_CLOSING_HASHES = re.compile(r"[ \t]+#+[ \t]*$")
ATTR_LIST = re.compile(r"[ \t]*\{:?[ \t]*([^{}]*?)[ \t]*\}[ \t]*$")
_ATTR_ID = re.compile(r"(?:^|\s)#([^\s}]+)")
MARKER = re.compile(r"^[ \t]*<!--[ \t]*translated-from[ \t]*:[ \t]*(.*?)[ \t]*-->[ \t]*$")
_HASH = re.compile(r"^[0-9a-f]{8}$")
_SETEXT = re.compile(r"^[ \t]{0,3}(=+|-+)[ \t]*$")


class _Tokens(HTMLParser):
    """An HTML fragment as ("start", tag, attributes), ("end", tag) and ("text", text)
    tokens, entities decoded as a browser decodes them: the one HTML reader of the
    package (slugs, the allowlist's report, classes and ids, the published text)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tokens: list[tuple] = []

    def handle_starttag(self, tag, attrs):
        self.tokens.append(("start", tag, {k: v or "" for k, v in attrs}))

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        self.tokens.append(("end", tag))

    def handle_data(self, data):
        self.tokens.append(("text", data))


def tokens(html: str) -> list[tuple]:
    reader = _Tokens()
    reader.feed(html)
    reader.close()
    return reader.tokens


def text_parts(html: str) -> list[str]:
    """The runs of text of an HTML fragment, tags dropped and entities decoded."""
    return [token[1] for token in tokens(html) if token[0] == "text"]


@lru_cache(maxsize=None)
def _markdown() -> markdown.Markdown:
    return markdown.Markdown()


def slugify(text: str) -> str:
    """The id Python-Markdown's toc (mkdocs.yml: `toc`, default slugify, separator "-")
    gives a heading with this text: the slug of the text the heading renders to."""
    return toc.slugify("".join(text_parts(_markdown().reset().convert(text))), "-")


_BACKTICKS = re.compile(r"`+")


def without_code_spans(line: str) -> str:
    """The line with its `code spans` blanked: a run of backticks opens a span that the
    next run of the same length closes. Linear: each run is paired once (a regex pairing
    the runs re-scanned the line from each one: seconds for a long line)."""
    runs = list(_BACKTICKS.finditer(line))
    closer, after = [None] * len(runs), {}  # closer[i]: the next run as long as run i
    for i in reversed(range(len(runs))):
        length = len(runs[i].group())
        closer[i], after[length] = after.get(length), i
    chars, i = list(line), 0
    while i < len(runs):
        if closer[i] is None:
            i += 1
            continue
        start, end = runs[i].start(), runs[closer[i]].end()
        chars[start:end] = " " * (end - start)
        i = closer[i] + 1
    return "".join(chars)


def rel(path: Path, root: Path) -> str:
    """A path as messages show it: relative to the project root."""
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return str(path)


@dataclass
class Section:
    id: str | None  # the English section id: explicit { #id } or the toc slug
    level: int  # 1-6: the heading's level
    title: str  # the heading text without attribute list
    line: int  # 1-based line of the heading in its file
    lines: list[str]  # the heading line and the body, as written
    explicit_id: bool = False
    marker: str | None = None  # the hash of its translated-from marker

    @property
    def heading(self) -> str:
        return self.lines[0]

    @property
    def body(self) -> list[str]:
        return [line for line in self.lines[1:] if not MARKER.match(line)]

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
    oversized: bool = False  # over limits.MAX_PAGE_BYTES: not parsed, only refused
    body_start: int = 0  # the index of the first line after the front matter
    fenced: set[int] = field(default_factory=set)  # indices of fenced code lines, fences too

    def by_id(self) -> dict[str, Section]:
        return {s.id: s for s in self.sections if s.id}

    def translating(self, english: Doc) -> dict[str, Section]:
        """This translation's sections by the English section each translates: its id,
        or for a # title without one, the English title's."""
        found = self.by_id()
        top = english.sections[0] if english.sections else None
        for s in self.sections if top is not None and top.level == 1 else ():
            if s.level == 1 and s.id is None:
                found.setdefault(top.id, s)
        return found

    def problem(self, line: int, message: str) -> None:
        self.problems.append(f"{self.path}:{line}: {message}")


def section_hash(lines: list[str]) -> str:
    """8 hex digits of the sha256 of a section's text, normalised: markers dropped,
    trailing spaces and runs of blank lines ignored."""
    kept = [line.rstrip() for line in lines if not MARKER.match(line)]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def _front_matter(lines: list[str], doc: Doc) -> int:
    """Parse YAML front matter into doc.meta; the index of the first body line."""
    if not lines or lines[0].rstrip() != "---":
        return 0
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        doc.problem(1, "front matter opened with --- is never closed (a line with --- "
                       "ends it)")
        return len(lines)
    try:
        meta = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        doc.problem(mark.line + 2 if mark else 2, f"front matter is not valid YAML: {what}")
        return end + 1
    if not isinstance(meta, dict):
        doc.problem(2, "front matter must be YAML keys and values (title: ...), "
                       f"not a {type(meta).__name__}")
    doc.meta = meta if isinstance(meta, dict) else {}
    return end + 1


def parse(text: str, path: str, *, derive_ids: bool = True) -> Doc:
    """Split a page into its sections (one per ATX heading, code fences respected).

    derive_ids: headings without { #id } get the toc slug of their text (the English
    page); a translation keeps None there, to be reported.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    doc = Doc(path, text)
    lines = text.split("\n")
    start = doc.body_start = _front_matter(lines, doc)
    used: set[str] = set()  # the ids so far, as toc's unique() counts them
    fence: str | None = None
    current: Section | None = None
    previous_text = False  # the line before is paragraph text (for setext headings)
    comment = False  # inside a multi-line <!-- comment -->
    for index in range(start, len(lines)):
        line, number = lines[index], index + 1
        visible = without_code_spans(line)  # `<!--` in a code span opens no comment
        if comment or (fence is None and "<!--" in visible
                       and "-->" not in visible[visible.index("<!--"):]):
            comment = "-->" not in visible if comment else True
            (current.lines if current else doc.preamble).append(
                line if current else (number, line))
            previous_text = False
            continue
        opener = FENCE.match(line)
        if fence is not None or opener:
            doc.fenced.add(index)
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
            attrs = ATTR_LIST.search(title)
            if attrs:
                title = title[:attrs.start()].rstrip()
                found = _ATTR_ID.search(attrs.group(1))
                if found:
                    section_id, explicit = found.group(1), True
            if section_id is None and derive_ids:
                section_id = toc.unique(slugify(title), used)  # text, text_1, text_2 ...
            used.add(section_id)
            current = Section(section_id, level, title.strip(), number, [line], explicit)
            doc.sections.append(current)
            previous_text = False
            continue
        if fence is None and not opener and previous_text and _SETEXT.match(line) \
                and (current is None or len(current.lines) > 1):
            doc.problem(number, "a heading underlined with ===/--- : write headings as "
                                "'## Title { #id }' (a line of --- after a paragraph makes "
                                "it a heading; leave a blank line before a rule)")
        marker = MARKER.match(line) if fence is None else None
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
                current.marker = value
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
    """A page from its file. Bytes that are not UTF-8 are a problem of the page at their
    line (shown as U+FFFD), never a traceback; a byte-order mark is read as MkDocs reads it."""
    data = Path(path).read_bytes().removeprefix(b"\xef\xbb\xbf")
    if len(data) > MAX_PAGE_BYTES:
        return Doc(rel(path, root), "", oversized=True, problems=[
            f"{rel(path, root)}:1: this file is {len(data):,} bytes; a translation file may be at "
            f"most {MAX_PAGE_BYTES:,} bytes (see Limits in the translator's guide)"])
    doc = parse(data.decode("utf-8", errors="replace"), rel(path, root), **kwargs)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        doc.problem(data[:exc.start].count(b"\n") + 1,
                    "this line is not valid UTF-8 text; save the file as UTF-8")
    return doc
