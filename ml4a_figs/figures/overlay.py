"""Explorable figures: a background drawn once by matplotlib, plus the states a
page overlays on it, every one of them computed here at build time.

A figure's `draw` returns an `Explorable`: a dict (the data the page reads,
written compactly as NAME.explore.json) that also holds the matplotlib figure
(written as NAME.svg). The dict records where each axes sits in the SVG and its
data limits, so the page's script maps data to pixels the way matplotlib did,
and never computes a loss or a step itself (docs/assets/explore.js).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import matplotlib
import numpy as np


# Coordinates are kept to about 1/2000 of what their axis shows: finer than a
# pixel of the widest drawing, and a few characters each.
RESOLUTION = 2000
# Losses and other read-out numbers: significant digits kept.
SIGNIFICANT = 3

# A phone background is drawn this wide: a 390 px phone shows it at about 1.3 CSS px
# per point, so the shared style's 8-10 pt text reads at 10-13 px.
PHONE_WIDTH_IN = 3.9


def decimals_for(span: float) -> int:
    """Decimal places that resolve 1/RESOLUTION of `span`."""
    return max(0, math.ceil(-math.log10(abs(span) / RESOLUTION)))


def rounded(values, places: int) -> list:
    """A flat list of floats rounded to `places`; NaN and infinities become None."""
    flat = np.asarray(values, dtype=float).ravel()
    return [round(float(v), places) if math.isfinite(v) else None for v in flat]


def significant(value: float, digits: int = SIGNIFICANT):
    """One number to `digits` significant digits (None when not finite)."""
    value = float(value)
    if not math.isfinite(value):
        return None
    if value == 0:
        return 0.0
    return round(value, digits - 1 - math.floor(math.log10(abs(value))))


def axes_box(fig, ax) -> dict:
    """Where `ax` sits in the saved SVG (pixels from the top left) and what it shows."""
    width, height = fig.get_size_inches() * 72.0
    pos = ax.get_position()
    return {
        "box": [round(pos.x0 * width, 2), round((1 - pos.y1) * height, 2),
                round(pos.x1 * width, 2), round((1 - pos.y0) * height, 2)],
        "x": [float(v) for v in ax.get_xlim()],
        "y": [float(v) for v in ax.get_ylim()],
        "xlog": ax.get_xscale() == "log",
        "ylog": ax.get_yscale() == "log",
    }


def frozen_layout(background, axes: list) -> dict:
    """Settle the layout once and keep it, so the file written later has its axes
    exactly where the recorded boxes say."""
    background.draw_without_rendering()
    background.set_layout_engine("none")
    width, height = background.get_size_inches() * 72.0
    return {"size": [round(width, 2), round(height, 2)],
            "axes": [axes_box(background, ax) for ax in axes]}


class Explorable(dict):
    """The page's data (this dict) and its backgrounds: `background` for the column,
    and optionally `phone`, the same axes laid out for a narrow screen (stacked,
    at a width where the text stays readable), written as NAME.phone.svg/webp.
    """

    def __init__(self, background, axes: list, phone: tuple | None = None, **data):
        super().__init__(data, **frozen_layout(background, axes))
        self.backgrounds = {"": background}
        if phone is not None:
            self["phone"] = frozen_layout(*phone)
            self.backgrounds["phone."] = phone[0]

    def smallest_text_pt(self) -> float:
        from .. import style

        return style.smallest_text_pt(self.backgrounds[""])

    def save(self, path: Path, fmt: str, write_figure) -> None:
        """Write one output; `write_figure(fig, path, fmt)` is the build's own writer
        (ml4a_figs.pipeline.output), so backgrounds get the same fixed bytes as figures."""
        # the whole canvas, not the shared style's tight crop: the recorded boxes are in it
        with matplotlib.rc_context({"savefig.bbox": "standard"}):
            self._save(path, fmt, write_figure)

    def _save(self, path: Path, fmt: str, write_figure) -> None:
        variant = "phone." if fmt.startswith("phone.") else ""
        base = fmt[len(variant):]
        if fmt == "explore.json":
            Path(path).write_text(json.dumps(dict(self), separators=(",", ":"),
                                             ensure_ascii=False, allow_nan=False) + "\n",
                                  encoding="utf-8")
        elif variant not in self.backgrounds:
            raise ValueError(f"{fmt!r}: this explorable has no phone background")
        elif base in ("svg", "webp"):
            write_figure(self.backgrounds[variant], path, base)
        else:
            raise ValueError(f"an explorable figure is written as [phone.]svg or [phone.]webp "
                             f"and explore.json, not {fmt!r}")
