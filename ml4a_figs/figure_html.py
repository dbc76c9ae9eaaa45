"""The HTML of a figure on a page: one <picture> per theme, each with its phone
layout and its reduced-motion poster as <source>s.

Material shows an image whose src ends in `#only-light` under the light palette
and `#only-dark` under the dark one (its toggle, not only the OS setting), and
hides the other with display:none; a lazy image that is not displayed is never
fetched, so a reader downloads one variant. Print always shows the light one
(docs/assets/site.css).

Every figure is shown at the scale of its own SVG, 4/3 CSS px per point, never
wider than the column: one type scale for every figure, raster or vector.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

from .registry import Figure

WEB_FORMATS = ("svg", "webp", "png")
PHONE_MEDIA = "(max-width: 40em)"  # Material's phone breakpoint (up to 640 px)
REDUCED_MOTION = "(prefers-reduced-motion: reduce), print"  # paper gets the still poster
PX_PER_PT = 4 / 3


def text_sizes(figures_dir: Path, name: str) -> dict:
    """What the build stamp recorded of a figure's text: per layout, the smallest
    font size and the picture's width, in points ({} before the first build)."""
    try:
        stamp = json.loads((figures_dir / ".stamps" / f"{name}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return stamp.get("text") or {}


def picture_markup(fig: Figure, alt: str, up: str, figures_dir: Path,
                   classes: tuple[str, ...] = ()) -> str:
    web = [f for f in fig.formats if f in WEB_FORMATS]
    if not web:
        raise ValueError(f"figure {fig.name!r} has no format a browser shows")
    fmt = web[0]
    posters = [f for f in fig.formats if f.startswith("poster.")]
    wide = text_sizes(figures_dir, fig.name).get("wide") or {}
    width = f' width="{round(wide["width_pt"] * PX_PER_PT)}"' if wide.get("width_pt") else ""
    cls = f' class="{" ".join(classes)}"' if classes else ""
    out = []
    for theme in ("light", "dark"):
        sources = []
        if fig.phone:
            sources.append((PHONE_MEDIA, fig.output_name(fmt, theme, "phone")))
        if posters:
            sources.append((REDUCED_MOTION, fig.output_name(posters[0], theme)))
        src = f"{up}figures/{fig.output_name(fmt, theme)}#only-{theme}"
        out.append(
            "<picture>"
            + "".join(f'<source media="{m}" srcset="{up}figures/{f}">' for m, f in sources)
            + f'<img loading="lazy" decoding="async" src="{src}" alt="{html.escape(alt)}"'
            + f"{width}{cls}></picture>")
    return "".join(out)
