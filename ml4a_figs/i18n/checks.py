"""The checks of a translated page, every problem as `path:line: message`.

Headings: each one ends with the id of the English section it translates, at the same
level, in the English order. Markup: the HTML the page renders to passes the allowlist of
sanitize.py (judged on the rendered HTML, never on the source); figure and fact names are
known; includes are the English page's own; `$$` and `<!--` are closed; the front matter
title is plain text.
"""

from __future__ import annotations

import re

from . import limits, sanitize
from .files import SNIPPET_LINE, includes
from .sanitize import Renderer, default_renderer
from .sections import Doc, without_code_spans
from ..figures.references import ANY_FIGURE_REF, FACT, closest

_COMMENT_END = re.compile(r"--!?>")
_MAX_REFUSALS = 10


def check(doc: Doc, english: Doc, figures=None, facts=None, render: Renderer | None = None
          ) -> list[str]:
    """Every problem of a translation against its English original, `path:line: ...`."""
    lines = doc.text.split("\n")
    bounds, unbounded = limits.bounds(doc.path, lines[doc.body_start:], doc.body_start + 1)
    visible, comment, math = _visible([(i + 1, line) for i, line in enumerate(lines)
                                       if i >= doc.body_start and i not in doc.fenced])
    problems = doc.problems + bounds + _check_headings(doc, english) + \
        _check_markup(doc, english, visible, figures, facts) + \
        check_front_matter(doc, english)
    if math:
        problems.append(f"{doc.path}:{math}: this $$ opens display math that is never "
                        f"closed: end the formula with a line holding only $$")
    if comment:  # a browser hides the rest of the page, English sections included
        problems.append(f"{doc.path}:{comment}: this <!-- comment is never closed: it "
                        f"would hide the rest of the page; end it with -->")
    if not doc.oversized:  # the lines over a bound are not rendered: that must not happen
        problems += check_html(doc, render or default_renderer(), english, skip=unbounded)
    return sorted(set(problems), key=_problem_order)


def _problem_order(problem: str):
    """Problems `path:line: …` sorted by file, then line."""
    match = re.match(r"^(.*?):(\d+):", problem)
    return (match.group(1), int(match.group(2))) if match else (problem, 0)


def _check_headings(doc: Doc, english: Doc) -> list[str]:
    problems = []
    order = {s.id: i for i, s in enumerate(english.sections)}
    known = english.by_id()
    for n, visible in _visible(doc.preamble)[0]:
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
        if s.id is None and s.level == 1 and english.sections and english.sections[0].level == 1:
            s.id = english.sections[0].id
        sid = s.id
        if sid is None:
            hint = "; ".join(f"{{ #{e.id} }} for “{e.describe()}”"
                             for e in english.sections[last + 1:last + 6])
            problems.append(f"{where} has no section id: end it with the id of the English "
                            f"section it translates{', e.g. ' + hint if hint else ''}")
        elif sid not in known:
            problems.append(f"{where}: {sid!r} is not a section of {english.path}"
                            f"{closest(sid, known)}")
        else:
            original = known[sid]
            if s.level != original.level:
                problems.append(f"{where} is level {s.level} ({'#' * s.level}) but the English "
                                f"section {sid!r} is level {original.level} "
                                f"({original.describe()}); the heading structure must match "
                                f"{english.path}")
            if sid in seen:
                problems.append(f"{where}: section {sid!r} is translated twice (also at line "
                                f"{seen[sid]})")
                continue
            seen[sid] = s.line
            if order[sid] < last:
                problems.append(f"{where}: section {sid!r} comes after "
                                f"{english.sections[last].id!r} here but before it in "
                                f"{english.path}; keep the English order")
            last = max(last, order[sid])
    return problems


