"""How a page refers to what the build computes, matched here and nowhere else:
`![alt](figure:NAME)` for a figure and `{{ facts.NAME }}` for a number of facts.py;
and how an unknown name is answered (`closest`), by the site and the translation checks.

Code (fenced blocks, inline spans) and HTML comments are shown or hidden as written, never
substituted, so a guide can show the syntax.
"""

from __future__ import annotations

import difflib
import re
from typing import Callable

# a figure and, optionally, its attribute list: ![alt](figure:NAME){ .class }
FIGURE_REF = re.compile(r"!\[([^\]]*)\]\(figure:([^)\s]*)\)(\{[^}\n]*\})?")
# an explorable figure: ![alt](explore:NAME) (ml4a_figs/site/pages.py expands it)
EXPLORE_REF = re.compile(r"!\[([^\]]*)\]\(explore:([^)\s]*)\)")
# either kind, as the translation checks and their preview read them (the alt text holds
# no bracket: a linear scan however a hostile page nests them)
ANY_FIGURE_REF = re.compile(r"!\[([^\[\]]*)\]\((?:figure|explore):([^)\s]*)\)")
FACT = re.compile(r"\{\{\s*facts\.([A-Za-z0-9_]+)\s*\}\}")
STRAY_FACT = re.compile(r"\{\{\s*[A-Za-z_][\w.]*\s*\}\}")
CODE = re.compile(r"^([ \t]*)(```|~~~).*?^\1\2[ \t]*$|`[^`\n]+`|<!--.*?-->", re.M | re.S)


def outside_code(markdown: str, substitute: Callable[[str], str]) -> str:
    """Apply `substitute` to the Markdown but not to code or comments."""
    pieces, last = [], 0
    for match in CODE.finditer(markdown):
        pieces += [substitute(markdown[last:match.start()]), match.group(0)]
        last = match.end()
    return "".join(pieces + [substitute(markdown[last:])])


def closest(name: str, known) -> str:
    """The end of an unknown-name message: the close known names, if any."""
    close = difflib.get_close_matches(name, sorted(known), n=3, cutoff=0.5)
    return f"; did you mean {', '.join(close)}?" if close else ""
