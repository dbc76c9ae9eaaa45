"""The optimizer races as explorable figures, and their print breakouts.

Every race is run by the optimizers of optim.py with the settings of races.py,
at three learning-rate scales (each optimizer's rate times 0.5, 1 and 2). The
page scrubs through the steps, toggles optimizers and switches scales, and only
ever draws these precomputed paths. For print (and the PDF), the same ×1 race
is broken out as small multiples at a few steps.
"""

from __future__ import annotations

import numpy as np

from .. import style
from ..core import losses
from .registry import declare
from . import overlay
from .numbers import number
from .races import RACE_SETTINGS, RACE_START, RACE_STEPS, RACE_VIEW, _grid, run_race

SCALES = (0.5, 1.0, 2.0)
# opt2a: the step at which each path first comes within this distance of the minimum
ARRIVAL_RADIUS = 0.1
# opt1a: the step at which each path has rolled off the saddle, downhill below this loss
ESCAPE_LOSS = -1.0
# The steps the print breakout shows (the last is the race's end).
PRINT_STEPS = (0, 25, 100)
# A path that leaves this many view-widths around the view is cut there: it is
# off the map for good, and its numbers would overflow.
FAR = 10.0


def _scaled(settings: dict, scale: float) -> dict:
    return {name: {**kwargs, "lr": kwargs["lr"] * scale} for name, kwargs in settings.items()}


def _cut_far(path: np.ndarray, xlim, ylim) -> np.ndarray:
    """The path up to its last point before it leaves the far box (or stops being finite)."""
    w, h = xlim[1] - xlim[0], ylim[1] - ylim[0]
    inside = (np.isfinite(path).all(axis=1)
              & (np.abs(path[:, 0] - np.mean(xlim)) < FAR * w)
              & (np.abs(path[:, 1] - np.mean(ylim)) < FAR * h))
    out = np.flatnonzero(~inside)
    return path[: out[0]] if out.size else path


def race_states(name: str, surface: losses.Surface) -> dict:
    """Paths, loss per step and arrival step of every optimizer at every scale."""
    xlim, ylim = RACE_VIEW[name]
    runs = []
    with np.errstate(over="ignore", invalid="ignore"):
        for scale in SCALES:
            paths = run_race(surface, RACE_START[name], RACE_STEPS[name],
                             _scaled(RACE_SETTINGS[name], scale))
            runs.append({k: _cut_far(p, xlim, ylim) for k, p in paths.items()})
    return {"runs": runs, "xlim": xlim, "ylim": ylim}


def arrival_step(name: str, path: np.ndarray, surface: losses.Surface):
    """First step at which the path has arrived (see ARRIVAL_RADIUS, ESCAPE_LOSS), or None."""
    if name == "opt2a":
        reached = np.hypot(*(path - np.array(surface.minima[0])).T) < ARRIVAL_RADIUS
    else:
        reached = surface(path[:, 0], path[:, 1]) < ESCAPE_LOSS
    hits = np.flatnonzero(reached)
    return int(hits[0]) if hits.size else None


def _race_background(theme, ax, name, surface, levels, log, marks):
    xlim, ylim = RACE_VIEW[name]
    X, Y, Z = _grid(surface, xlim, ylim, n=160)
    norm = style_norm(levels, log)
    ax.contour(X, Y, Z, levels=levels, norm=norm, cmap=theme.contour_cmap(),
               linewidths=0.7, alpha=0.6 if theme.palette == "light" else 1.0)
    for x, y, marker, size in marks:
        ax.plot(x, y, marker=marker, markersize=size, color=theme.ink(), linestyle="none",
                markerfacecolor="none" if marker in "oX" else theme.ink(), zorder=5)
    ax.set(xlim=xlim, ylim=ylim, xlabel="x", ylabel="y", aspect="equal")


def style_norm(levels, log):
    from matplotlib.colors import LogNorm, Normalize

    return LogNorm(levels[0], levels[-1]) if log else Normalize(levels[0], levels[-1])


RACE_LOOK = {
    "opt2a": {"surface": losses.BEALE, "levels": list(np.logspace(-1.5, 2.5, 11)), "log": True,
              "marks": [(*RACE_START["opt2a"], "o", 8), (*losses.BEALE.minima[0], "*", 14)]},
    "opt1a": {"surface": losses.SADDLE, "levels": list(np.linspace(-4.5, 4.5, 19)), "log": False,
              "marks": [(*RACE_START["opt1a"], "o", 8), (*losses.SADDLE.saddles[0], "X", 8)]},
}


def explore_race(name: str) -> dict:
    look = RACE_LOOK[name]
    return {"name": name, **race_states(name, look["surface"])}


