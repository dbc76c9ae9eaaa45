"""Figures of "Gradient descent" and "Applying gradient descent to neural nets":
descent on the line-fitting MSE, the learning rate, a non-convex loss, and
batch / mini-batch / stochastic paths. Every path here comes from optim.py."""

from __future__ import annotations

import numpy as np
from matplotlib import patheffects
from matplotlib.colors import LogNorm
from matplotlib.ticker import MultipleLocator

from .. import style
from ..core import data, losses, optim
from .registry import declare
from .linear_regression import draw_mse_contours, line_label, mse_landscape, point_label

# --- lin_reg_mse_gradientdescent --------------------------------------------------

# A poor guess (a falling line through rising points) a little off the valley
# floor: the first steps zig-zag across the narrow valley, the rest walk along it.
GD_START = (-1.2, 5.5)
GD_LR = 0.06
GD_STEPS = 2000
# Steps whose lines are drawn faintly over the points (the last step is drawn boldly).
GD_SHOWN_STEPS = (0, 100, 250)


def mse_descent_path(start=GD_START, lr=GD_LR, steps=GD_STEPS) -> dict:
    """Plain gradient descent on the seven points' MSE, with the analytic gradient,
    and the landscape it runs on. Reusable by an animation of the same descent."""
    x, y = data.seven_points()
    path = optim.descend(lambda p: losses.mse_grad(p[0], p[1], x, y), start,
                         optim.SGD(lr=lr), steps)
    return {**mse_landscape(), "path": path, "lr": lr,
            "path_mse": losses.mse(path[:, 0], path[:, 1], x, y)}


def descent_and_fit() -> dict:
    land = mse_descent_path()
    x, y = data.seven_points()
    line_x = np.array([x.min() - 0.4, x.max() + 0.4])
    shown = np.array(GD_SHOWN_STEPS + (GD_STEPS,))
    params = land["path"][shown]
    return {**land, "x": x, "y": y, "line_x": line_x, "shown": shown,
            "line_y": np.array([m * line_x + b for m, b in params])}


def draw_descent_and_fit(theme, M, B, Z, levels, best, best_mse, path, lr, path_mse,
                         x, y, line_x, line_y, shown):
    fig = theme.panel_figure(2, 7.6, 3.6)
    rows, cols = theme.panels(2)
    left, right = fig.subplots(rows, cols, **({"width_ratios": (1.05, 1)} if cols == 2 else {}))
    # the contour values are labelled in lin_reg_mse; here the path has the stage
    draw_mse_contours(theme, left, M, B, Z, levels, best, label_levels=False)
    outline = [patheffects.withStroke(linewidth=3.2, foreground=theme.paper())]
    left.plot(path[:, 0], path[:, 1], color=theme.color("highlight"), linewidth=1.6,
              path_effects=outline, zorder=4)
    left.plot(path[shown, 0], path[shown, 1], "o", color=theme.color("highlight"), markersize=4.5,
              markeredgecolor=theme.paper(), markeredgewidth=0.8, zorder=6)
    left.annotate(f"start {point_label(*path[0], places=1)}", path[0], xytext=(-8, 10),
                  textcoords="offset points", fontsize=10, ha="left",
                  bbox={"boxstyle": "round,pad=0.25", "fc": theme.paper(), "ec": "none"})
    steps = len(path) - 1
    left.annotate("least squares", best, xytext=(14, -16), textcoords="offset points",
                  fontsize=10, va="top", bbox={"boxstyle": "round,pad=0.25", "fc": theme.paper(),
                                               "ec": "none"})
    left.set_title(f"Gradient descent: α = {lr:g}, {steps:,} steps", fontsize=11)

    right.plot(x, y, "o", color=theme.color("data"), markersize=7, zorder=5)
    labels = [f"step {step:,}" for step in shown]
    ylim = (y.min() - 0.6, y.max() + 0.6)
    for k, label in enumerate(labels):
        final = k == len(labels) - 1
        right.plot(line_x, line_y[k], color=theme.color("fit"), alpha=1.0 if final else 0.25 + 0.2 * k,
                   linewidth=2.8 if final else 1.4)
        # each line's step written just above the end of it farther from the other
        # lines (the final one below its left end)
        end = 0 if final else _clearer_end(line_y, k, ylim)
        # at the right end the words run back along the line: below it if it falls
        below = final or (end == -1 and line_y[k][-1] < line_y[k][0])
        right.annotate(label, (line_x[end], line_y[k][end]),
                       xytext=(4 if end == 0 else -4, -6 if below else 4),
                       textcoords="offset points", ha="left" if end == 0 else "right",
                       va="top" if below else "bottom",
                       fontsize=10, color=theme.color("fit") if final else theme.color("muted"))
    right.set(xlabel="x", ylabel="y", xlim=tuple(line_x), ylim=ylim)
    right.yaxis.set_major_locator(MultipleLocator(0.5))
    right.text(0.98, 0.97, f"MSE {path_mse[0]:.3f} → {path_mse[-1]:.3f}",
               transform=right.transAxes, ha="right", va="top", fontsize=10)
    right.set_title(f"{line_label(*np.round(path[-1], 3))} after {steps:,} steps", fontsize=11)
    return fig


