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
import re
from pathlib import Path

from ..figures.registry import Figure
from ..pipeline.store import read_stamp

WEB_FORMATS = ("svg", "webp", "png")
PHONE_MEDIA = "(max-width: 40em)"  # Material's phone breakpoint (up to 640 px)
REDUCED_MOTION = "(prefers-reduced-motion: reduce), print"  # paper gets the still poster
PX_PER_PT = 4 / 3
SVG_SIZE = re.compile(rb'<svg[^>]*?\swidth="([\d.]+)pt"\s+height="([\d.]+)pt"')


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
    web = [f for f in fig.formats if f in WEB_FORMATS]
    if not web:
        raise ValueError(f"figure {fig.name!r} has no format a browser shows")
    fmt = web[0]
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
