"""Syntax of ours that reached a page's HTML unrendered: a `{{ … }}` the facts did not
fill, a `figure:` reference the figures did not resolve (a typo such as
`{{ facts.lstsq-m }}`, or a reference with a title). The build fails on it rather than
publish it as text or as a broken image."""

from __future__ import annotations

import re

# shown as written: code, and the TeX of formulas (before KaTeX)
_SHOWN_AS_WRITTEN = re.compile(
    r"<pre\b.*?</pre>|<code\b.*?</code>|<(span|div) class=\"arithmatex\">.*?</\1>", re.S)
_LEFT = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|(?:src|href)=\"figure:[^\"]*\"|\]\(figure:[^)]*\)",
                   re.S)


def unrendered(content: str) -> str | None:
    """The first piece of our syntax left in the HTML, or None."""
    found = _LEFT.search(_SHOWN_AS_WRITTEN.sub("", content))
    return found.group(0) if found else None


def source_needle(left: str) -> re.Pattern:
    """What to look for in the Markdown source to find the line: the reference as
    written, not a well-formed one with the same name."""
    if left.startswith(("src=", "href=")):
        return re.compile(re.escape(left.split('"')[1]) + r"(?![\w\-)])")
    return re.compile(re.escape(left))