def _clearer_end(line_y, k, ylim) -> int:
    """0 (left) or -1 (right): the end of line k inside the plot that is farther from
    every other line there, so its label crosses none of them."""
    def room(end):
        here = line_y[k][end]
        if not ylim[0] < here < ylim[1]:
            return -np.inf
        return min(abs(here - other[end]) for j, other in enumerate(line_y) if j != k)
    return 0 if room(0) >= room(-1) else -1


declare("lin_reg_mse_gradientdescent", compute=descent_and_fit, draw=draw_descent_and_fit,
        formats=("webp",), phone=True,
        alt="Left: log-spaced contours of the mean squared error over slope m and intercept b, "
            "with the path of gradient descent (learning rate 0.06) from the guess m = -1.2, "
            "b = 5.5: a few small zig-zags across the narrow valley, then a long straight walk "
            "along its floor to the least-squares point m = 0.336, b = 0.805. Right: the seven "
            "points with the lines at steps 0, 100 and 250 drawn faintly, a falling line that "
            "swings round until it rises through the points, and the final line after 2,000 "
            "steps, f(x) = 0.336x + 0.805, drawn boldly; the MSE falls from 2.302 to 0.018.")

# --- learning_rate -------------------------------------------------------------------

# One slice of the same MSE: the slope m alone, the intercept held at its best
# value. It is a parabola J(m) with curvature 2 mean(x²) ≈ 27.3, so a step size
# above 2 / 27.3 ≈ 0.073 lands each step farther from the bottom than the last.
LR_RATES = (0.001, 0.02, 0.075)
LR_VERDICTS = ("too small", "about right", "too large")
LR_STEPS = 20
LR_START_OFFSET = -0.5  # start half a unit of slope left of the best slope


def learning_rate_paths(rates=LR_RATES, steps=LR_STEPS) -> dict:
    """Gradient descent on J(m) = MSE(m, b*) from one start with three step sizes."""
    x, y = data.seven_points()
    m_best, b_best = losses.least_squares(x, y)
    grad = lambda p: losses.mse_grad(p[0], b_best, x, y)[:1]  # noqa: E731
    start = [m_best + LR_START_OFFSET]
    paths = np.array([optim.descend(grad, start, optim.SGD(lr=lr), steps)[:, 0]
                      for lr in rates])
    path_loss = losses.mse(paths, b_best, x, y)
    # the parabola only as high as the paths go: where J(m) <= top
    top = 1.15 * float(path_loss.max())
    curvature = 2.0 * float(np.mean(x**2))
    half_width = np.sqrt(2.0 * (top - losses.mse(m_best, b_best, x, y)) / curvature)
    m = np.linspace(m_best - half_width, m_best + half_width, 51)
    return {"rates": np.array(rates), "paths": paths, "path_loss": path_loss, "top": top,
            "m": m, "loss": losses.mse(m, b_best, x, y), "m_best": m_best, "b_best": b_best}


