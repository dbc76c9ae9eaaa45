"""Figures of "Linear regression": the seven points, lines tried through them,
their errors, and the mean squared error as a landscape over (m, b)."""

from __future__ import annotations

import numpy as np
from matplotlib.colors import LogNorm

from .. import style
from ..core import data, losses
from .registry import declare

# The window the chapter draws the MSE in: -2 <= m <= 4, -6 <= b <= 8.
MSE_M_RANGE = (-2.0, 4.0)
MSE_B_RANGE = (-6.0, 8.0)
# Contour levels per factor of ten of the MSE (logarithmically spaced heights).
LEVELS_PER_DECADE = 2
MINUS = "\u2212"


def line_label(m: float, b: float) -> str:
    """'f(x) = −0.11x + 2.5', written the way the chapter writes its lines."""
    sign = MINUS if b < 0 else "+"
    return f"f(x) = {m:g}x {sign} {abs(b):g}".replace("-", MINUS)


def point_label(m: float, b: float, places: int = 3) -> str:
    return f"({m:.{places}f}, {b:.{places}f})".replace("-", MINUS)


def _data_window(x: np.ndarray, y: np.ndarray) -> tuple[tuple, tuple]:
    """The same x and y limits for every picture of the seven points."""
    return (x.min() - 0.4, x.max() + 0.4), (y.min() - 0.35, y.max() + 0.35)


def mse_landscape(n: int = 161) -> dict:
    """The MSE of every line y = m x + b over the chapter's (m, b) window, its
    least-squares minimum and log-spaced contour levels from the minimum up."""
    x, y = data.seven_points()
    m = np.linspace(*MSE_M_RANGE, n)
    b = np.linspace(*MSE_B_RANGE, n)
    M, B = np.meshgrid(m, b)
    Z = losses.mse(M, B, x, y)
    m_best, b_best = losses.least_squares(x, y)
    lo, hi = np.log10(Z.min()), np.log10(Z.max())
    steps = np.arange(np.floor(lo * LEVELS_PER_DECADE), np.ceil(hi * LEVELS_PER_DECADE) + 1)
    levels = 10.0 ** (steps / LEVELS_PER_DECADE)
    return {"M": M, "B": B, "Z": Z, "levels": levels,
            "best": np.array([m_best, b_best]), "best_mse": losses.mse(m_best, b_best, x, y)}


def draw_mse_contours(theme, ax, M, B, Z, levels, best, label_levels=True):
    """Filled log-spaced contours of the MSE, every power of ten labelled, and the
    least-squares point marked with a star."""
    norm = LogNorm(levels[0], levels[-1])
    ax.contourf(M, B, Z, levels=levels, cmap=style.SURFACE_CMAP, norm=norm)
    # the fills already show every level; only the powers of ten get a line and a label
    decades = [v for v in levels if abs(np.log10(v) - round(np.log10(v))) < 1e-9]
    lines = ax.contour(M, B, Z, levels=decades, colors="white", linewidths=0.6, alpha=0.8)
    if label_levels:
        ax.clabel(lines, fmt=lambda v: f"{v:g}", fontsize=10, inline_spacing=3,
                  manual=_label_spots(lines, best, M, B))
    ax.plot(*best, marker="*", markersize=15, color=theme.paper(), markeredgecolor=theme.ink(),
            markeredgewidth=1.0, linestyle="none", zorder=5)
    ax.set(xlabel="m (slope)", ylabel="b (intercept)",
           xlim=(M.min(), M.max()), ylim=(B.min(), B.max()))


def _label_spots(lines, best, M, B) -> list:
    """One spot per labelled contour, on its upper-left flank halfway out from the
    minimum: clear of the star (clabel's own choice put a label under it) and of the
    ovals' tight tips."""
    span = np.array([np.ptp(M), np.ptp(B)])
    spots = []
    for segs in lines.allsegs:
        pts = np.vstack([s for s in segs if len(s)]) if any(len(s) for s in segs) else None
        if pts is None:
            continue
        dist = np.linalg.norm((pts - best) / span, axis=1)
        if dist.max() < 0.15:  # an oval too small to carry a label beside the star
            continue
        side = pts[:, 0] < best[0]
        k = np.argmin(np.abs(dist - 0.55 * dist.max()) + 10 * ~side)
        spots.append(tuple(pts[k]))
    return spots


# --- lin_reg_scatter -----------------------------------------------------------


def scatter_points() -> dict:
    x, y = data.seven_points()
    xlim, ylim = _data_window(x, y)
    return {"x": x, "y": y, "xlim": xlim, "ylim": ylim}


def draw_scatter(theme, x, y, xlim, ylim):
    fig = style.new_figure(5.2, 3.4)
    ax = fig.add_subplot()
    ax.scatter(x, y, s=60, color=theme.color("data"), zorder=3)
    ax.set(xlabel="x", ylabel="y", xlim=xlim, ylim=ylim)
    ax.grid(alpha=0.3)
    return fig


declare("lin_reg_scatter", compute=scatter_points, draw=draw_scatter, formats=("svg",),
        alt="A scatterplot of seven points with x from 2.4 to 5.0 and y from 1.7 to 2.7, "
            "rising from left to right.")

# --- lin_reg_randomtries ----------------------------------------------------------


def candidate_fits() -> dict:
    """The chapter's three candidate lines, each scored by the MSE the prose quotes."""
    x, y = data.seven_points()
    xlim, ylim = _data_window(x, y)
    line_x = np.array(xlim)
    lines = np.array(data.CANDIDATE_LINES, dtype=float)
    return {"x": x, "y": y, "xlim": xlim, "ylim": ylim, "lines": lines, "line_x": line_x,
            "line_y": np.array([m * line_x + b for m, b in lines]),
            "mse": np.array([losses.mse(m, b, x, y) for m, b in lines])}


