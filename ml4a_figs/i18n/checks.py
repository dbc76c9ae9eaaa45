"""The checks of a translated page, every problem as `path:line: message`.

Headings: each one ends with the id of the English section it translates, at the same
level, in the English order. Markup: the HTML the page renders to passes the allowlist of
sanitize.py (judged on the rendered HTML, never on the source); figure and fact names are
known; includes are the English page's own; `$$` and `<!--` are closed; the front matter
title is plain text.
"""

from __future__ import annotations

import re

from . import integrity, limits, sanitize
from .files import SNIPPET_LINE
from ..figures.references import ANY_FIGURE_REF, FACT, closest
from .problems import problem_order
from .render import Renderer
from .sections import FENCE, Doc, without_code_spans

_SNIPPET = re.compile(r"^\s*-+8<-+")
_MAX_REFUSALS = 10

_default_renderer: Renderer | None = None


def default_renderer() -> Renderer:
    global _default_renderer
    if _default_renderer is None:
        _default_renderer = Renderer()
    return _default_renderer


def check(doc: Doc, english: Doc, figures=None, facts=None, render: Renderer | None = None
          ) -> list[str]:
    """Every problem of a translation against its English original, `path:line: ...`."""
    problems = list(doc.problems)
    start, lines = _body(doc)
    bounds, unbounded = limits.bounds(doc.path, lines[start:], start + 1)
    problems += bounds
    problems += _check_headings(doc, english)
    problems += _check_markup(doc, english, figures, facts)
    problems += check_unclosed(doc)
    problems += check_front_matter(doc, english)
    if not doc.oversized:  # the lines over a bound are not rendered: that must not happen
        problems += check_html(doc, render or default_renderer(), english, skip=unbounded)
    return sorted(set(problems), key=problem_order)


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
        shown = s.heading.strip()
        shown = shown if len(shown) <= 80 else shown[:77] + "…"
        where = f"{doc.path}:{s.line}: heading “{shown}”"
        if why := limits.heading_problem(s.title):
            problems.append(f"{where} {why}")
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
                            f"{closest(sid, known)}")
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


def _body(doc: Doc) -> tuple[int, list[str]]:
    """The index of the first line after the front matter, and all the lines."""
    lines = doc.text.split("\n")
    if lines and lines[0].rstrip() == "---":
        for end in range(1, len(lines)):
            if lines[end].rstrip() in ("---", "..."):
                return end + 1, lines
    return 0, lines


def _outside_fences(doc: Doc):
    """(line number, text) of the body lines outside fenced code."""
    start, lines = _body(doc)
    fence = None
    for index in range(start, len(lines)):
        line = lines[index]
        opener = FENCE.match(line)
        if fence is not None:
            if opener and opener.group(1)[0] == fence[0] and len(opener.group(1)) >= len(fence):
                fence = None
            continue
        if opener:
            fence = opener.group(1)
            continue
        yield index + 1, line


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
    for number, line in _without_comments(_outside_fences(doc)):
        where = f"{doc.path}:{number}"
        line = without_code_spans(line)
        if figures is not None:
            for ref in ANY_FIGURE_REF.finditer(line):
                if ref.group(2) not in figures:
                    problems.append(f"{where}: unknown figure {ref.group(2)!r}"
                                    f"{closest(ref.group(2), figures)}")
        if facts is not None:
            for ref in FACT.finditer(line):
                if ref.group(1) not in facts:
                    problems.append(f"{where}: unknown fact {ref.group(1)!r}"
                                    f"{closest(ref.group(1), facts)}")
    return problems