def draw_learning_rates(theme, rates, paths, path_loss, top, m, loss, m_best, b_best):
    fig = theme.panel_figure(len(rates), 7.6, 3.4)
    axes = fig.subplots(*theme.panels(len(rates)), sharey=True)
    for ax, lr, verdict, ms, js in zip(axes, rates, LR_VERDICTS, paths, path_loss):
        ax.plot(m, loss, color=theme.color("muted"), linewidth=1.5, zorder=1)
        ax.plot(ms, js, "-o", color=theme.color("highlight"), linewidth=1.0, markersize=4, zorder=2)
        ax.plot(ms[0], js[0], "o", color=theme.ink(), markersize=7, zorder=4)
        ax.plot(ms[-1], js[-1], "s", color=theme.color("highlight"), markersize=6,
                markeredgecolor=theme.ink(), zorder=4)
        ax.axvline(m_best, color=theme.ink(), linewidth=0.8, linestyle=":", zorder=0)
        ax.set(xlabel="m (slope)", ylim=(0, top), xlim=(m.min(), m.max()))
        ax.set_title(f"α = {lr:g}: {verdict}\nMSE {js[0]:.2f} → {js[-1]:.2f}", fontsize=11)
    axes[0].set_ylabel(f"MSE (b fixed at {b_best:.3f})")
    fig.suptitle(f"{paths.shape[1] - 1} steps of gradient descent from the same start (●)"
                 f"{theme.phone_break()}to the last step (■)", fontsize=11)
    return fig


declare("learning_rate", compute=learning_rate_paths, draw=draw_learning_rates,
        formats=("svg",), phone=True,
        alt="Three panels, each the same parabola: the mean squared error of the seven points "
            "as a function of the slope m, with the intercept fixed at its best value. Twenty "
            "steps of gradient descent start at the same point left of the bottom. With learning "
            "rate 0.001 the steps are tiny and the last one is still far from the bottom. With "
            "0.02 the steps reach the bottom within a few steps. With 0.075 every step jumps to "
            "the other side of the bottom and lands a little higher, so the path bounces from "
            "side to side and climbs up the parabola.")

# --- non_convex_function -----------------------------------------------------------


# Loss levels of the contour maps: log-spaced, so the shallow local valley
# (loss ~0.009) and the global one (loss 0) read as two separate basins.
SMALL_NET_LEVELS = np.geomspace(1e-3, 1.0, 13)


def small_net_landscape(n: int = 161) -> dict:
    """The tiny sigmoid net's loss over its two input weights, with its known
    critical points (checked here: the gradient vanishes at each of them)."""
    net = losses.SMALL_NET
    xmin, xmax, ymin, ymax = net.extent
    W1, W2 = np.meshgrid(np.linspace(xmin, xmax, n), np.linspace(ymin, ymax, n))
    points = np.array(net.minima + net.saddles)
    for p in points:
        assert np.linalg.norm(net.grad(p)) < 1e-6, f"{p} is not a critical point"
    return {"W1": W1, "W2": W2, "L": net(W1, W2), "levels": SMALL_NET_LEVELS,
            "global_min": points[0], "local_min": points[1], "saddle": points[2],
            "critical_loss": np.array([net.at(p) for p in points])}


def non_convex_surface() -> dict:
    fine = small_net_landscape()
    coarse = small_net_landscape(n=46)
    return {**fine, "W1c": coarse["W1"], "W2c": coarse["W2"], "Lc": coarse["L"]}


# where the three critical points are drawn: marker, size, name
CRITICAL_MARKERS = (("*", 16, "global minimum"), ("o", 9, "local minimum"), ("X", 10, "saddle point"))


