"""Explorable descent on the seven points' MSE bowl: a learning-rate slider and a
momentum slider. Each slider value is a full run of optim.py's optimizer from
the same start, computed here; the page draws the path on the contours and the
loss at every step for the chosen value.
"""

from __future__ import annotations

import numpy as np

from .. import style
from ..core import data, losses, optim
from .registry import declare
from . import overlay
from .gradient_descent import GD_START
from .linear_regression import draw_mse_contours, mse_landscape
from .numbers import number

# About twelve log-spaced rates, from far too small to past the rate at which
# plain descent diverges: 2 / (largest curvature of the bowl).
LR_COUNT = 12
LR_SPAN = 200.0  # largest rate / smallest rate
LR_PAST_LIMIT = 1.2  # the largest rate, as a multiple of the divergence limit
SWEEP_STEPS = 300
# The print breakout: the smallest rate, the one that gets lowest, the largest.
# Momentum on the same bowl (a long, narrow valley) at one small learning rate.
MOMENTUM_LR = 0.02
MOMENTUM_BETAS = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 0.98)
# Losses shown on the log axis: anything above is off the chart (a diverged run).
LOSS_TOP = 1e3


def divergence_limit(x) -> float:
    """2 / λ_max of the MSE's Hessian (2/n)[[Σx², Σx], [Σx, n]]: larger steps diverge."""
    x = np.asarray(x, dtype=float)
    hessian = 2.0 / len(x) * np.array([[np.sum(x * x), np.sum(x)], [np.sum(x), len(x)]])
    return float(2.0 / np.linalg.eigvalsh(hessian).max())


def learning_rates() -> np.ndarray:
    x, _ = data.seven_points()
    top = LR_PAST_LIMIT * divergence_limit(x)
    return np.geomspace(top / LR_SPAN, top, LR_COUNT)


def _runs(optimizers, steps=SWEEP_STEPS) -> dict:
    x, y = data.seven_points()
    grad = lambda p: losses.mse_grad(p[0], p[1], x, y)  # noqa: E731
    land = mse_landscape()
    paths, path_loss = [], []
    with np.errstate(over="ignore", invalid="ignore"):
        for opt in optimizers:
            path = optim.descend(grad, GD_START, opt, steps)
            loss = losses.mse(path[:, 0], path[:, 1], x, y)
            keep = np.isfinite(loss) & (loss < LOSS_TOP * 10)
            cut = int(np.argmin(keep)) if not keep.all() else len(path)
            paths.append(path[:cut])
            path_loss.append(loss[:cut])
    return {**land, "paths": paths, "path_loss": path_loss, "steps": steps}


def sweep(key: str) -> dict:
    """Every run a slider can reach: `key` is "lr" (plain descent) or "beta" (momentum)."""
    if key == "lr":
        values = learning_rates()
        optimizers = [optim.SGD(lr=float(lr)) for lr in values]
    elif key == "beta":
        values = np.array(MOMENTUM_BETAS)
        optimizers = [optim.Momentum(lr=MOMENTUM_LR, momentum=float(b)) for b in values]
    else:
        raise ValueError(f"no sweep over {key!r}; there is one over 'lr' and one over 'beta'")
    return {**_runs(optimizers), "key": key, "values": values}


def _sweep_figure(theme, M, B, Z, levels, best, steps, phone=False):
    """Contours beside (or, on a phone, above) an empty chart of the loss per step."""
    if phone:
        fig = style.new_figure(overlay.PHONE_WIDTH_IN, 6.4)
        left, right = fig.subplots(2, 1, height_ratios=(1.25, 1))
    else:
        fig = style.new_figure(7.6, 3.4)
        left, right = fig.subplots(1, 2, width_ratios=(1.15, 1))
    draw_mse_contours(theme, left, M, B, Z, levels, best, label_levels=False)
    right.set(xlim=(0, steps), ylim=(levels[0] / 3, LOSS_TOP), yscale="log",
              xlabel="step", ylabel="MSE")
    right.grid(True, which="major", color="#dddddd", linewidth=0.6)
    return fig, [left, right]


STATIC = {"lr": "learning_rate_bowl", "beta": "momentum_bowl"}


def label(key: str, value: float) -> str:
    """A slider value: a computed learning rate as every readout is written, a chosen β as set."""
    return number(value) if key == "lr" else f"{value:g}"
SYMBOL = {"lr": "α", "beta": "β"}


