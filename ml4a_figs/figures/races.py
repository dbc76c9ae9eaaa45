"""The optimizer races of "Adam and comparison of update methods" (after Alec
Radford's animations): seven optimizers run from one start, for real, and the
finished paths are animated over the contours of the surface.

opt2a  Beale's function. With the settings below, Momentum and Nesterov swing
       across the valley and come back, plain SGD (same learning rate as the
       momentum methods) is still far from the minimum at the end, and the
       adaptive methods head in fairly directly and finish at the minimum.
opt1a  The saddle x² - y², started on the ridge y = 0 (just off it, so there is
       a slope to escape along). SGD rolls down to the saddle point and escapes
       only slowly, because the slope along y is tiny; the adaptive methods scale each
       coordinate by its own gradient history and leave along y at once, and
       the momentum methods, after overshooting the saddle, follow. Paths that
       leave the view keep going (downhill, forever); the frame just clips them.

The tests in tests/test_races.py check each of these claims on the same paths.
"""

from __future__ import annotations

import numpy as np

from ..core import losses, optim
from .registry import declare
from . import animation

# One set of hyperparameters per race: optimizer name (a class in optim) -> keyword
# arguments. Every setting is spelled out, defaults included, so the figure states
# exactly what ran.
RACE_SETTINGS = {
    "opt2a": {
        "SGD": {"lr": 0.002},
        "Momentum": {"lr": 0.002, "momentum": 0.95},
        "Nesterov": {"lr": 0.002, "momentum": 0.95},
        "AdaGrad": {"lr": 0.5, "eps": 1e-10},
        "AdaDelta": {"lr": 2.0, "rho": 0.9, "eps": 1e-6},
        "RMSprop": {"lr": 0.02, "alpha": 0.9, "eps": 1e-8},
        "Adam": {"lr": 0.05, "betas": (0.9, 0.999), "eps": 1e-8},
    },
    "opt1a": {
        "SGD": {"lr": 0.01},
        "Momentum": {"lr": 0.01, "momentum": 0.9},
        "Nesterov": {"lr": 0.01, "momentum": 0.9},
        "AdaGrad": {"lr": 0.1, "eps": 1e-10},
        "AdaDelta": {"lr": 1.0, "rho": 0.9, "eps": 1e-6},
        "RMSprop": {"lr": 0.01, "alpha": 0.99, "eps": 1e-8},
        "Adam": {"lr": 0.02, "betas": (0.9, 0.999), "eps": 1e-8},
    },
}

# Where each race starts and how many steps it runs. Beale's start matters: from
# (3, 4), for one, Adam ends near (-0.6, 1.8) instead of at the minimum. From (1, 1)
# all four adaptive methods arrive with these settings (AdaDelta is the fussiest).
# The saddle race starts on the ridge y = 0, 0.001 above it: exactly on it the
# slope along y is zero and no method could leave.
RACE_START = {"opt2a": (1.0, 1.0), "opt1a": (-1.5, 1e-3)}
RACE_STEPS = {"opt2a": 300, "opt1a": 200}

# What part of the plane each animation shows.
RACE_VIEW = {"opt2a": ((0.5, 4.0), (-1.25, 1.5)), "opt1a": ((-2.0, 1.5), (-0.75, 2.25))}


def run_race(surface: losses.Surface, start, steps: int, settings: dict) -> dict[str, np.ndarray]:
    """Every optimizer of `settings` from the same start: name -> (steps + 1, 2) path."""
    return {name: optim.descend(surface.grad, start, getattr(optim, name)(**kwargs), steps)
            for name, kwargs in settings.items()}


def _grid(surface: losses.Surface, xlim, ylim, n: int = 240):
    # a margin beyond the view, so contour lines run to the edges
    dx, dy = 0.05 * (xlim[1] - xlim[0]), 0.05 * (ylim[1] - ylim[0])
    X, Y = np.meshgrid(np.linspace(xlim[0] - dx, xlim[1] + dx, n),
                       np.linspace(ylim[0] - dy, ylim[1] + dy, n))
    return X, Y, surface(X, Y)


# --- opt2a: Beale's function ----------------------------------------------------


def _race_data(name: str, surface) -> dict:
    """What both races share: the finished paths, the surface on the view's grid."""
    xlim, ylim = RACE_VIEW[name]
    X, Y, Z = _grid(surface, xlim, ylim)
    paths = run_race(surface, RACE_START[name], RACE_STEPS[name], RACE_SETTINGS[name])
    return {"paths": paths, "X": X, "Y": Y, "Z": Z, "start": RACE_START[name],
            "xlim": xlim, "ylim": ylim}


def beale_race() -> dict:
    return {
        **_race_data("opt2a", losses.BEALE),
        # log-spaced: the valley floor is nearly flat, the walls are steep
        "levels": np.logspace(-1.5, 2.5, 11),
        "minimum": losses.BEALE.minima[0],
    }


def draw_beale_race(theme, paths, X, Y, Z, levels, minimum, start, xlim, ylim):
    marks = (animation.Mark(*start, "start", marker="o", size=8, filled=False),
             animation.Mark(*minimum, "minimum", marker="*", size=16))
    bg = animation.Background(X, Y, Z, levels, log=True, marks=marks)
    # the overshoots happen in the first 50 steps: show those slowly
    return animation.Race(theme, paths, bg, xlim=xlim, ylim=ylim,
                          timing=animation.Timing(frames=50, ease=1.5))


declare("opt2a", compute=beale_race, draw=draw_beale_race, formats=("webp", "poster.webp"),
        alt="An animation on the contour map of Beale's function: seven optimizers start from "
            "the same point and race towards the minimum at (3, 0.5). Momentum and Nesterov "
            "swing across the valley and back before settling; AdaGrad and Adam head in "
            "fairly directly, AdaDelta and RMSprop by longer, wavering paths, and all four "
            "reach the minimum; plain SGD creeps along the valley floor and is still far from "
            "the minimum when the race ends.")

# --- opt1a: a saddle point ------------------------------------------------------


def saddle_race() -> dict:
    return {
        **_race_data("opt1a", losses.SADDLE),
        "levels": np.linspace(-4.5, 4.5, 19),
        "saddle": losses.SADDLE.saddles[0],
    }


def draw_saddle_race(theme, paths, X, Y, Z, levels, saddle, start, xlim, ylim):
    marks = (animation.Mark(*start, "start", marker="o", size=8, filled=False),
             animation.Mark(*saddle, "saddle point", marker="X", size=8.5, filled=False))
    bg = animation.Background(X, Y, Z, levels, marks=marks)
    return animation.Race(theme, paths, bg, xlim=xlim, ylim=ylim,
                          layout=animation.Layout(plot_height=2.6),
                          timing=animation.Timing(frames=50, ease=1.3))


declare("opt1a", compute=saddle_race, draw=draw_saddle_race, formats=("webp", "poster.webp"),
        alt="An animation on the contour map of the saddle x² − y²: seven optimizers start on "
            "the ridge, at x = −1.5 just above y = 0. Plain SGD rolls down to the saddle point "
            "and is still near it when the race ends, moving away only slowly. AdaGrad, AdaDelta, RMSprop and Adam turn off the ridge at "
            "once and slide downhill along y; Momentum and Nesterov overshoot the saddle, come "
            "back and then escape along y too.")
