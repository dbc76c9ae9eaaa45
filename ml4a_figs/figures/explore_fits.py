"""Explorable fits: the author's slope-and-intercept sketch on the seven points,
and a polynomial-degree slider over the overfitting points.

Every state a slider reaches is computed here with losses.py and numpy's
least squares, and written as shapes in data coordinates; the page only draws
the state it is asked for.
"""

from __future__ import annotations

import numpy as np

from .. import style
from ..core import data, losses
from .registry import declare
from . import overlay
from .overfitting_record import SIMPLE_DEGREE, overfitting_fits
from .linear_regression import _data_window
from .numbers import number

# --- slope and intercept on the seven points -----------------------------------------

# Steps of the two sliders, counted from the chapter's example line (where they
# start, so the caption's line is the one drawn); the ranges reach past the
# least-squares line on both sides.
SLOPE_STEP, SLOPE_STEPS = 0.1, (-5, 12)
INTERCEPT_STEP, INTERCEPT_STEPS = 0.5, (-5, 1)
CURVE_POINTS = 61
# The error axes are logarithmic, so the best lines (an MSE near 0.02) and the worst
# the sliders reach (near 25) are all on the chart; MSE_HEADROOM above the worst.
MSE_HEADROOM = 1.5


def line_grid() -> dict:
    """The MSE and the residuals of every line the two sliders reach."""
    x, y = data.seven_points()
    m_best, b_best = losses.least_squares(x, y)
    m0, b0 = data.EXAMPLE_LINE
    slopes = m0 + SLOPE_STEP * np.arange(SLOPE_STEPS[0], SLOPE_STEPS[1] + 1)
    intercepts = b0 + INTERCEPT_STEP * np.arange(INTERCEPT_STEPS[0], INTERCEPT_STEPS[1] + 1)
    M, B = np.meshgrid(slopes, intercepts, indexing="ij")
    curve_m = np.linspace(slopes[0], slopes[-1], CURVE_POINTS)
    return {"x": x, "y": y, "slopes": slopes, "intercepts": intercepts,
            "mse": losses.mse(M, B, x, y),
            "curve_m": curve_m,
            "curves": np.array([losses.mse(curve_m, b, x, y) for b in intercepts]),
            "best": (m_best, b_best)}


def mse_limits(mse, curves) -> tuple[float, float]:
    """The error axis: every state's MSE, and every point of every curve, lies inside."""
    low = min(float(mse.min()), float(curves.min()))
    high = max(float(mse.max()), float(curves.max()))
    return low / MSE_HEADROOM, high * MSE_HEADROOM


def _line_figure(theme, x, y, slopes, best, limits, phone=False):
    """The points, a bar for the total error and the error against the slope: in a
    row, or on a phone the error curve below the other two."""
    if phone:
        fig = style.new_figure(overlay.PHONE_WIDTH_IN, 6.0)
        grid = fig.subplot_mosaic([["l", "bar"], ["r", "r"]], width_ratios=(1.0, 0.16))
        left, bar, right = grid["l"], grid["bar"], grid["r"]
    else:
        fig = style.new_figure(7.6, 3.4)
        left, bar, right = fig.subplots(1, 3, width_ratios=(1.0, 0.12, 0.95))
    xlim, ylim = _data_window(x, y)
    left.plot(x, y, "o", color=theme.color("data"), markersize=7, zorder=5)
    left.set(xlim=xlim, ylim=ylim, xlabel="x", ylabel="y")
    bar.set(xlim=(0, 1), ylim=limits, yscale="log", xticks=[], title="MSE")
    bar.title.set_fontsize(10)
    right.set(xlim=(slopes[0], slopes[-1]), ylim=limits, yscale="log", xlabel="m (slope)",
              ylabel="MSE (mean squared error, log scale)")
    right.axvline(best[0], color=theme.color("muted"), linewidth=0.8, linestyle=":")
    right.annotate(f"least squares\nm = {number(best[0])}", (best[0], limits[1]),
                   xytext=(4, -4), textcoords="offset points", ha="left", va="top",
                   fontsize=9, color=theme.ink())
    return fig, [left, bar, right]


def draw_line_grid(theme, x, y, slopes, intercepts, mse, curve_m, curves, best) -> overlay.Explorable:
    xlim, _ = _data_window(x, y)
    places = overlay.decimals_for(xlim[1] - xlim[0])
    ends = np.array(xlim)
    shared = {f"b{j}": {"ax": 2, "t": "line", "c": "curve",
                        "p": overlay.rounded(np.column_stack([curve_m, curves[j]]), places)}
              for j in range(len(intercepts))}
    states = []
    for i, m in enumerate(slopes):
        for j, b in enumerate(intercepts):
            predicted = m * x + b  # the line losses.mse scores
            states.append({"shapes": [
                {"ax": 0, "t": "segs", "c": "residual",
                 "p": overlay.rounded(np.column_stack([x, y, x, predicted]), places)},
                {"ax": 0, "t": "line", "c": "fit",
                 "p": overlay.rounded(np.column_stack([ends, m * ends + b]), places)},
                {"ax": 1, "t": "bar", "c": "total", "p": [0.5, overlay.significant(mse[i, j])]},
                {"ref": f"b{j}"},
                {"ax": 2, "t": "dots", "c": "follow",
                 "p": overlay.rounded([m, mse[i, j]], places)}],
                "vals": {"m": f"{m:.2f}", "b": f"{b:.2f}", "mse": number(mse[i, j])}})
    limits = mse_limits(mse, curves)
    return overlay.Explorable(
        *_line_figure(theme, x, y, slopes, best, limits),
        phone=_line_figure(theme, x, y, slopes, best, limits, phone=True),
        kind="states", figure="line_fit", static="lin_reg_error",
        shared=shared, states=states,
        controls=[{"key": "m", "n": len(slopes), "default": -SLOPE_STEPS[0],
                   "labels": [f"{m:.2f}" for m in slopes]},
                  {"key": "b", "n": len(intercepts), "default": -INTERCEPT_STEPS[0],
                   "labels": [f"{b:.2f}" for b in intercepts]}])