def check_unclosed(doc: Doc) -> list[str]:
    """A `$$` block or an HTML comment that is opened and never closed: Markdown would
    show the rest of the page as math source, or hide it (comments run to the end of
    the page in a browser, English sections included)."""
    problems, math_open, comment_open = [], 0, 0
    for number, line in _outside_fences(doc):
        if line.strip() == "$$" and not comment_open:
            math_open = 0 if math_open else number
            continue
        if math_open:
            continue
        rest = without_code_spans(line)
        while rest:
            if comment_open:
                end = re.search(r"--!?>", rest)
                if end is None:
                    break
                rest, comment_open = rest[end.end():], 0
            else:
                start = rest.find("<!--")
                if start < 0:
                    break
                rest, comment_open = rest[start + 4:], number
    if math_open:
        problems.append(f"{doc.path}:{math_open}: this $$ opens display math that is never "
                        f"closed: end the formula with a line holding only $$")
    if comment_open:
        problems.append(f"{doc.path}:{comment_open}: this <!-- comment is never closed: it "
                        f"would hide the rest of the page; end it with -->")
    return problems


def check_front_matter(doc: Doc, english: Doc | None = None) -> list[str]:
    """The front matter holds the English page's keys only (a `template:` or `hide:`
    would change the page's frame), and its values are plain text."""
    problems = []
    for key in doc.meta:
        if english is not None and key not in english.meta:
            known = ", ".join(map(str, english.meta)) or "none"
            problems.append(f"{doc.path}:{_meta_line(doc, key)}: front matter key {key!r} is "
                            f"not one of {english.path}'s ({known}); a translation's front "
                            f"matter holds only the English page's keys")
    for key, value in doc.meta.items():
        if isinstance(value, str) and (why := sanitize.plain_text_refusal(value)):
            problems.append(f"{doc.path}:{_meta_line(doc, key)}: front matter {key}: {why}")
    return problems


def _meta_line(doc: Doc, key: str) -> int:
    for number, line in enumerate(doc.text.split("\n")[1:], start=2):
        if line.startswith(f"{key}:"):
            return number
    return 2


# --- the rendered HTML, judged by the allowlist -----------------------------------

def _cut_points(lines: list[str], start: int) -> list[int]:
    """Indices after which the page can be cut into blocks: blank lines outside fenced
    code and display math, and the end."""
    points, fence, math = [], None, False
    for index in range(start, len(lines)):
        line = lines[index]
        opener = FENCE.match(line)
        if fence is not None:
            if opener and opener.group(1)[0] == fence[0]:
                fence = None
        elif opener:
            fence = opener.group(1)
        elif line.strip() == "$$":
            math = not math
        elif not line.strip() and not math:
            points.append(index)
    points.append(len(lines))
    return sorted(set(points))


def english_classes(english: Doc | None, render: Renderer) -> frozenset[str]:
    """The classes the English page's Markdown renders to: all a translation may use."""
    if english is None:
        return frozenset()
    start, lines = _body(english)
    return integrity.classes_of(render("\n".join(lines[start:])))


def check_html(doc: Doc, render: Renderer, english: Doc | None = None,
               skip: set[int] = frozenset()) -> list[str]:
    """The page rendered as the site renders it, judged by the allowlist, and by the
    classes, ids and images it may use (integrity.py). A refusal is
    placed at the block whose addition makes the rendered HTML refused (found by halving
    the page; a reference defined far from its use is found at its definition), at the
    line of that block that holds what was refused."""
    start, lines = _body(doc)
    if english is not None:
        classes = english_classes(english, render)
        heading_ids = set(english.by_id())

        def judge(html: str):
            return sanitize.judge(html) or integrity.judge(html, classes, heading_ids)
    else:
        judge = sanitize.judge
    try:
        kept = ["" if n in skip else line for n, line in enumerate(lines, start=1)]
        return _refusals(doc, render, judge, start, kept)
    except RecursionError:
        return [f"{doc.path}:{start + 1}: this page nests too deep to render (lists, quotes "
                f"or HTML inside each other); see Limits in the translator's guide"]


