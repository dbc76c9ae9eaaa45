"""Animated optimizer races: finished paths drawn over a fixed contour map.

This module only draws. It is handed paths that are already computed (one
array of shape (steps + 1, 2) per optimizer) and a background (a contour grid,
its levels and a few marked points), and turns them into frames: the contour
map is rendered once and reused, and each frame adds every path up to step k
with a dot at its head, in the optimizer's style, and a step counter.

`Race.save(path, fmt)` writes

    "webp"         a looping animated WebP, with a pause on the last frame,
    "poster.webp"  one still lossy WebP of the finished race (every path in
                   full), for readers who ask for reduced motion.

Same input, same bytes: Agg rendering and libwebp's encoder are both
deterministic, and nothing time- or machine-dependent goes into the files.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LogNorm, Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from PIL import Image

from .. import style
from . import wording

# Path width and head dot (points). The file stores, for every frame, the pixels
# that changed since the last one; the moving dots are a good part of that, so
# they are only a little wider than the paths.
PATH_WIDTH = 2.0
HEAD_SIZE = 5.0
HEAD_EDGE = 0.0
# The contour map: thin, half-transparent lines, so the paths stand out.
CONTOUR_WIDTH = 0.7
CONTOUR_ALPHA = 0.55

# Where the step counter can go, in axes coordinates.
COUNTER_AT = {"upper left": (0.015, 0.978), "upper right": (0.985, 0.978),
              "lower left": (0.015, 0.022), "lower right": (0.985, 0.022)}

# Formats `Race.save` understands.
ANIMATED = "webp"
POSTER = "poster.webp"


@dataclass(frozen=True)
class Mark:
    """A point drawn on the map and named in the legend: a minimum, a saddle, the start."""

    x: float
    y: float
    label: str
    marker: str = "*"
    size: float = 15.0
    color: str | None = None  # None: the theme's ink
    filled: bool = True


@dataclass(frozen=True)
class Background:
    """What every frame shares: the contour map and the marked points."""

    X: np.ndarray  # meshgrid of the map
    Y: np.ndarray
    Z: np.ndarray  # heights on the grid
    levels: np.ndarray  # contour levels, increasing
    log: bool = False  # colour the levels on a log scale (log-spaced levels)
    marks: tuple[Mark, ...] = ()
    xlabel: str = "$x$"
    ylabel: str = "$y$"


@dataclass(frozen=True)
class Timing:
    """How many frames and how long each stays on screen."""

    frames: int = 50  # frames in the animation, the first showing step 0
    ease: float = 1.0  # > 1: frames closer together early on, where paths move fastest
    frame_ms: int = 80
    first_ms: int = 700  # a moment to see where everyone starts
    last_ms: int = 2500  # the finished race, before it loops


@dataclass(frozen=True)
class Layout:
    """Sizes in inches. The plot keeps the map's true aspect ratio, so the figure's
    width follows from the view and `plot_height`; the legend sits to the right."""

    # the whole animation stays under 5.5 in wide, so that its 10 pt text is still
    # 9 CSS px on a 390 px phone (style.PHONE_WIDTH_IN)
    plot_height: float = 2.4
    dpi: int = 200  # about 1,000-1,100 px wide: sharp on 2x screens
    left: float = 0.75
    bottom: float = 0.55
    top: float = 0.12
    gap: float = 0.18
    legend: float = 1.45
    right: float = 0.05


@dataclass(frozen=True)
class Encoding:
    """libwebp settings for the animation and the poster.

    The animation is lossless: after the first frame only a few hundred pixels
    change per frame, and libwebp stores those exactly in fewer bytes than its lossy
    mode does (which also blurs the colours of thin lines). The poster, one whole
    picture, is lossy.
    """

    lossless: bool = True
    quality: int = 50  # lossless: effort; lossy: quality
    method: int = 2
    poster_quality: int = 70  # the poster is always lossy
    poster_method: int = 6


def _rgba(hex_colour: str) -> tuple[int, int, int, int]:
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)) + (255,)


def frame_steps(n_steps: int, n_frames: int, ease: float = 1.0) -> np.ndarray:
    """The step shown by each frame, from 0 to the last step, both included.

    Frame i shows step round(n_steps * (i / (n_frames - 1)) ** ease), nudged so that
    no step is shown twice: evenly spaced for ease = 1, closer together at the start
    for ease > 1.
    """
    if n_frames < 2 or ease < 1.0:
        raise ValueError("an animation needs at least two frames, and ease >= 1")
    n_frames = min(n_frames, n_steps + 1)
    steps = np.round(n_steps * np.linspace(0.0, 1.0, n_frames) ** ease).astype(int)
    for i in range(1, n_frames):  # strictly increasing; the last is n_steps already
        steps[i] = max(steps[i], steps[i - 1] + 1)
    return steps


class Race:
    """Paths racing across a contour map, rendered on demand by `save`.

    theme: the style.Theme it is drawn in (its frames are rendered when written).
    paths: name -> (steps + 1, 2) array; every path must have the same length.
    The names must be optimizers of style.OPTIMIZER_ORDER, the legend's order; they
    are drawn in the reverse order, so SGD, the slowest, is never hidden under the others.
    """

    def __init__(self, theme: style.Theme, paths: dict[str, np.ndarray], background: Background, *,
                 xlim: tuple[float, float], ylim: tuple[float, float],
                 counter: str = "lower right", layout: Layout = Layout(),
                 timing: Timing = Timing(), encoding: Encoding = Encoding()):
        unknown = set(paths) - set(style.OPTIMIZER_ORDER)
        if unknown:
            raise KeyError(f"no style for {sorted(unknown)}")
        self.paths = {name: np.asarray(paths[name], dtype=float)
                      for name in style.OPTIMIZER_ORDER if name in paths}
        shapes = {p.shape for p in self.paths.values()}
        if len(shapes) != 1 or len(min(shapes)) != 2 or min(shapes)[1] != 2:
            raise ValueError(f"paths must all have the same shape (steps + 1, 2), got {shapes}")
        self.n_steps = min(shapes)[0] - 1
        self.theme, self.background = theme, background
        self.xlim, self.ylim = (float(xlim[0]), float(xlim[1])), (float(ylim[0]), float(ylim[1]))
        if counter not in COUNTER_AT:
            raise ValueError(f"counter= must be one of {sorted(COUNTER_AT)}")
        self.counter = counter
        self.layout, self.timing, self.encoding = layout, timing, encoding
        # the frames' words in the page's language (figures/wording.py); set by the build
        self.words = wording.Words()

    # --- what the frames show ---------------------------------------------------

    def frame_steps(self) -> np.ndarray:
        return frame_steps(self.n_steps, self.timing.frames, self.timing.ease)

    def durations(self) -> list[int]:
        """Milliseconds each frame stays on screen."""
        n = len(self.frame_steps())
        ms = [self.timing.frame_ms] * n
        ms[0], ms[-1] = self.timing.first_ms, self.timing.last_ms
        return ms

    def figure_size(self) -> tuple[float, float]:
        """(width, height) in inches."""
        lay = self.layout
        aspect = (self.xlim[1] - self.xlim[0]) / (self.ylim[1] - self.ylim[0])
        width = lay.left + lay.plot_height * aspect + lay.gap + lay.legend + lay.right
        return width, lay.bottom + lay.plot_height + lay.top

    def data_to_pixel(self, x: float, y: float) -> tuple[float, float]:
        """Where the point (x, y) of the map lands in a frame, in pixels from the top left."""
        lay = self.layout
        width, height = self.figure_size()
        plot_width = width - lay.left - lay.gap - lay.legend - lay.right
        fx = (x - self.xlim[0]) / (self.xlim[1] - self.xlim[0])
        fy = (y - self.ylim[0]) / (self.ylim[1] - self.ylim[0])
        return ((lay.left + fx * plot_width) * lay.dpi,
                (height - lay.bottom - fy * lay.plot_height) * lay.dpi)

    # --- rendering ---------------------------------------------------------------

    def _setup(self):
        """Draw the static parts once; return the canvas, its saved pixels and the
        artists that change from frame to frame (left out of the saved pixels)."""
        lay, theme = self.layout, self.theme
        width, height = self.figure_size()
        fig = Figure(figsize=(width, height), dpi=lay.dpi, facecolor=theme.paper())
        canvas = FigureCanvasAgg(fig)
        plot_width = width - lay.left - lay.gap - lay.legend - lay.right
        ax = fig.add_axes((lay.left / width, lay.bottom / height,
                           plot_width / width, lay.plot_height / height),
                          facecolor=theme.paper())
        bg = self.background
        norm = (LogNorm(vmin=bg.levels[0], vmax=bg.levels[-1]) if bg.log
                else Normalize(vmin=bg.levels[0], vmax=bg.levels[-1]))
        ax.contour(bg.X, bg.Y, bg.Z, levels=bg.levels, norm=norm, cmap=style.SURFACE_CMAP,
                   linewidths=CONTOUR_WIDTH, alpha=CONTOUR_ALPHA)
        ax.set(xlim=self.xlim, ylim=self.ylim, xlabel=bg.xlabel, ylabel=bg.ylabel)

        lines, heads, handles = {}, {}, []
        for name in self.paths:
            st = theme.line(name)
            (lines[name],) = ax.plot([], [], lw=PATH_WIDTH, solid_capstyle="round",
                                     dash_capstyle="round", animated=True, **st)
            (heads[name],) = ax.plot([], [], ls="none", marker="o", ms=HEAD_SIZE,
                                     color=st["color"], mec=theme.paper(), mew=HEAD_EDGE,
                                     animated=True)
            handles.append(Line2D([], [], lw=PATH_WIDTH, marker="o", ms=HEAD_SIZE,
                                  label=name, **st))
        # the marks go over the paths (a minimum stays visible once reached) and under
        # the heads (a head that reaches it stays visible too)
        marks = []
        for mark in bg.marks:
            mark_colour = mark.color or theme.ink()
            kw = dict(ls="none", marker=mark.marker, ms=mark.size, mec=mark_colour, mew=1.3,
                      mfc=mark_colour if mark.filled else theme.paper())
            marks += ax.plot([mark.x], [mark.y], animated=True, **kw)
            handles.append(Line2D([], [], label=mark.label, **kw))
        ax.legend(handles=handles, loc="upper left",
                  bbox_to_anchor=(1 + lay.gap / plot_width, 1.0), borderaxespad=0.0,
                  borderpad=0.2, frameon=False, handlelength=2.6, labelspacing=0.6)
        # Between two frames libwebp stores the rectangle around everything that
        # changed, so the counter belongs in a corner near where the paths end up.
        cx, cy = COUNTER_AT[self.counter]
        counter = ax.text(cx, cy, "", transform=ax.transAxes, fontsize=10, animated=True,
                          ha="left" if cx < 0.5 else "right", va="bottom" if cy < 0.5 else "top",
                          bbox=dict(boxstyle="round,pad=0.3", fc=theme.paper(), ec=theme.faint(),
                                    lw=0.6, alpha=0.92))
        wording.apply(fig, self.words)
        canvas.draw()
        saved = canvas.copy_from_bbox(fig.bbox)
        # drawn last to first: SGD ends up on top
        order = list(self.paths)[::-1]
        moving = ([(lines[n], self.paths[n]) for n in order],
                  [(heads[n], self.paths[n]) for n in order])
        return fig, canvas, saved, moving, marks, counter

    def _frames(self, steps):
        """Yield one RGB image per step in `steps`, drawing only what moves."""
        fig, canvas, saved, (lines, heads), marks, counter = self._setup()
        try:
            for k in steps:
                canvas.restore_region(saved)
                for line, path in lines:
                    line.set_data(path[: k + 1, 0], path[: k + 1, 1])
                    fig.draw_artist(line)
                for mark in marks:
                    fig.draw_artist(mark)
                for head, path in heads:
                    head.set_data(path[k : k + 1, 0], path[k : k + 1, 1])
                    fig.draw_artist(head)
                counter.set_text(self.words(f"step {k} / {self.n_steps}"))
                fig.draw_artist(counter)
                # Pillow's C conversion; slicing the RGBA buffer in numpy is ten times slower
                rgba = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(),
                                        "raw", "RGBA", 0, 1)
                yield rgba.convert("RGB")
        finally:
            fig.clear()

    def frames(self) -> list[Image.Image]:
        """Every frame of the animation, as RGB images (for tests and previews)."""
        return list(self._frames(self.frame_steps()))

    def poster(self) -> Image.Image:
        """The finished race: every path in full."""
        return next(self._frames([self.n_steps]))

    def smallest_text_pt(self) -> float:
        """The smallest font size on a frame, for the phone test (see style.py)."""
        fig = self._setup()[0]
        try:
            return style.smallest_text_pt(fig)
        finally:
            fig.clear()

    @property
    def dpi(self) -> int:
        return self.layout.dpi

    # --- writing -----------------------------------------------------------------

    def save(self, path, fmt: str) -> None:
        """Write exactly to `path` (the caller renames it into place)."""
        enc, theme = self.encoding, self.theme
        if fmt == ANIMATED:
            images = list(self._frames(self.frame_steps()))
            # kmax=0: no key frames after the first. Between frames only a few paths'
            # heads move, and libwebp stores just those pixels; a key frame would
            # store the whole map again.
            images[0].save(path, format="WEBP", save_all=True, append_images=images[1:],
                           duration=self.durations(), loop=0, lossless=enc.lossless,
                           quality=enc.quality, method=enc.method, kmin=0, kmax=0,
                           background=_rgba(theme.paper()))
        elif fmt == POSTER:
            self.poster().save(path, format="WEBP", quality=enc.poster_quality,
                               method=enc.poster_method)
        else:
            raise ValueError(f"a race is written as {ANIMATED!r} or {POSTER!r}, not {fmt!r}")