def draw_candidates(theme, x, y, xlim, ylim, lines, line_x, line_y, mse):
    fig = theme.panel_figure(len(lines), 7.6, 3.0)
    axes = fig.subplots(*theme.panels(len(lines)), sharey=True)
    for k, (ax, (m, b)) in enumerate(zip(axes, lines)):
        ax.plot(line_x, line_y[k], color=theme.color("fit"))
        ax.scatter(x, y, s=40, color=theme.color("data"), zorder=3)
        ax.set(xlim=xlim, ylim=ylim, xlabel="x")
        ax.set_title(f"{line_label(m, b)}\nMSE = {mse[k]:.3f}", fontsize=11)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("y")
    return fig


declare("lin_reg_randomtries", compute=candidate_fits, draw=draw_candidates, formats=("svg",), phone=True,
        alt="Three panels, each with the seven points and one candidate line. Left: "
            "f(x) = -0.4x + 3.6, falling while the points rise, MSE 0.405. Middle: "
            "f(x) = -0.11x + 2.5, nearly flat, MSE 0.160. Right: f(x) = 0.3x + 0.9, rising "
            "through the points, MSE 0.020.")

# --- lin_reg_error -----------------------------------------------------------------


def example_line_errors() -> dict:
    """The example line's prediction at each point: the residual bars to draw."""
    x, y = data.seven_points()
    m, b = data.EXAMPLE_LINE
    xlim, ylim = _data_window(x, y)
    line_x = np.array(xlim)
    return {"x": x, "y": y, "predicted": m * x + b, "line": np.array([m, b]),
            "line_x": line_x, "line_y": m * line_x + b, "xlim": xlim, "ylim": ylim}


def draw_errors(theme, x, y, predicted, line, line_x, line_y, xlim, ylim):
    fig = style.new_figure(5.2, 3.6)
    ax = fig.add_subplot()
    # the line in black so the red residual bars stand apart from it
    ax.plot(line_x, line_y, color=theme.ink(), label=line_label(*line))
    ax.vlines(x, predicted, y, colors=theme.color("fit"), linestyles="dashed", linewidth=1.8,
              label="error  yᵢ − f(xᵢ)")
    ax.scatter(x, y, s=60, color=theme.color("data"), zorder=3, label="data (xᵢ, yᵢ)")
    ax.set(xlabel="x", ylabel="y", xlim=xlim, ylim=ylim)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", frameon=False)
    return fig


declare("lin_reg_error", compute=example_line_errors, draw=draw_errors, formats=("svg",),
        alt="The seven points with the nearly flat line f(x) = -0.11x + 2.5. A red dashed "
            "vertical segment joins each point to the line: five points lie below the line, "
            "one just above it, and the last point, on the right, lies farthest away, above it.")

# --- lin_reg_mse -------------------------------------------------------------------


def mse_surface() -> dict:
    """The landscape, plus a coarser copy of it for the 3-D view (a few thousand
    facets are enough for a smooth bowl and keep the file small)."""
    fine = mse_landscape()
    coarse = mse_landscape(n=36)
    return {**fine, "M3": coarse["M"], "B3": coarse["B"], "Z3": coarse["Z"]}


def draw_mse_surface(theme, M, B, Z, levels, best, best_mse, M3, B3, Z3):
    fig = theme.panel_figure(2, 7.6, 3.7)
    rows, cols = theme.panels(2)
    grid = fig.add_gridspec(rows, cols, **({"width_ratios": (1.15, 1)} if cols == 2 else {}))
    ax3 = fig.add_subplot(grid[0], projection="3d")
    ax3.plot_surface(M3, B3, Z3, cmap=style.SURFACE_CMAP, norm=LogNorm(levels[0], levels[-1]),
                     rstride=1, cstride=1, linewidth=0, antialiased=False)
    ax3.set_xlabel("m (slope)", labelpad=0)
    ax3.set_ylabel("b (intercept)", labelpad=0)
    ax3.set_zlabel("MSE", labelpad=1)
    ax3.set(xticks=[-2, 0, 2, 4], yticks=[-6, -2, 2, 6], zticks=[0, 200, 400])
    ax3.tick_params(labelsize=10, pad=-1)
    ax3.view_init(elev=25, azim=-62)
    for axis in (ax3.xaxis, ax3.yaxis, ax3.zaxis):
        axis.set_pane_color((1.0, 1.0, 1.0, 0.0))
    ax3.set_box_aspect(None, zoom=0.92)
    ax3.set_title("MSE of f(x) = mx + b over (m, b)", fontsize=11)

    ax = fig.add_subplot(grid[1])
    draw_mse_contours(theme, ax, M, B, Z, levels, best)
    ax.set_title("The same, as log-spaced contours", fontsize=11)
    ax.annotate(f"least squares\n{point_label(*best)}\nMSE = {best_mse:.3f}", best,
                xytext=(40, 50), textcoords="offset points", fontsize=10,
                bbox={"boxstyle": "round,pad=0.3", "fc": theme.paper(), "ec": "none", "alpha": 0.9},
                arrowprops={"arrowstyle": "-", "color": "white", "lw": 1.0})
    return fig


declare("lin_reg_mse", compute=mse_surface, draw=draw_mse_surface, formats=("webp",), phone=True,
        alt="Left: the mean squared error over slope m from -2 to 4 and intercept b from -6 "
            "to 8 drawn as a 3-D surface, a long, narrow, straight trough rising steeply on both sides. "
            "Right: the same function as filled contours spaced logarithmically; the contours "
            "are long thin ovals running diagonally from upper left to lower right, and a star "
            "marks the least-squares minimum at m = 0.336, b = 0.805.")