def _refusals(doc: Doc, render: Renderer, judge, start: int, kept: list[str]) -> list[str]:
    problems = []
    for _ in range(_MAX_REFUSALS):
        text = "\n".join(kept[start:])
        refusal = judge(render(text))
        if refusal is None:
            break
        points = _cut_points(kept, start)
        low, high = 0, len(points) - 1  # the smallest refused prefix ends at points[high]
        while low < high:
            mid = (low + high) // 2
            if judge(render("\n".join(kept[start:points[mid]]))) is not None:
                high = mid
            else:
                low = mid + 1
        end = points[high]
        begin = max([p for p in points if p < end] + [start - 1]) + 1
        block = range(begin, end)
        refusal = judge(render("\n".join(kept[start:end]))) or refusal
        line = next((i for i in block for needle in refusal.needles
                     if needle and needle.lower() in kept[i].lower()),
                    next((i for i in block if kept[i].strip()), begin))
        problems.append(f"{doc.path}:{line + 1}: {refusal.what} is not allowed in a "
                        f"translation (it could run code or change the page in readers' "
                        f"browsers). Write Markdown; the HTML a translation may render to is "
                        f"listed in the translator's guide")
        for i in block:  # judge the rest of the page without this block
            kept[i] = ""
    return problems


def check_strings(strings: dict, path: str, text: str, render: Renderer | None = None,
                  english: dict | None = None) -> list[str]:
    """language.yml: the site name, description and nav titles are plain text; the notes
    are Markdown, judged like a page, with no include, class, id or remote image. Every
    text names only the format fields its English string names (`english`: the
    original's language.yml; None for the original itself)."""
    render = render or default_renderer()
    problems = []
    file_lines = text.split("\n")

    def line_of(key: str) -> int:
        key = re.escape(str(key).split("\n")[0])
        return next((n for n, l in enumerate(file_lines, start=1)
                     if re.match(rf"\s*[\"']?{key}[\"']?\s*:", l)), 1)

    unfit = set()  # texts with a bad field are not filled in to be judged
    for where_key, value, original in _leaves(strings, english) if english is not None else ():
        if why := limits.format_field_problem(value, original):
            unfit.add(where_key)
            problems.append(f"{path}:{line_of(where_key)}: {where_key}: {why}")
    for key, value in strings.items():
        if key in unfit:
            continue
        if key == "nav":
            for name, translated in (value or {}).items():
                if isinstance(translated, str) and (why := sanitize.plain_text_refusal(translated)):
                    problems.append(f"{path}:{line_of(name)}: nav {name}: {why}")
        elif not isinstance(value, str):
            continue
        elif key in ("site_name", "site_description") or key.endswith("_title"):
            if why := sanitize.plain_text_refusal(value):
                problems.append(f"{path}:{line_of(key)}: {key}: {why}")
        else:
            where = f"{path}:{line_of(key)}: {key}"
            if any(SNIPPET_LINE.match(line) for line in value.split("\n")):
                problems.append(f"{where}: an include (--8<--) is not allowed in a note")
                continue
            if bounds := limits.bound_problems(where, value.split("\n")):
                problems.append(bounds[0].replace(f"{where}:1:", f"{where}:"))
                continue
            filled = limits.fill(value, guide="translating.md", english="../")
            html = render(filled)  # bounded above: no RecursionError
            if refusal := sanitize.judge(html) or integrity.judge(html, frozenset(), None):
                problems.append(f"{where}: {refusal.what} is not allowed in a translation")
    return problems


def _leaves(strings: dict, english: dict):
    """(key, translated text, English text or None) of every text of language.yml; in a
    table keyed by the English text (figures, nav), the key is the English text."""
    for key, value in strings.items():
        if isinstance(value, str):
            yield key, value, english.get(key) if isinstance(english.get(key), str) else None
        elif isinstance(value, dict):
            theirs = english.get(key) if isinstance(english.get(key), dict) else {}
            for sub, text in value.items():
                if isinstance(text, dict):
                    part = theirs.get(sub) if isinstance(theirs.get(sub), dict) else {}
                    for name, words in text.items():
                        if isinstance(words, str):
                            yield name, words, part.get(name)
                elif isinstance(text, str):
                    mine = theirs.get(sub)
                    yield sub, text, mine if isinstance(mine, str) else str(sub)