def draw_critical_points(theme, ax, points, point_loss, z=None):
    for p, value, (marker, size, name) in zip(points, point_loss, CRITICAL_MARKERS):
        coords = (p[0], p[1]) if z is None else (p[0], p[1], value + z)
        ax.plot(*coords, marker=marker, markersize=size, color=theme.paper(),
                markeredgecolor=theme.ink(), markeredgewidth=1.2, linestyle="none", zorder=10,
                label=f"{name}, loss {value:.3f}")


def draw_loss_contours(theme, ax, W1, W2, L, levels):
    """Filled log-spaced contours of the tiny net's loss (below the lowest level: darkest)."""
    ax.contourf(W1, W2, L, levels=levels, cmap=style.SURFACE_CMAP,
                norm=LogNorm(levels[0], levels[-1]), extend="both")
    ax.set_aspect("equal")


def draw_non_convex(theme, W1, W2, L, levels, global_min, local_min, saddle, critical_loss,
                    W1c, W2c, Lc):
    fig = theme.panel_figure(2, 7.6, 3.7)
    fig.get_layout_engine().set(wspace=0.1)
    rows, cols = theme.panels(2)
    grid = fig.add_gridspec(rows, cols, **({"width_ratios": (1.15, 1)} if cols == 2 else {}))
    points = (global_min, local_min, saddle)

    ax3 = fig.add_subplot(grid[0], projection="3d")
    ax3.plot_surface(W1c, W2c, Lc, cmap=style.SURFACE_CMAP, rstride=1, cstride=1,
                     norm=LogNorm(levels[0], levels[-1]), linewidth=0, antialiased=False)
    draw_critical_points(theme, ax3, points, critical_loss, z=0.02)  # lifted just above the surface
    ax3.set_xlabel("weight w₁", labelpad=0)
    ax3.set_ylabel("weight w₂", labelpad=0)
    ax3.set_zlabel("loss", labelpad=-1)
    ax3.set(xticks=[-4, -2, 0, 2, 4], yticks=[-4, -2, 0, 2, 4], zticks=[0, 0.5, 1])
    ax3.tick_params(labelsize=10, pad=-1)
    ax3.view_init(elev=38, azim=-50)
    for axis in (ax3.xaxis, ax3.yaxis, ax3.zaxis):
        axis.set_pane_color((1.0, 1.0, 1.0, 0.0))
    ax3.set_box_aspect(None, zoom=0.88)

    ax = fig.add_subplot(grid[1])
    draw_loss_contours(theme, ax, W1, W2, L, levels)
    draw_critical_points(theme, ax, points, critical_loss)
    ax.set(xlabel="weight w₁", ylabel="weight w₂")
    fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center",
               ncols=1 if theme.phone else 3,
               fontsize=10, frameon=False, handletextpad=0.3, columnspacing=1.2)
    return fig


declare("non_convex_function", compute=non_convex_surface, draw=draw_non_convex,
        formats=("webp",), phone=True,
        alt="Left: a 3-D surface of the loss of a small sigmoid network over two of its weights, "
            "w1 from -4 to 5 and w2 from -4 to 4: high plateaus and two separate low valleys, "
            "not a single bowl. Right: the same surface as filled contours spaced "
            "logarithmically. A star marks the "
            "global minimum at w1 = 3, w2 = -2 (loss 0), a circle the local minimum near "
            "w1 = -0.96, w2 = 2.86 (loss 0.009), and a cross the saddle point between them near "
            "w1 = 0.11, w2 = 0 (loss 0.085).")

# --- bumpy_gradient_descent ----------------------------------------------------------

# Plain gradient descent from eight starting points: the first four roll into the
# global minimum, the last four into the local one (checked in compute).
BUMPY_STARTS = ((2.0, -3.0), (4.0, 0.0), (0.0, -3.0), (0.5, -0.5),
                (-2.0, 3.0), (-3.0, 1.0), (1.0, 3.0), (-0.5, 0.5))
BUMPY_LR = 2.0
BUMPY_STEPS = 3000


