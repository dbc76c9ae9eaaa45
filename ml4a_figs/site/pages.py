"""Rewriting a chapter page: facts and figure references in its Markdown, math in its
HTML, explorable figures, and our syntax left unrendered refused. Errors name the source
file and line.

A figure is one <picture> per palette: Material shows an image whose src ends in
`#only-light` or `#only-dark` under that palette (its toggle, not only the OS setting) and
hides the other with display:none, and a lazy image not displayed is never fetched. Print
shows the light one (docs/assets/site.css). Every figure is shown at the scale of its own
SVG, 4/3 CSS px per point, never wider than the column: one type scale for every figure.
"""

from __future__ import annotations

import functools
import html
import json
import re
from pathlib import Path
from typing import Callable

from mkdocs.exceptions import PluginError

from ..figures.references import (CODE, EXPLORE_REF, FACT, FIGURE_REF, STRAY_FACT, closest,
                                  outside_code)
from ..figures.registry import Figure
from ..i18n.sections import rel
from ..pipeline.store import read_stamp

INLINE_MATH = re.compile(r'<span class="arithmatex">\\\((.*?)\\\)</span>', re.S)
INLINE_MATH_TOUCHING = re.compile(r"([(\[“‘]?)" + INLINE_MATH.pattern + r"([)\]},.;:!?”’]*)", re.S)
SHORT_FORMULA = 30  # characters of TeX: kept on one line with the punctuation it touches
DISPLAY_MATH = re.compile(r'<div class="arithmatex">\\\[(.*?)\\\]</div>', re.S)
# Our syntax that reached the HTML: a `{{ … }}` the facts did not fill, a `figure:`
# reference the figures did not resolve (`{{ facts.lstsq-m }}`, a reference with a
# title). Code and the TeX of formulas (before KaTeX) are shown as written.
SHOWN_AS_WRITTEN = re.compile(
    r"<pre\b.*?</pre>|<code\b.*?</code>|<(span|div) class=\"arithmatex\">.*?</\1>", re.S)
UNRENDERED = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|(?:src|href)=\"figure:[^\"]*\"|\]\(figure:[^)]*\)",
                        re.S)
WEB_FORMATS = ("svg", "webp", "png")
PHONE_MEDIA = "(max-width: 40em)"  # Material's phone breakpoint (up to 640 px)
REDUCED_MOTION = "(prefers-reduced-motion: reduce), print"  # paper gets the still poster
PX_PER_PT = 4 / 3
SVG_SIZE = re.compile(rb'<svg[^>]*?\swidth="([\d.]+)pt"\s+height="([\d.]+)pt"')


Where = Callable[..., str]  # where(needle, nth=1) -> "path:line" in the page's sources


def source_line(paths: list[Path], root: Path, needle: str | re.Pattern, nth: int = 1) -> str:
    """`path:line` (relative to root) of the nth occurrence of `needle` in a page's
    sources: a translation's file, then the English one its untranslated sections come
    from. Line 0 when it is in none of them."""
    pattern = needle if isinstance(needle, re.Pattern) else re.compile(re.escape(needle))
    found = []
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        found += [(path, text.count("\n", 0, m.start()) + 1) for m in pattern.finditer(text)]
    path, line = found[min(nth, len(found)) - 1] if found else (paths[0], 0)
    return f"{rel(path, root)}:{line}"


def fill_facts(markdown: str, facts: dict, where: Where) -> str:
    def fact(match: re.Match) -> str:
        name = match.group(1)
        if name not in facts:
            raise PluginError(f"{where(match.group(0))}: unknown fact {name!r}"
                              f"{closest(name, facts)}")
        return str(facts[name])

    markdown = outside_code(markdown, lambda text: FACT.sub(fact, text))
    if stray := STRAY_FACT.search(CODE.sub("", markdown)):
        raise PluginError(f"{where(stray.group(0))}: {stray.group(0)!r} is not a fact; "
                          f"write {{{{ facts.NAME }}}}")
    return markdown