def _visible(numbered_lines) -> tuple[list[tuple[int, str]], int, int]:
    """(line number, text) with <!-- comments --> removed, even over several lines (a
    `<!--` in a code span or inside $$ math opens none), and the lines where a comment
    and a $$ block open that are never closed (0: none)."""
    out, comment, math = [], 0, 0
    for number, line in numbered_lines:
        if line.strip() == "$$" and not comment:
            math = 0 if math else number
        if math:
            out.append((number, line))
            continue
        masked, kept, at = without_code_spans(line), [], 0
        while at < len(line):
            if comment:
                end = _COMMENT_END.search(masked, at)
                at, comment = (end.end(), 0) if end else (len(line), comment)
            else:
                start = masked.find("<!--", at)
                kept.append(line[at:start if start >= 0 else len(line)])
                at, comment = (start + 4, number) if start >= 0 else (len(line), 0)
        out.append((number, "".join(kept)))
    return out, comment, math


def _check_markup(doc: Doc, english: Doc, visible, figures=None, facts=None) -> list[str]:
    """Includes, the build's own markers, and figure and fact names."""
    problems = []
    english_includes = {line for _, line in includes(english.text)}
    for number, line in includes(doc.text):
        # an include (pymdownx.snippets) pulls a file into the page unchecked: only those
        # of the English page, copied as they are
        if line not in english_includes:
            problems.append(f"{doc.path}:{number}: include {line!r} is not one of "
                            f"{english.path}'s; copy the English page's --8<-- lines "
                            f"unchanged, add none")
    for number, line in enumerate(doc.text.split("\n"), start=1):
        if re.search(r"<!--\s*/?i18n:", line):
            problems.append(f"{doc.path}:{number}: <!-- i18n: … --> comments are the build's "
                            f"own markers; remove this one")
    for number, line in visible:
        line = without_code_spans(line)
        for pattern, names, kind in ((ANY_FIGURE_REF, figures, "figure"), (FACT, facts, "fact")):
            for ref in pattern.finditer(line) if names is not None else ():
                name = ref.group(2 if kind == "figure" else 1)
                if name not in names:
                    problems.append(f"{doc.path}:{number}: unknown {kind} {name!r}"
                                    f"{closest(name, names)}")
    return problems


def check_front_matter(doc: Doc, english: Doc) -> list[str]:
    """The front matter holds the English page's keys only (a `template:` or `hide:`
    would change the page's frame), and its values are plain text."""
    problems = []
    for key, value in doc.meta.items():
        line = key_line(doc.text, key)
        if key not in english.meta:
            problems.append(f"{doc.path}:{line}: front matter key {key!r} is not one of "
                            f"{english.path}'s ({', '.join(map(str, english.meta)) or 'none'}); "
                            f"a translation's front matter holds only the English page's keys")
        if isinstance(value, str) and (why := sanitize.plain_text_refusal(value)):
            problems.append(f"{doc.path}:{line}: front matter {key}: {why}")
    return problems


# --- the rendered HTML, judged by the allowlist -----------------------------------

def english_classes(english: Doc, render: Renderer) -> frozenset[str]:
    """The classes the English page's Markdown renders to: all a translation may use."""
    return sanitize.classes_of(render("\n".join(english.text.split("\n")[english.body_start:])))


def check_html(doc: Doc, render: Renderer, english: Doc, skip: set[int]) -> list[str]:
    """The page rendered as the site renders it, judged by the allowlist and by the
    classes, ids and images it may use. A refusal is placed at the block whose addition
    makes the rendered HTML refused (found by halving the page; a reference defined far
    from its use is found at its definition), at the line that holds what was refused."""
    start = doc.body_start
    kept = ["" if n in skip else line for n, line in enumerate(doc.text.split("\n"), start=1)]
    classes = english_classes(english, render)
    heading_ids = set(english.by_id())

    def judge(text: str):
        html = render("\n".join(text))
        return sanitize.judge(html) or sanitize.integrity(html, classes, heading_ids)

    # blank lines outside fenced code and display math: where the page can be cut
    points, math = [], False
    for index in range(start, len(kept)):
        if index in doc.fenced:
            continue
        if kept[index].strip() == "$$":
            math = not math
        elif not math and not kept[index].strip():
            points.append(index)
    points.append(len(kept))
    problems = []
    try:
        for _ in range(_MAX_REFUSALS):
            if judge(kept[start:]) is None:
                break
            low, high = 0, len(points) - 1  # the smallest refused prefix ends at points[high]
            while low < high:
                mid = (low + high) // 2
                low, high = (low, mid) if judge(kept[start:points[mid]]) else (mid + 1, high)
            end = points[high]
            block = range(max([p for p in points if p < end] + [start - 1]) + 1, end)
            refusal = judge(kept[start:end]) or judge(kept[start:])
            line = next((i for i in block for needle in refusal.needles
                         if needle and needle.lower() in kept[i].lower()),
                        next((i for i in block if kept[i].strip()), block.start))
            problems.append(f"{doc.path}:{line + 1}: {refusal.what} is not allowed in a "
                            f"translation (it could run code or change the page in readers' "
                            f"browsers). Write Markdown; the HTML a translation may render "
                            f"to is listed in the translator's guide")
            for i in block:  # judge the rest of the page without this block
                kept[i] = ""
    except RecursionError:
        return [f"{doc.path}:{start + 1}: this page nests too deep to render (lists, quotes "
                f"or HTML inside each other); see Limits in the translator's guide"]
    return problems


