"""Bounds on what a translator writes, so hostile input is refused in seconds, by file
and line, instead of growing without limit in the build (Markdown, KaTeX, chromium).

Each number is stated in the translator's guide (docs/en/translating.md, "Limits"), and
tests/test_translation_limits.py ties the guide to these constants. The numbers leave
the real chapter far inside them: the English page is 69 kB, its deepest indentation 4
columns, its longest heading 54 characters, at most 5 `[` in one block.
"""

from __future__ import annotations

import re
import string
import unicodedata

from ..pipeline.translations import MAX_STRINGS_BYTES  # noqa: F401 - language.yml, read there

MAX_PAGE_BYTES = 512_000  # a translated page's file (docs/<lang>/*.md)
MAX_HEADING_CHARS = 200  # one heading's text
MAX_INDENT = 24  # columns of leading space (tab = 4): six levels of lists
MAX_QUOTE_DEPTH = 6  # > > > … at the start of a line
MAX_OPENERS = 200  # `[` or `<` in one block (between blank lines): Markdown is quadratic
# one formula's limits are ml4a_figs/mathrender.py's (MAX_FORMULA_CHARS, MAX_EXPAND, …)
MAX_PAGE_HTML_BYTES = 4_000_000  # one built page, formulas included
MAX_PDF_PAGES = 150  # the printed chapter (the English edition is about 40)

# invisible format characters (Unicode category Cf) a heading may hold: the joiners
# some scripts need (Persian, Indic); U+FEFF, U+200B and the rest are refused
_JOINERS = {"\u200c", "\u200d"}


def bounds(path: str, lines: list[str], first: int = 1) -> tuple[list[str], set[int]]:
    """Nesting and runs of openers, each at its first line, and the line numbers that
    must not be rendered: Markdown recurses once per level of nesting (RecursionError)
    and re-scans each `[` or `<` for its closer (minutes for a long run)."""
    problems, said, bad = [], set(), set()  # one problem of each kind: the first line
    openers, block = 0, []

    def refuse(kind, number: int, message: str) -> None:
        bad.add(number)
        if kind not in said:
            said.add(kind)
            problems.append(f"{path}:{number}: {message}")

    for number, line in enumerate(lines, start=first):
        if not line.strip():
            openers, block = 0, []
            continue
        block.append(number)
        indent = len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip(" "))
        if indent > MAX_INDENT:
            refuse("indent", number, f"this line is indented {indent} columns; at most "
                                     f"{MAX_INDENT} (lists nested at most {MAX_INDENT // 4} deep)")
        depth = re.match(r"[ \t]*((?:>[ \t]*)*)", line).group(1).count(">")
        if depth > MAX_QUOTE_DEPTH:
            refuse("quote", number, f"quotes nested {depth} deep; at most {MAX_QUOTE_DEPTH}")
        openers += line.count("[") + line.count("<")
        if openers > MAX_OPENERS:
            bad.update(block)
            refuse(("openers", block[0]), number, f"the block that starts at line {block[0]} "
                   f"has more than {MAX_OPENERS} '[' and '<'; split it or write fewer")
    return problems, bad


def heading_problem(title: str) -> str | None:
    """A heading must show text: not empty once invisible characters are taken away,
    none of those but the joiners, and not longer than MAX_HEADING_CHARS."""
    hidden = sorted({c for c in title if unicodedata.category(c) == "Cf" and c not in _JOINERS})
    if hidden:
        names = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, '')}".strip() for c in hidden)
        return f"holds an invisible character ({names}); remove it"
    visible = "".join(c for c in title if not c.isspace() and c not in _JOINERS)
    if not visible:
        return "is empty: a heading needs text"
    if len(title) > MAX_HEADING_CHARS:
        return f"is {len(title):,} characters long; at most {MAX_HEADING_CHARS}"
    return None


# --- format fields of the words a language adds (language.yml) ---------------------

def _fields(text: str) -> list[tuple[str, str, str | None]]:
    """(name, format spec, conversion) of each replacement field; ValueError if malformed."""
    return [(name, spec, conversion) for _, name, spec, conversion
            in string.Formatter().parse(text) if name is not None]


def format_field_problem(value: str, english: str | None) -> str | None:
    """A translated string names only the fields its English string names, written
    plain: {guide} where the English has {guide}; {} or {0}, {1}… where the English has
    that many {} (numbers, reordered). Never an attribute or index ({guide.x}), a
    conversion or a format spec ({guide:>99999}: a gigabyte), nor a field the English
    string lacks ({0} under a note: an IndexError)."""
    try:
        known = _fields(english or "")
    except ValueError:
        known = []
    names = {n for n, _, _ in known if n and not n.isdigit()}
    numbers = sum(1 for n, _, _ in known if n == "" or n.isdigit())
    allowed = ", ".join([f"{{{n}}}" for n in sorted(names)] +
                        ([f"{{}} ({numbers})"] if numbers else [])) or "none"
    try:
        found = _fields(value)
    except ValueError as exc:
        return f"{exc}; write {{{{ and }}}} for a literal brace"
    auto = [n for n, _, _ in found if n == ""]
    for name, spec, conversion in found:
        plain = not spec and not conversion
        ok = plain and (name in names or (name == "" and len(auto) <= numbers)
                        or (name.isdigit() and int(name) < numbers and not auto))
        if not ok:
            shown = "{" + name + (f"!{conversion}" if conversion else "") + \
                    (f":{spec[:20]}" if spec else "") + "}"
            return f"the field {shown} is not one this text takes (allowed: {allowed})"
    return None


def fill(template: str, **values: str) -> str:
    """The template with its {name} fields filled; the checks refused anything else, and
    nothing else is ever interpreted here (no attribute, index or format spec)."""
    return "".join(literal + (values.get(name, "") if name is not None else "")
                   for literal, name, _, _ in string.Formatter().parse(template))