def bumpy_descents(starts=BUMPY_STARTS, lr=BUMPY_LR, steps=BUMPY_STEPS) -> dict:
    """Descend from each start and record which known minimum each path ends in."""
    net = losses.SMALL_NET
    paths = np.array([optim.descend(net.grad, s, optim.SGD(lr=lr), steps) for s in starts])
    minima = np.array(net.minima)
    ends = paths[:, -1]
    reached = np.argmin(np.linalg.norm(ends[:, None] - minima[None], axis=-1), axis=1)
    land = small_net_landscape()
    return {"W1": land["W1"], "W2": land["W2"], "L": land["L"], "levels": land["levels"],
            "paths": paths, "reached": reached, "minima": minima, "lr": lr,
            "minima_loss": np.array([net.at(p) for p in minima]),
            "end_loss": np.array([net.at(p) for p in ends])}


REACHED_NAMES = ("global minimum", "local minimum")


def draw_bumpy(theme, W1, W2, L, levels, paths, reached, minima, lr, minima_loss, end_loss):
    fig = style.new_figure(6.4, 4.6)
    ax = fig.add_subplot()
    draw_loss_contours(theme, ax, W1, W2, L, levels)
    outline = [patheffects.withStroke(linewidth=3.6, foreground=theme.paper())]
    # paths by the minimum they reach: the global one in plain descent's ink, the
    # local trap in the highlight colour
    reached_colours = (theme.ink(), theme.color("highlight"))
    for path, k in zip(paths, reached):
        ax.plot(path[:, 0], path[:, 1], color=reached_colours[k], linewidth=2.0,
                path_effects=outline, zorder=4)
        ax.plot(*path[0], "o", color=reached_colours[k], markersize=8,
                markeredgecolor=theme.paper(), markeredgewidth=1.2, zorder=5)
    for k, (p, value) in enumerate(zip(minima, minima_loss)):
        marker, size, _ = CRITICAL_MARKERS[k]
        n = int(np.sum(reached == k))
        ax.plot(*p, marker=marker, markersize=size, color=theme.paper(), linestyle="none",
                markeredgecolor=theme.ink(), markeredgewidth=1.2, zorder=6)
        ax.plot([], [], color=reached_colours[k], linewidth=2.0, marker="o",
                label=f"{n} starts → {REACHED_NAMES[k]} (loss {value:.3f})")
    ax.set(xlabel="weight w₁", ylabel="weight w₂")  # named as in non_convex_function
    ax.set_title(f"Gradient descent from {len(paths)} starts (●): "
                 f"α = {lr:g}, {paths.shape[1] - 1:,} steps", fontsize=11)
    fig.legend(loc="outside lower center", ncols=1, fontsize=10, frameon=False)
    return fig


declare("bumpy_gradient_descent", compute=bumpy_descents, draw=draw_bumpy, formats=("webp",),
        alt="Contour map of the small sigmoid network's loss over two weights, w1 and w2, "
            "with eight gradient-descent paths drawn on it, each from a dot marking its "
            "start. The four paths starting at or below w2 = 0 roll into the global "
            "minimum (a star at w1 = 3, w2 = -2, loss 0); the four starting above it "
            "roll into a different valley and stop in the local minimum (a circle near "
            "w1 = -1, w2 = 2.9, loss 0.009).")

# --- batch_modes -----------------------------------------------------------------------

# A bigger line-fitting problem than the seven points, so one sample's gradient
# can differ visibly from the average: 100 noisy points around y = 0.8 x + 0.5.
BATCH_N = 100
BATCH_SEED = 1
BATCH_TRUE_LINE = (0.8, 0.5)
BATCH_NOISE = 0.3
BATCH_START = (-1.0, 1.5)
BATCH_LR = 0.15
# Every mode takes the same number of updates (100) and so sees the data a
# different number of times: batch 100 epochs, mini-batch 10, stochastic 1.
BATCH_MODES = (("batch", BATCH_N, 100), ("mini-batch", 10, 10), ("stochastic", 1, 1))
BATCH_WIDTH = {"batch": 2.2, "mini-batch": 1.4, "stochastic": 1.2}