def _race_figure(theme, name: str, width: float):
    """The contour map alone, `width` inches wide at the view's true aspect ratio."""
    look = RACE_LOOK[name]
    xlim, ylim = RACE_VIEW[name]
    fig = style.new_figure(width, width * (ylim[1] - ylim[0]) / (xlim[1] - xlim[0]) + 0.7)
    ax = fig.add_subplot()
    _race_background(theme, ax, name, look["surface"], look["levels"], look["log"], look["marks"])
    # the map keeps its aspect, so a guessed height leaves a blank band: cut the figure
    # to what layout needs (twice: the layout settles after one resize)
    for _ in range(2):
        fig.draw_without_rendering()
        spare = fig.get_figheight() - fig.get_tightbbox().height
        fig.set_figheight(fig.get_figheight() - spare + 0.08)
    return fig, [ax]


def draw_explore_race(theme, name, runs, xlim, ylim) -> overlay.Explorable:
    surface = RACE_LOOK[name]["surface"]
    places = overlay.decimals_for(max(xlim[1] - xlim[0], ylim[1] - ylim[0]))
    names = list(runs[0])
    data = []
    for paths in runs:
        data.append({k: {"path": overlay.rounded(p, places),
                         # written as the readout shows it (numbers.number), not by the page
                         "loss": [number(v) for v in surface(p[:, 0], p[:, 1])],
                         "arrive": arrival_step(name, p, surface)} for k, p in paths.items()})
    return overlay.Explorable(
        *_race_figure(theme, name, 6.0), phone=_race_figure(theme, name, overlay.PHONE_WIDTH_IN),
        kind="race", figure=name, static=name, print=f"{name}_steps",
        names=names, scales=list(SCALES), scale=SCALES.index(1.0), steps=RACE_STEPS[name],
        radius=ARRIVAL_RADIUS if name == "opt2a" else ESCAPE_LOSS, runs=data)


def race_breakout(name: str) -> dict:
    """The ×1 race only, for the small multiples."""
    look = RACE_LOOK[name]
    paths = run_race(look["surface"], RACE_START[name], RACE_STEPS[name], RACE_SETTINGS[name])
    return {"name": name, "paths": paths, "steps": PRINT_STEPS + (RACE_STEPS[name],)}


def draw_race_breakout(theme, name, paths, steps):
    look = RACE_LOOK[name]
    fig = style.new_figure(7.6, 2.6)
    axes = fig.subplots(1, len(steps))
    for ax, step in zip(axes, steps):
        _race_background(theme, ax, name, look["surface"], look["levels"], look["log"], look["marks"])
        for k, (opt, path) in enumerate(paths.items()):
            shown = path[: step + 1]
            # the earlier an optimizer in the legend, the wider its line, under the later
            # ones: paths that coincide (AdaGrad under RMSprop at the saddle) stay visible
            ax.plot(shown[:, 0], shown[:, 1], linewidth=1.2 + 0.3 * (len(paths) - 1 - k),
                    zorder=2 + k, **theme.line(opt))
            ax.plot(*shown[-1], "o", markersize=3.5, zorder=10 + k,
                    color=theme.line(opt)["color"])
        ax.set_title(f"step {step}", fontsize=10)
        ax.set(xlabel="", ylabel="")
        ax.tick_params(labelsize=8)
    handles = [ax.lines[-2 * len(paths) + 2 * i] for i in range(len(paths))]
    fig.legend(handles, list(paths), loc="outside lower center", ncols=len(paths),
               fontsize=8, frameon=False)
    return fig


declare("opt2a_explore", compute=explore_race, draw=draw_explore_race,
        formats=("svg", "phone.svg", "explore.json"), params={"name": "opt2a"},
        alt="The contour map of Beale's function, on which the page draws the seven "
            "optimizers' paths up to the chosen step.")
declare("opt1a_explore", compute=explore_race, draw=draw_explore_race,
        formats=("svg", "phone.svg", "explore.json"), params={"name": "opt1a"},
        alt="The contour map of the saddle x² − y², on which the page draws the seven "
            "optimizers' paths up to the chosen step.")
declare("opt2a_steps", compute=race_breakout, draw=draw_race_breakout, formats=("svg",),
        params={"name": "opt2a"},
        alt="The race on Beale's function at steps 0, 25, 100 and 300: the seven optimizers' "
            "paths so far, each ending in a dot.")
declare("opt1a_steps", compute=race_breakout, draw=draw_race_breakout, formats=("svg",),
        params={"name": "opt1a"},
        alt="The race at the saddle at steps 0, 25, 100 and 200: the seven optimizers' "
            "paths so far, each ending in a dot.")
