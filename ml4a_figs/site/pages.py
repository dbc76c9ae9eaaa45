"""Rewriting a chapter page: facts and figure references in its Markdown, math in its
HTML. Errors name the page's source file and line."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Callable

from mkdocs.exceptions import PluginError

from ..figures.references import CODE, FACT, FIGURE_REF, STRAY_FACT, closest, outside_code
from ..figures.registry import Figure
from . import figure_html

INLINE_MATH = re.compile(r'<span class="arithmatex">\\\((.*?)\\\)</span>', re.S)
INLINE_MATH_TOUCHING = re.compile(r"([(\[“‘]?)" + INLINE_MATH.pattern + r"([)\]},.;:!?”’]*)", re.S)
SHORT_FORMULA = 30  # characters of TeX: kept on one line with the punctuation it touches
DISPLAY_MATH = re.compile(r'<div class="arithmatex">\\\[(.*?)\\\]</div>', re.S)



def line_of(source: str | None, needle: str) -> int:
    """Line of `needle` in the page's source file (front matter included), 0 if unknown."""
    try:
        text = Path(source).read_text(encoding="utf-8")
    except (OSError, TypeError):
        return 0
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else 0


def fill_facts(markdown: str, facts: dict, src: str, source: str | None) -> str:
    def fact(match: re.Match) -> str:
        name = match.group(1)
        if name not in facts:
            raise PluginError(f"{src}:{line_of(source, match.group(0))}: unknown fact "
                              f"{name!r}{closest(name, facts)}")
        return str(facts[name])

    markdown = outside_code(markdown, lambda text: FACT.sub(fact, text))
    stray = STRAY_FACT.search(CODE.sub("", markdown))
    if stray:
        raise PluginError(f"{src}:{line_of(source, stray.group(0))}: "
                          f"{stray.group(0)!r} is not a fact; write {{{{ facts.NAME }}}}")
    return markdown


def link_figures(markdown: str, registry: dict[str, Figure], src: str, source: str | None,
                 page_url: str, figures_dir: Path) -> str:
    """`![alt](figure:NAME){ .class }` becomes the figure's <picture>s: one per palette,
    each with its phone layout and (an animation) its still poster (figure_html)."""

    seen = []  # the page's first figure is on screen at load: never lazy

    def figure(match: re.Match) -> str:
        alt, name = match.group(1), match.group(2)
        fig = registry.get(name)
        if fig is None:
            raise PluginError(f"{src}:{line_of(source, match.group(0))}: unknown figure "
                              f"{name!r}{closest(name, registry)}")
        # Raw HTML is not rewritten by MkDocs, so its URLs are relative to the page URL.
        up = "../" * page_url.count("/")
        classes = tuple(re.findall(r"\.([\w-]+)", match.group(3) or ""))
        try:
            markup = figure_html.picture_markup(fig, alt or fig.alt, up, figures_dir, classes,
                                                eager=not seen)
            seen.append(name)
            return markup
        except ValueError as exc:
            raise PluginError(f"{src}: {exc}") from None

    return outside_code(markdown, lambda text: FIGURE_REF.sub(figure, text))


def typeset_math(content: str, render: Callable[[str, bool], str]) -> str:
    """Every formula arithmatex left in the HTML, rendered by `render(tex, display)` (which
    names the source line of a formula it cannot typeset)."""
    content = DISPLAY_MATH.sub(lambda m: render(html.unescape(m.group(1)).strip(), True), content)

    def inline(m: re.Match) -> str:
        tex = html.unescape(m.group(2)).strip()
        formula = render(tex, False)
        if not (m.group(1) or m.group(3)):
            return formula
        if len(tex) > SHORT_FORMULA:  # a long one may still break at its operators
            return m.group(1) + formula + m.group(3)
        # a bracket or punctuation touching the formula never wraps onto a line of its own
        return f'<span class="math-nowrap">{m.group(1)}{formula}{m.group(3)}</span>'

    return INLINE_MATH_TOUCHING.sub(inline, content)


class Formulas:
    """A page's formulas kept twice: KaTeX's HTML for the reader, the TeX for the search
    index. Material's search parses every tag of a page; KaTeX writes dozens of spans and
    a MathML copy per formula, which made indexing the chapter the slowest step of a
    warm build. `render` returns a token; `for_reader` and `for_search` fill the tokens."""

    TOKEN = re.compile("\x00formula(\\d+)\x00")

    def __init__(self, render: Callable[[str, bool], str]):
        self._render = render
        self.items: list[tuple[str, str]] = []

    def render(self, tex: str, display: bool) -> str:
        self.items.append((tex, self._render(tex, display)))
        return f"\x00formula{len(self.items) - 1}\x00"

    def for_reader(self, content: str) -> str:
        return self.TOKEN.sub(lambda m: self.items[int(m.group(1))][1], content)

    def for_search(self, content: str) -> str:
        return self.TOKEN.sub(lambda m: html.escape(self.items[int(m.group(1))][0]), content)
