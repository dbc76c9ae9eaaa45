"""The one look shared by every figure: one colour (and dash) per concept, the type
scale, and the light and dark palettes.

Every concept -- each optimizer, each batch mode, data, fits, training and
validation curves -- has one colour and one line style in every figure and
animation (`CONCEPTS`). The light colours start from the Okabe-Ito palette (safe
for the common colour-vision deficiencies) and Paul Tol's muted palette for the
concepts Okabe-Ito has no room for; the dark ones are the same hues made lighter
until they reach 4.5:1 against the dark page (`_for_dark`).

What a drawing is for -- the page's palette, the screen's layout, the reader's
language -- is one frozen value, `Theme`, handed to every draw function as its first
argument (`draw(theme, **arrays)`); the colours, panels and cut-offs a figure uses are
read from it, never from module state, so one process can draw two themes side by side.
Its `rc()` is the matplotlib settings of that look. Importing this module changes nothing
in matplotlib (a reader's notebook keeps its own settings): the build draws and writes
inside `matplotlib.style.context(theme.rc())`, and a notebook that wants the chapter's
look says `style.use(theme)`. The same table is published as CSS custom properties
(`css_custom_properties`) in docs/assets/site.css, so the page's own overlays use the
same colours.
"""

from __future__ import annotations

import colorsys
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

# What a figure sits on: white in the light theme, Material's slate background
# (hsl(225, 15%, 14%)) in the dark one. Dark figures are drawn on that colour, not
# on transparency: a WebP with an alpha channel is up to twice the bytes.
LIGHT_PAPER = "#FFFFFF"
DARK_PAPER = "#1E2129"

# concept: (light colour, line style, what it stands for). The one table of the
# chapter's visual language; docs/en/translating.md's neighbour, the README, lists it.
CONCEPTS = {
    # the seven optimizers of the races and the notebooks
    "SGD": ("#000000", "-", "plain gradient descent (the races' SGD), and every plain descent path"),
    "Momentum": ("#E69F00", "-", "momentum"),
    "Nesterov": ("#D55E00", "--", "Nesterov momentum"),
    "AdaGrad": ("#56B4E9", "-", "AdaGrad"),
    "AdaDelta": ("#009E73", "--", "AdaDelta"),
    "RMSprop": ("#0072B2", "-.", "RMSprop"),
    "Adam": ("#CC79A7", "-", "Adam"),
    # how much data each step sees
    "batch": ("#332288", "-", "batch gradient descent (all the data per step)"),
    "mini-batch": ("#44AA99", "--", "mini-batch gradient descent"),
    "stochastic": ("#7A7A1A", ":", "stochastic gradient descent (one sample per step)"),
    # roles in the other figures
    "data": ("#4D4D4D", "none", "observed data points"),
    "fit": ("#BB2233", "-", "a fitted or candidate model, and its residuals (dashed)"),
    "train": ("#117733", "-", "training loss or accuracy"),
    "validation": ("#882255", "--", "validation loss or accuracy"),
    "highlight": ("#8E44AD", "-", "the one weight or step a figure points at"),
    "muted": ("#7F7F7F", ":", "context: trends, earlier steps, what happens after a stop"),
}
OPTIMIZER_ORDER = ("SGD", "Momentum", "Nesterov", "AdaGrad", "AdaDelta", "RMSprop", "Adam")

# ink: text, axes and the markers of a minimum; faint: background lines
INK = {"light": "#222222", "dark": "#E6E6E6"}
FAINT = {"light": "#C8C8C8", "dark": "#4A4E5C"}


