"""Explorable figures on a page: `![alt](explore:NAME)` in the Markdown.

NAME is a figure written as NAME.explore.json (ml4a_figs/figures/overlay.py). The marker
expands into the static figure (shown without JavaScript, and in print unless the figure
has a print breakout), the box docs/assets/explore.js fills (`screen-only`) and the print
breakout (`print-only`). Control labels come from `explore:` in the page language's
language.yml (English where missing); the script sets them as text, never as HTML.
"""

from __future__ import annotations

import functools
import html
import json
import re
from pathlib import Path

from ..figures.references import EXPLORE_REF

SUFFIX = ".explore.json"


class ExploreError(ValueError):
    pass


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
            raise ExploreError(f"{where(match.group(0))}: unknown explorable figure {name!r}")
        head = _header(path, path.stat().st_mtime_ns)
        if head["figure"] not in strings:  # the language's table, merged over the English
            raise ExploreError(f"docs/en/language.yml: explore: has no part for explorable "
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