def check_strings(strings: dict, path: str, text: str, render: Renderer,
                  english: dict | None) -> list[str]:
    """language.yml: the site name, description and nav titles are plain text; the notes
    are Markdown, judged like a page, with no include, class, id or remote image. Every
    text names only the format fields its English string names (`english`: the
    original's language.yml; None for the original itself)."""
    problems, unfit = [], set()  # texts with a bad field are not filled in to be judged
    for key, value, original in _leaves(strings, english) if english is not None else ():
        if why := limits.format_field_problem(value, original):
            unfit.add(key)
            problems.append(f"{path}:{key_line(text, key)}: {key}: {why}")
    for key, value in strings.items():
        where = f"{path}:{key_line(text, key)}: {key}"
        if key in unfit:
            continue
        if key == "nav":
            problems += [f"{path}:{key_line(text, name)}: nav {name}: {why}"
                         for name, words in (value or {}).items() if isinstance(words, str)
                         if (why := sanitize.plain_text_refusal(words))]
        elif not isinstance(value, str):
            continue
        elif key in ("site_name", "site_description") or key.endswith("_title"):
            if why := sanitize.plain_text_refusal(value):
                problems.append(f"{where}: {why}")
        elif any(SNIPPET_LINE.match(line) for line in value.split("\n")):
            problems.append(f"{where}: an include (--8<--) is not allowed in a note")
        elif bounds := limits.bounds(where, value.split("\n"))[0]:
            problems.append(bounds[0].replace(f"{where}:1:", f"{where}:"))
        else:
            html = render(limits.fill(value, guide="translating.md", english="../"))
            if refusal := sanitize.judge(html) or sanitize.integrity(html, frozenset(), None):
                problems.append(f"{where}: {refusal.what} is not allowed in a translation")
    return problems


def key_line(text: str, key) -> int:
    """The first line of a YAML file that starts the key `key` (1 if none)."""
    key = re.escape(str(key).split("\n")[0])
    return next((n for n, line in enumerate(text.split("\n"), start=1)
                 if re.match(rf"\s*[\"']?{key}[\"']?\s*:", line)), 1)


def _leaves(strings: dict, english: dict):
    """(key, translated text, English text or None) of every text of language.yml; in a
    table keyed by the English text (figures, nav), the key is the English text."""
    def text(value):
        return value if isinstance(value, str) else None

    for key, value in strings.items():
        theirs = english.get(key) if isinstance(english.get(key), dict) else {}
        if isinstance(value, str):
            yield key, value, text(english.get(key))
        for sub, words in value.items() if isinstance(value, dict) else ():
            if isinstance(words, dict):
                part = theirs.get(sub) if isinstance(theirs.get(sub), dict) else {}
                yield from ((name, w, part.get(name)) for name, w in words.items()
                            if isinstance(w, str))
            elif isinstance(words, str):
                mine = theirs.get(sub)
                yield sub, words, mine if isinstance(mine, str) else str(sub)