def link_figures(markdown: str, registry: dict[str, Figure], where: Where, up: str,
                 figures_dir: Path) -> str:
    """`![alt](figure:NAME){ .class }` becomes the figure's <picture>s: one per palette,
    each with its phone layout and (an animation) its still poster. Raw
    HTML is not rewritten by MkDocs: `up` leads from the page's URL to the site's root."""
    seen = []  # the page's first figure is on screen at load: never lazy

    def figure(match: re.Match) -> str:
        alt, name = match.group(1), match.group(2)
        fig = registry.get(name)
        if fig is None:
            raise PluginError(f"{where(match.group(0))}: unknown figure {name!r}"
                              f"{closest(name, registry)}")
        if not any(f in WEB_FORMATS for f in fig.formats):
            raise PluginError(f"{where(match.group(0))}: figure {name!r} has no format a "
                              f"browser shows")
        classes = tuple(re.findall(r"\.([\w-]+)", match.group(3) or ""))
        markup = picture_markup(fig, alt or fig.alt, up, figures_dir, classes, eager=not seen)
        seen.append(name)
        return markup

    return outside_code(markdown, lambda text: FIGURE_REF.sub(figure, text))


def _size_attrs(figures_dir: Path, name: str, width_pt: float | None) -> str:
    """width and height in CSS px, so the browser reserves the picture's box before it
    loads (nothing below it moves when it arrives); the aspect is the SVG's size in
    points or a raster's pixels, none before the file is built."""
    if not width_pt:
        return ""
    width, path = round(width_pt * PX_PER_PT), figures_dir / name
    try:
        if path.suffix == ".svg":
            match = SVG_SIZE.search(path.read_bytes()[:3000])
            aspect = float(match.group(2)) / float(match.group(1)) if match else None
        else:
            from PIL import Image

            with Image.open(path) as image:
                aspect = image.height / image.width
    except (OSError, ValueError):
        aspect = None
    return f' width="{width}"' + (f' height="{round(width * aspect)}"' if aspect else "")


def picture_markup(fig: Figure, alt: str, up: str, figures_dir: Path,
                   classes: tuple[str, ...] = (), eager: bool = False) -> str:
    """`eager`: the page's first figure, loaded at once (never lazily: it is on screen)."""
    fmt = next(f for f in fig.formats if f in WEB_FORMATS)
    posters = [f for f in fig.formats if f.startswith("poster.")]
    # the build stamp's record of the text: per layout, the picture's width in points
    sizes = (read_stamp(figures_dir / ".stamps" / f"{fig.name}.json") or {}).get("text")
    sizes = sizes if isinstance(sizes, dict) else {}
    wide_pt = (sizes.get("wide") or {}).get("width_pt")
    phone_pt = (sizes.get("phone") or {}).get("width_pt") or wide_pt
    cls = f' class="{" ".join(classes)}"' if classes else ""
    loading = "eager" if eager else "lazy"
    out = []
    for theme in ("light", "dark"):
        sources = []
        if fig.phone:
            sources.append((PHONE_MEDIA, fig.output_name(fmt, theme, "phone"), phone_pt))
        if posters:
            sources.append((REDUCED_MOTION, fig.output_name(posters[0], theme), wide_pt))
        own = fig.output_name(fmt, theme)
        src = f"{up}figures/{own}#only-{theme}"
        out.append(
            "<picture>"
            + "".join(f'<source media="{m}" srcset="{up}figures/{f}"'
                      f'{_size_attrs(figures_dir, f, w)}>' for m, f, w in sources)
            + f'<img loading="{loading}" decoding="async" src="{src}" alt="{html.escape(alt)}"'
            + f"{_size_attrs(figures_dir, own, wide_pt)}{cls}></picture>")
    return "".join(out)


def refuse_unrendered(content: str, where: Where) -> None:
    """Fail on the first piece of our syntax left in the HTML, at its line in the source:
    the reference as written, not a well-formed one with the same name."""
    found = UNRENDERED.search(SHOWN_AS_WRITTEN.sub("", content))
    if found is None:
        return
    left = found.group(0)
    needle = (re.compile(re.escape(left.split('"')[1]) + r"(?![\w\-)])")
              if left.startswith(("src=", "href=")) else left)
    raise PluginError(f"{where(needle)}: {left!r} was left unrendered: write "
                      f"{{{{ facts.NAME }}}} or ![alt](figure:NAME) with a known name and "
                      f"nothing else inside")


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


def as_tex(tex: str, display: bool) -> str:
    """A formula as the search index reads it, its TeX (typeset_math's `render` for the
    index's copy of a page): Material's search parses every tag, and KaTeX's dozens of spans
    and MathML copy per formula made indexing the chapter the slowest step of a warm build."""
    return html.escape(tex)