declare("line_fit_explore", compute=line_grid, draw=draw_line_grid,
        formats=("svg", "phone.svg", "explore.json"),
        alt="The seven points beside an empty bar and an empty chart of the mean squared error "
            "against the slope, on which the page draws the chosen line, its errors, their "
            "total and the point of the chosen slope on the error curve.")

# --- polynomial degree over the overfitting points --------------------------------

DEGREES = tuple(range(1, 11))


def degree_fits() -> dict:
    """Least-squares polynomials of every degree, and their training and held-out errors,
    on the one record of the overfitting figure (its training and held-out points)."""
    record = overfitting_fits()
    x, y, xh, yh = record["x"], record["y"], record["x_out"], record["y_out"]
    xs = np.linspace(x.min() - 0.04, x.max() + 0.04, 160)
    fits = [np.polynomial.Polynomial.fit(x, y, d) for d in DEGREES]
    return {"x": x, "y": y, "xh": xh, "yh": yh, "xs": xs,
            "curves": np.array([f(xs) for f in fits]),
            "train": np.array([np.mean((f(x) - y) ** 2) for f in fits]),
            "held": np.array([np.mean((f(xh) - yh) ** 2) for f in fits])}


def error_floor(held: np.ndarray) -> float:
    """Where the error axis stops: a fit through every point has a training error of 0
    (to rounding), which a log axis cannot show; it is drawn here and labelled 0."""
    return float(held.min()) / 100


def _degree_figure(theme, x, y, xh, yh, xs, train, held, phone=False):
    """The points beside (on a phone, above) the two errors against the degree."""
    if phone:
        fig = style.new_figure(overlay.PHONE_WIDTH_IN, 6.2)
        left, right = fig.subplots(2, 1)
    else:
        fig = style.new_figure(7.6, 3.4)
        left, right = fig.subplots(1, 2, width_ratios=(1.1, 1))
    left.plot(x, y, "o", color=theme.color("train"), markersize=6.5, zorder=5, label="training points")
    left.plot(xh, yh, "o", color=theme.color("muted"), markersize=3, alpha=0.6, zorder=1,
              label=f"{len(xh)} held-out points")
    lo, hi = min(y.min(), yh.min()), max(y.max(), yh.max())
    pad = 0.25 * (hi - lo)
    left.set(xlim=(xs.min(), xs.max()), ylim=(lo - pad, hi + pad), xlabel="x", ylabel="y")
    left.legend(loc="lower center", frameon=False, fontsize=9)
    degrees = np.array(DEGREES)
    floor = error_floor(held)
    exact = train < floor
    train = np.maximum(train, floor)
    for d in degrees[exact]:
        # below the point: the line comes down into it from above
        right.annotate("0", (d, floor), xytext=(0, -5), textcoords="offset points",
                       ha="center", va="top", fontsize=9, color=theme.color("train"))
    right.plot(degrees, train, "-o", color=theme.color("train"), markersize=4, label="training error")
    right.plot(degrees, held, "--D", color=theme.color("validation"), markersize=4,
               label="held-out error")
    right.set(yscale="log", xlabel="polynomial degree", ylabel="MSE", xticks=degrees,
              xlim=(0.5, degrees[-1] + 0.5))
    right.set_ylim(floor / 4, held.max() * 3)  # room for the "0" under the floor
    right.legend(loc="lower left", frameon=False, fontsize=9)
    return fig, [left, right]


def draw_degree_fits(theme, x, y, xh, yh, xs, curves, train, held) -> overlay.Explorable:
    raw_train, floor = train, error_floor(held)
    train = np.maximum(train, floor)
    degrees = np.array(DEGREES)
    places = overlay.decimals_for(xs.max() - xs.min())
    states = []
    for d, curve, tr, he, raw in zip(degrees, curves, train, held, raw_train):
        states.append({"shapes": [
            {"ax": 0, "t": "line", "c": "fit", "p": overlay.rounded(np.column_stack([xs, curve]),
                                                                    places)},
            {"ax": 1, "t": "dots", "c": "train",
             "p": [int(d), overlay.significant(tr)]},
            {"ax": 1, "t": "dots", "c": "held", "p": [int(d), overlay.significant(he)]}],
            "vals": {"degree": str(d), "train": number(raw) if raw >= floor else "0",
                     "held": number(he)}})
    best = int(np.argmin(held))
    return overlay.Explorable(
        *_degree_figure(theme, x, y, xh, yh, xs, raw_train, held),
        phone=_degree_figure(theme, x, y, xh, yh, xs, raw_train, held, phone=True),
        kind="states", figure="degree", static="overfitting",
        states=states, best=int(degrees[best]),
        # it opens on the static figure's simple model, the parabola
        controls=[{"key": "degree", "n": len(degrees), "default": DEGREES.index(SIMPLE_DEGREE),
                   "labels": [str(d) for d in degrees]}])


declare("overfitting_explore", compute=degree_fits, draw=draw_degree_fits,
        formats=("svg", "phone.svg", "explore.json"),
        alt="The eleven training points and two hundred held-out points in grey, beside the "
            "training and "
            "held-out error of polynomial fits of degree 1 to 10; the page draws the fit of "
            "the chosen degree and marks its two errors.")