def _luminance(hex_colour: str) -> float:
    """WCAG relative luminance."""
    rgb = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _for_dark(hex_colour: str, target: float = 4.5) -> str:
    """The same hue, lighter until it stands 4.5:1 against the dark paper."""
    if hex_colour == CONCEPTS["SGD"][0]:
        return INK["dark"]  # the ink concept turns with the ink
    r, g, b = (int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    h, light, s = colorsys.rgb_to_hls(r, g, b)
    out = hex_colour
    while contrast(out, DARK_PAPER) < target and light < 0.95:
        light = min(0.95, light + 0.01)
        out = "#{:02X}{:02X}{:02X}".format(*(round(c * 255) for c in colorsys.hls_to_rgb(h, light, s)))
    return out


# where lightening to 4.5:1 is not enough: data points must stand out from the grey
# of context on the dark page as they do on the light one
DARK_OVERRIDES = {"data": "#D9D9D9", "muted": "#8C8C8C"}
PALETTES = {
    "light": {name: colour for name, (colour, _, _) in CONCEPTS.items()},
    "dark": {name: DARK_OVERRIDES.get(name) or _for_dark(colour)
             for name, (colour, _, _) in CONCEPTS.items()},
}
THEMES = ("light", "dark")
LAYOUTS = ("wide", "phone")


# The Okabe-Ito colours by name, for the notebooks' exploratory plots (several
# learning rates, several sizes): series that are not one of the concepts above.
ORANGE, SKY_BLUE, GREEN = "#E69F00", "#56B4E9", "#009E73"
BLUE, VERMILLION = "#0072B2", "#D55E00"

# A perceptually uniform map for loss surfaces (low = dark, high = light).
SURFACE_CMAP = "viridis"
# Contour *lines* on the dark page start higher up the same map: viridis' darkest purples
# (the innermost contours, round a minimum) are 1.02-1.06:1 on the slate paper and vanish;
# from 0.45 on every line is at least 3:1 against it.
DARK_LINES_FROM = 0.45


# One CSS pixel of the page column is about 1/100 inch here; figures are sized
# for a ~760 px column and written at 2x for sharp screens.
COLUMN_WIDTH_IN = 7.6
# Figures are shown at 4/3 CSS px per point (an SVG's own size) and never wider than
# the column. A 390 px phone has a 358 px column: 10 pt text stays >= 9 CSS px in a
# figure up to 398 pt (5.5 in) wide. Single-panel figures are drawn that narrow for
# everyone; figures of side-by-side panels get a phone layout, the panels stacked.
PHONE_WIDTH_IN = 5.0
PHONE_PANEL_MAX_IN = 3.6

# The shared look of every figure, whatever its palette (`Theme.rc` adds the palette's
# ink and paper); applied by the build's style context or by `use`, never at import.
BASE_RC = {
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
    "axes.linewidth": 0.8,
    "lines.linewidth": 2.0,
    "savefig.bbox": "tight",
    "savefig.pad_inches": 0.08,
    # same input, same bytes: fixed ids in SVG output
    "svg.hashsalt": "ml4a_figs",
    "svg.fonttype": "none",
    "path.simplify": True,
}


def new_figure(width: float = COLUMN_WIDTH_IN, height: float = 4.0) -> Figure:
    """A figure not attached to pyplot, so nothing global needs closing."""
    return Figure(figsize=(width, height), layout="constrained")


@dataclass(frozen=True)
class Theme:
    """What one drawing is for: the page's palette (light, dark), the screen's layout
    (wide, phone: panels stacked) and the reader's language. `color(concept)`, `ink()`,
    `paper()`... are that palette's; `panels(n)`, `panel_figure(...)` that layout's."""

    palette: str = "light"
    layout: str = "wide"
    language: str = "en"

    def __post_init__(self):
        if self.palette not in THEMES or self.layout not in LAYOUTS:
            raise ValueError(f"unknown theme {self.palette!r} or layout {self.layout!r}; "
                             f"known: {', '.join(THEMES)}; {', '.join(LAYOUTS)}")

    def color(self, concept: str) -> str:
        return PALETTES[self.palette][concept]

    def line(self, concept: str) -> dict:
        dash = CONCEPTS[concept][1]
        return {"color": self.color(concept), "linestyle": "none" if dash == "none" else dash}

    def paper(self) -> str:
        return LIGHT_PAPER if self.palette == "light" else DARK_PAPER

    def ink(self) -> str:
        return INK[self.palette]

    def faint(self) -> str:
        return FAINT[self.palette]

    @property
    def phone(self) -> bool:
        return self.layout == "phone"

    def panels(self, n: int) -> tuple[int, int]:
        """Rows and columns of n side-by-side panels: a row on the page, a column on a phone."""
        return (n, 1) if self.phone else (1, n)

    def panel_figure(self, n: int, width: float, height: float) -> Figure:
        """A figure of n panels, `width` x `height` inches in the page layout; on a phone
        PHONE_WIDTH_IN wide, each panel keeping its wide aspect ratio."""
        if not self.phone:
            return new_figure(width, height)
        panel_h = height * PHONE_WIDTH_IN * n / width
        return new_figure(PHONE_WIDTH_IN, min(panel_h, PHONE_PANEL_MAX_IN) * n)

    def phone_break(self) -> str:
        """Where a long title may wrap: a new line on the phone, a space on the page."""
        return "\n" if self.phone else " "

    def contour_cmap(self):
        """The colour map for contour lines on this paper (fills keep SURFACE_CMAP)."""
        import matplotlib
        from matplotlib.colors import ListedColormap

        base = matplotlib.colormaps[SURFACE_CMAP]
        if self.palette == "light":
            return base
        return ListedColormap(base(np.linspace(DARK_LINES_FROM, 1.0, 256)), name="viridis_on_dark")

    def rc(self) -> dict:
        """matplotlib's settings for this look: the shared type scale and the palette's
        ink and paper (the dark copy is light ink on the slate)."""
        ink_colour, bg = self.ink(), self.paper()
        return {**BASE_RC,
                "text.color": ink_colour, "axes.labelcolor": ink_colour,
                "axes.edgecolor": ink_colour, "xtick.color": ink_colour,
                "ytick.color": ink_colour, "axes.titlecolor": ink_colour,
                "legend.labelcolor": ink_colour, "legend.edgecolor": self.faint(),
                "figure.facecolor": bg, "axes.facecolor": bg, "savefig.facecolor": bg,
                "grid.color": self.faint()}


def use(theme: Theme = Theme()) -> None:
    """Give this session's matplotlib the chapter's look (a notebook opts in with this;
    importing the module does not)."""
    import matplotlib.style

    matplotlib.style.use(theme.rc())


def smallest_text_pt(fig: Figure) -> float:
    """The smallest font size (points) of the visible text in a figure: the page's
    phone test turns it into CSS pixels with the size the figure is shown at."""
    from matplotlib.text import Text

    sizes = [t.get_fontsize() for t in fig.findobj(Text)
             if t.get_visible() and t.get_text().strip()]
    return min(sizes) if sizes else 0.0


def css_custom_properties() -> str:
    """The concept colours as CSS custom properties for each palette: the block
    docs/assets/site.css carries (tests/test_style.py keeps the two equal)."""
    def block(selector: str, theme_name: str, indent: str = "") -> str:
        lines = [f"{indent}  --ml4a-{c.lower().replace(' ', '-')}: {PALETTES[theme_name][c].lower()};"
                 for c in CONCEPTS]
        lines.append(f"{indent}  --ml4a-ink: {INK[theme_name].lower()};")
        return f"{indent}{selector} {{\n" + "\n".join(lines) + f"\n{indent}}}"

    slate = '[data-md-color-scheme="slate"]'
    # the dark values on screen only: paper keeps the light ones of :root
    return "\n".join([block(':root, [data-md-color-scheme="default"]', "light"),
                      "@media screen {  /* print is always light */",
                      block(slate, "dark", "  "), "}"]) + "\n"


if __name__ == "__main__":  # python -m ml4a_figs.style: the CSS block, to paste into site.css
    print(css_custom_properties(), end="")