# Explorable figures on a page: `![alt](explore:NAME)` in the Markdown.
#
# NAME is a figure written as NAME.explore.json (ml4a_figs/figures/overlay.py). The marker
# expands into the static figure (shown without JavaScript, and in print unless the figure
# has a print breakout), the box docs/assets/explore.js fills (`screen-only`) and the print
# breakout (`print-only`). Control labels come from `explore:` in the page language's
# language.yml (English where missing); the script sets them as text, never as HTML.
SUFFIX = ".explore.json"


@functools.lru_cache(maxsize=32)
def _header(path: Path, mtime_ns: int) -> dict:
    """What a page needs of NAME.explore.json, read once while the file is unchanged."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {"figure": data.get("figure"), "static": data.get("static"),
            "print": data.get("print"), "reserve": reserve(data)}


# The controls' height under the drawing, in CSS px (measured at 390 and 1280 px, English
# and Korean: a slider row is 47 px and two share a row in a wide column; a race has a
# Play row, a row of scales and a 44 px row per optimizer; then readout or status lines,
# the radios' legend and the table's header). Erring high leaves a little room, never a
# shift.
SLIDER_PX, ROW_PX = 47.2, 44


def reserve(data: dict) -> dict:
    """The data-* attributes from which the page reserves the widget's final box before
    its data arrives (docs/assets/explore.css): the drawing's size, wide and phone, and
    the controls' height in each layout."""
    width, height = data["size"]
    out = {"data-w": width, "data-h": height}
    rows, sliders = len(data.get("names") or []), len(data.get("controls") or [])
    if rows:
        wide, narrow = (2 + rows) * ROW_PX + 74, (2 + rows) * ROW_PX + 158
    else:
        wide, narrow = -(-sliders // 2) * SLIDER_PX + 40, sliders * SLIDER_PX + 72
    out["data-controls"] = round(wide, 1)
    phone = (data.get("phone") or {}).get("size")
    out.update({"data-pw": phone[0], "data-ph": phone[1]} if phone else {})
    out["data-controls-phone"] = round(narrow, 1)
    return out


def expand(markdown: str, *, strings: dict, figures_dir: Path, registry: dict, up: str,
           where) -> str:
    """Replace every explore marker; `where(text)` names the source line for errors."""

    def replace(match: re.Match) -> str:
        alt, name = match.groups()
        path = Path(figures_dir) / f"{name}{SUFFIX}"
        if name not in registry or not path.is_file():
            raise PluginError(f"{where(match.group(0))}: unknown explorable figure {name!r}")
        head = _header(path, path.stat().st_mtime_ns)
        if head["figure"] not in strings:  # the language's table, merged over the English
            raise PluginError(f"docs/en/language.yml: explore: has no part for explorable "
                               f"{head['figure']!r}")
        words = {**strings.get("common", {}), **strings[head["figure"]]}
        # the backgrounds, each drawn again for Material's dark palette (the script
        # follows its toggle), and for the phone where the figure has a phone layout
        fig = registry[name]
        backgrounds = {"background": next(f for f in fig.formats if f in ("svg", "webp")),
                       "phone": next((f for f in fig.formats if f.startswith("phone.")), None)}
        files = {f"data-{key}{suffix}": f"{up}figures/{fig.output_name(fmt, theme)}"
                 for key, fmt in backgrounds.items() if fmt
                 for suffix, theme in (("", "light"), ("-dark", "dark"))}
        static_class = "explore-static screen-only" if head["print"] else "explore-static"
        parts = ['<div class="explore" markdown>',
                 f'<div class="{static_class}" markdown>', "",
                 f"![{alt}](figure:{head['static']})", "", "</div>",
                 f'<div class="explore-widget screen-only" hidden role="group" '
                 f'aria-label="{html.escape(words["label"])}" '
                 f'data-explore="{up}figures/{name}{SUFFIX}" '
                 + "".join(f'{k}="{v}" ' for k, v in files.items())
                 + "".join(f'{k}="{v:g}" ' for k, v in head["reserve"].items()) +
                 f'data-strings="{html.escape(json.dumps(words, ensure_ascii=False))}">'
                 f'</div>']
        if head["print"]:
            parts += ['<div class="explore-print print-only" markdown>', "",
                      f"![](figure:{head['print']})", "", "</div>"]
        parts.append("</div>")
        return "\n".join(parts)

    return EXPLORE_REF.sub(replace, markdown)
