"""Nothing lost silently: a translated build is judged on the page it publishes.

Text can vanish between the Markdown and the reader in ways no check of the source
foresees (an unclosed `<!--` hides everything after it; so can markup the browser reads
otherwise). So the published HTML of each page is compared with its source: every
section of the English page must be there, under its id, and every translated section
must show its words. Either failure names the file and the line where the text stops.
"""

from __future__ import annotations

import re

from .files import SNIPPET_LINE
from .sanitize import Renderer
from .sections import Doc, Section, text_parts

_WORD = re.compile(r"[^\W\d_]{2,}")  # words without digits: facts are numbers
# a comment closed before a blank line: one that runs on past a blank line is taken for
# unclosed (it hides the paragraphs after it), its text meant to be read
_COMMENT = re.compile(r"<!--(?:(?!\n[ \t]*\n).)*?--!?>", re.S)
_HEADING = re.compile(r"<h[1-6]\b[^>]*\bid=\"([^\"]+)\"[^>]*>")
_FOOTNOTES = re.compile(r"<div class=\"footnote\">.*?</div>", re.S)


def _published_sections(html: str, ids: set[str]) -> dict[str, str]:
    """The HTML under each heading whose id is one of `ids`, up to the next such one."""
    found = [(m.start(), m.group(1)) for m in _HEADING.finditer(html) if m.group(1) in ids]
    out = {}
    for i, (start, ident) in enumerate(found):
        end = found[i + 1][0] if i + 1 < len(found) else len(html)
        out.setdefault(ident, html[start:end])
    return out


def _expected(section: Section) -> str:
    """The section's Markdown as meant: closed comments gone, an unclosed `<!--` shown
    as text (what follows it is meant to be read), includes left out (the published page
    holds the included code instead)."""
    text = "\n".join(line for line in section.lines if not SNIPPET_LINE.match(line))
    return _COMMENT.sub("", text).replace("<!--", "< !--")


def lost(doc: Doc | None, english: Doc, html: str, render: Renderer) -> list[str]:
    """Problems, `path:line: …`, for the English sections missing from the published
    `html` and for the words of a translated section missing from it."""
    ids = {s.id for s in english.sections if s.id}
    published = _published_sections(html, ids)
    translated = doc.translating(english) if doc else {}
    problems = []
    missing = [s for s in english.sections if s.id and s.id not in published]
    if missing:
        first = english.sections.index(missing[0])
        before = next((translated[e.id] for e in reversed(english.sections[:first])
                       if translated.get(e.id)), None)
        where = f"{doc.path}:{before.line}" if doc and before else \
            f"{doc.path if doc else english.path}:1"
        names = ", ".join(repr(s.id) for s in missing[:5]) + (" …" if len(missing) > 5 else "")
        problems.append(f"{where}: {len(missing)} section(s) of the page are missing from the "
                        f"published page ({names}): something in this section hides what "
                        f"follows it (an unclosed <!-- comment?)")
    footnotes = " ".join(_FOOTNOTES.findall(html))
    for ident, section in translated.items():
        if ident not in published:
            continue
        shown = set(_WORD.findall(" ".join(text_parts(published[ident] + footnotes))))
        meant = _WORD.findall(" ".join(text_parts(render(_expected(section)))))
        gone = [w for w in meant if w not in shown]
        if not gone:
            continue
        line = next((section.line + i for i, text in enumerate(section.lines)
                     if gone[0] in text), section.line)
        problems.append(f"{doc.path}:{line}: text of this section is missing from the "
                        f"published page (“{' '.join(gone[:6])}”…): something hides it "
                        f"(an unclosed <!-- comment, or markup the browser reads otherwise)")
    return problems
