"""The one look shared by every figure: palette, fonts, sizes.

Colours come from the Okabe–Ito palette, which stays distinguishable for the
common forms of colour blindness; each optimizer keeps its colour (and a line
style, so print and grey-scale readers can tell them apart too) in every figure.
Figures are drawn on white and shown on a white card in the dark theme as well,
so one file reads well in both.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402

BLACK = "#000000"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
GREY = "#7F7F7F"

# Roles used across the chapter.
DATA = BLUE          # observed data points
FIT = VERMILLION     # a fitted or candidate line
ERROR = VERMILLION   # residual bars (the chapter's "red dashed lines")
MINIMUM = BLACK      # the true minimum of a surface
HIGHLIGHT = VERMILLION
TRAIN = BLUE
VALIDATION = ORANGE

OPTIMIZER_STYLE = {
    "SGD": {"color": BLACK, "linestyle": "-"},
    "Momentum": {"color": ORANGE, "linestyle": "-"},
    "Nesterov": {"color": VERMILLION, "linestyle": "--"},
    "AdaGrad": {"color": SKY_BLUE, "linestyle": "-"},
    "AdaDelta": {"color": GREEN, "linestyle": "--"},
    "RMSprop": {"color": BLUE, "linestyle": "-."},
    "Adam": {"color": PURPLE, "linestyle": "-"},
}
OPTIMIZER_ORDER = tuple(OPTIMIZER_STYLE)

# A perceptually uniform map for loss surfaces (low = dark, high = light).
SURFACE_CMAP = "viridis"

# One CSS pixel of the page column is about 1/100 inch here; figures are sized
# for a ~760 px column and written at 2x for sharp screens.
COLUMN_WIDTH_IN = 7.6

matplotlib.rcParams.update({
    # SVG text stays text (smaller files, crisp at any zoom); DejaVu Sans is what
    # matplotlib lays out with, and the narrower fallbacks never overflow its boxes
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Helvetica", "Arial"],
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "legend.fontsize": 10,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#333333",
    "axes.linewidth": 0.8,
    "lines.linewidth": 2.0,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "savefig.bbox": "tight",
    "savefig.pad_inches": 0.08,
    # same input, same bytes: fixed ids in SVG output
    "svg.hashsalt": "ml4a_figs",
    "svg.fonttype": "none",
    "path.simplify": True,
})


def new_figure(width: float = COLUMN_WIDTH_IN, height: float = 4.0) -> Figure:
    """A figure not attached to pyplot, so nothing global needs closing."""
    return Figure(figsize=(width, height), layout="constrained")


def optimizer_style(name: str) -> dict:
    return dict(OPTIMIZER_STYLE[name])