def draw_sweep(theme, M, B, Z, levels, best, best_mse, paths, path_loss, steps, key,
               values) -> overlay.Explorable:
    places = overlay.decimals_for(M.max() - M.min())
    states = []
    for value, path, loss in zip(values, paths, path_loss):
        shapes = [{"ax": 0, "t": "line", "c": "descent", "p": overlay.rounded(path, places)},
                  {"ax": 0, "t": "dots", "c": "follow", "p": overlay.rounded(path[-1], places)},
                  {"ax": 1, "t": "line", "c": "loss",
                   "p": [v for i, l in enumerate(loss)
                         for v in (i, overlay.significant(l))]}]
        diverged = len(path) <= steps
        states.append({"shapes": shapes, "vals": {
            key: label(key, value),
            "loss": number(loss[-1]),
            "steps": str(steps), "diverged": diverged}})
    default = int(np.argmin([l[-1] if len(l) > steps else np.inf for l in path_loss]))
    return overlay.Explorable(
        *_sweep_figure(theme, M, B, Z, levels, best, steps),
        phone=_sweep_figure(theme, M, B, Z, levels, best, steps, phone=True),
        kind="states", figure=f"{key}_sweep", static=STATIC[key],
        controls=[{"key": key, "n": len(values),
                   "labels": [label(key, v) for v in values],
                   "default": default}],
        states=states)


def breakout(key: str) -> dict:
    """Three runs of a sweep for print and for readers without JavaScript: the smallest
    value, the one that ends lowest, the largest."""
    runs = sweep(key)
    final = [l[-1] if len(l) > runs["steps"] else np.inf for l in runs["path_loss"]]
    picks = [0, int(np.argmin(final)), len(runs["values"]) - 1]
    return {**{k: runs[k] for k in ("M", "B", "Z", "levels", "best", "steps", "key")},
            "values": [float(runs["values"][i]) for i in picks],
            "paths": [runs["paths"][i] for i in picks],
            "path_loss": [runs["path_loss"][i] for i in picks]}


def leaves_at(path, M, B) -> int:
    """The first step at which the path is outside the map drawn (None: it stays on it)."""
    outside = ((path[:, 0] < M.min()) | (path[:, 0] > M.max())
               | (path[:, 1] < B.min()) | (path[:, 1] > B.max()))
    hits = np.flatnonzero(outside)
    return int(hits[0]) if hits.size else None


def draw_breakout(theme, M, B, Z, levels, best, steps, key, values, paths, path_loss):
    fig = style.new_figure(7.6, 2.9)
    axes = fig.subplots(1, len(values))
    for ax, value, path, loss in zip(axes, values, paths, path_loss):
        draw_mse_contours(theme, ax, M, B, Z, levels, best, label_levels=False)
        ax.plot(path[:, 0], path[:, 1], "-", color=theme.color("highlight"), linewidth=1.8)
        ax.plot(*path[-1], "o", color=theme.color("highlight"), markersize=6, markeredgecolor="white")
        ax.set(xlim=(M.min(), M.max()), ylim=(B.min(), B.max()))
        ending = (f"MSE {number(loss[-1])} after {steps}" if len(path) > steps
                  else f"diverges: leaves the map at step {leaves_at(path, M, B)}")
        ax.set_title(f"{SYMBOL[key]} = {label(key, value)}\n{ending}", fontsize=9)
        ax.tick_params(labelsize=8)
    for ax in axes[1:]:
        ax.set_ylabel("")
    return fig


declare("learning_rate_explore", compute=sweep, draw=draw_sweep,
        formats=("webp", "phone.webp", "explore.json"), params={"key": "lr"},
        alt="Contours of the seven points' mean squared error over slope and intercept, and an "
            "empty log-scale chart of the error per step, on which the page draws gradient "
            "descent for the chosen learning rate.")
declare("momentum_explore", compute=sweep, draw=draw_sweep,
        formats=("webp", "phone.webp", "explore.json"), params={"key": "beta"},
        alt="Contours of the seven points' mean squared error, a long narrow valley, and an "
            "empty log-scale chart of the error per step, on which the page draws descent "
            "with momentum for the chosen β.")
declare("learning_rate_bowl", compute=breakout, draw=draw_breakout, formats=("webp",),
        params={"key": "lr"},
        alt="Three contour maps of the seven points' mean squared error with 300 steps of "
            "gradient descent from the same start: with the smallest learning rate the path "
            "has barely moved; with a good one it reaches the valley floor and walks along it; "
            "with the largest it bounces across the valley, further each time, and leaves the "
            "chart.")
declare("momentum_bowl", compute=breakout, draw=draw_breakout, formats=("webp",),
        params={"key": "beta"},
        alt="Three contour maps of the seven points' mean squared error with 300 steps of "
            "descent with momentum from the same start and learning rate: without momentum "
            "(β = 0) the path creeps along the valley floor; with the β that ends lowest it "
            "swings across the valley as it speeds along it, and reaches the bottom; with the "
            "largest β it overshoots and swings round the minimum.")