def noisy_line_points(n=BATCH_N, seed=BATCH_SEED):
    """n points with x uniform on [0, 2] and y on the line plus gaussian noise (seeded)."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.0, 2.0, n)
    m, b = BATCH_TRUE_LINE
    return x, m * x + b + BATCH_NOISE * rng.standard_normal(n)


def batch_mode_paths(n_grid: int = 51) -> dict:
    """The same descent with three batch sizes, via optim.minibatch_descend."""
    x, y = noisy_line_points()
    grad = lambda p, xb, yb: losses.mse_grad(p[0], p[1], xb, yb)  # noqa: E731
    paths = {name: optim.minibatch_descend(grad, BATCH_START, optim.SGD(lr=BATCH_LR), x, y,
                                           batch_size=size, epochs=epochs, seed=BATCH_SEED)
             for name, size, epochs in BATCH_MODES}
    best = np.array(losses.least_squares(x, y))
    lo = np.minimum(best, np.min([p.min(axis=0) for p in paths.values()], axis=0)) - 0.3
    hi = np.maximum(best, np.max([p.max(axis=0) for p in paths.values()], axis=0)) + 0.3
    M, B = np.meshgrid(np.linspace(lo[0], hi[0], n_grid), np.linspace(lo[1], hi[1], n_grid))
    Z = losses.mse(M, B, x, y)
    levels = np.geomspace(Z.min() * 1.3, Z.max(), 7)  # few lines: the paths are the subject
    return {"M": M, "B": B, "Z": Z, "levels": levels, "best": best, "lr": BATCH_LR, "n": len(x),
            "names": [name for name, _, _ in BATCH_MODES],
            "batch_sizes": np.array([size for _, size, _ in BATCH_MODES]),
            "epochs": np.array([epochs for _, _, epochs in BATCH_MODES]),
            "paths": [paths[name] for name, _, _ in BATCH_MODES]}


def draw_batch_modes(theme, M, B, Z, levels, best, lr, n, names, batch_sizes, epochs, paths):
    fig = style.new_figure(5.3, 4.6)
    ax = fig.add_subplot()
    ax.contour(M, B, Z, levels=levels, cmap=theme.contour_cmap(),
               norm=LogNorm(levels[0], levels[-1]), linewidths=0.9)
    for name, size, ep, path in zip(names, batch_sizes, epochs, paths):
        plural = lambda k, word: f"{k} {word}{'s' if k > 1 else ''}"  # noqa: E731
        label = f"{name}: {plural(size, 'sample')} per step, {plural(ep, 'epoch')}"
        ax.plot(path[:, 0], path[:, 1], **theme.line(name), linewidth=BATCH_WIDTH[name], label=label)
    ax.plot(*paths[0][0], "o", color=theme.ink(), markersize=7, zorder=5)
    ax.plot(*best, marker="*", markersize=15, color=theme.paper(), markeredgecolor=theme.ink(),
            markeredgewidth=1.0, linestyle="none", zorder=6, label="least squares")
    ax.set(xlabel="m (slope)", ylabel="b (intercept)")
    ax.set_title(f"{len(paths[0]) - 1} steps each, α = {lr:g}, on {n} points", fontsize=11)
    fig.legend(loc="outside lower center", ncols=1, fontsize=10, frameon=False)
    return fig


declare("batch_modes", compute=batch_mode_paths, draw=draw_batch_modes, formats=("svg",),
        alt="Contour lines of the mean squared error of a line fitted to 100 noisy points, over "
            "slope m and intercept b, with three descent paths from the same start, 100 steps "
            "each. Batch gradient descent, which uses all 100 points per step, follows a smooth "
            "curve to the least-squares star. Mini-batch descent with 10 points per step wobbles "
            "around that curve. Stochastic descent with one point per step zig-zags erratically "
            "and after its single pass is in the region of the star, but still some way off.")
