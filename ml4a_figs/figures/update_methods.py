"""Figures of "Momentum and Nesterov": one real update, taken apart into its vectors."""

from __future__ import annotations

import numpy as np

from .. import style
from ..core.losses import ROSENBROCK
from ..core.optim import Nesterov, descend, nesterov_step_vectors
from .registry import declare

# --- nesterov_acceleration -----------------------------------------------------

# A run of Nesterov's method down Rosenbrock's curved valley (it reaches the
# minimum at (1, 1)).  After 3 steps it is on the valley's wall moving fast to
# the right: downhill where it stands is down-left, downhill at the look-ahead
# point is down-right (~75 degrees apart), so the two updates part visibly.
NESTEROV_START = (-0.4, 2.5)
NESTEROV_LR = 0.001
NESTEROV_MOMENTUM = 0.9
NESTEROV_STEP = 3


def nesterov_vs_momentum(start=NESTEROV_START, lr=NESTEROV_LR, momentum=NESTEROV_MOMENTUM,
                         k=NESTEROV_STEP) -> dict:
    """Run Nesterov for k steps, then split the next update from that state (x, z) both ways.

    Both updates start from the same point and velocity, so the only difference
    drawn is where the gradient is taken: at x (momentum) or at the look-ahead
    point (Nesterov).
    """
    surface = ROSENBROCK
    opt = Nesterov(lr, momentum)
    path = descend(surface.grad, start, opt, k)
    x, z = path[-1], opt.z  # where the run is after k steps, and its velocity
    nag = nesterov_step_vectors(surface.grad, x, z, lr, momentum)
    momentum_step = -lr * momentum * z
    gradient_step = -lr * surface.grad(x)  # ordinary momentum: the slope where we are
    classic = {"momentum_step": momentum_step, "gradient_step": gradient_step,
               "step": momentum_step + gradient_step}
    nesterov = {"lookahead": nag.lookahead, "momentum_step": nag.momentum_step,
                "gradient_step": nag.gradient_step, "step": nag.step}

    # a window around every arrow tip, and the loss on it for the contours
    tips = np.array([x, x + classic["momentum_step"], x + classic["gradient_step"],
                     x + classic["step"], nag.lookahead, x + nag.step])
    lo, hi = tips.min(axis=0), tips.max(axis=0)
    pad = 0.3 * (hi - lo).max()
    lo, hi = lo - pad, hi + pad
    # square cells, few of them: the contours stay smooth and the SVG small
    cell = (hi - lo).max() / 36
    gx = np.linspace(lo[0], hi[0], int(np.ceil((hi[0] - lo[0]) / cell)) + 1)
    gy = np.linspace(lo[1], hi[1], int(np.ceil((hi[1] - lo[1]) / cell)) + 1)
    X, Y = np.meshgrid(gx, gy)
    return {"x": x, "path": path, "classic": classic, "nesterov": nesterov,
            "X": X, "Y": Y, "Z": surface(X, Y), "k": k}


def _vector_colours(theme, method: str = "Nesterov"):
    """The momentum step in Momentum's colour, the gradient in plain descent's ink,
    the step actually taken in the colour of the method taking it."""
    return {"momentum": theme.color("Momentum"), "gradient": theme.ink(),
            "step": theme.color(method)}


def draw_nesterov(theme, x, path, classic, nesterov, X, Y, Z, k):
    fig = theme.panel_figure(2, 7.6, 2.8)
    axes = fig.subplots(*theme.panels(2), sharex=True, sharey=True)
    levels = np.geomspace(max(Z.min(), 1e-3), np.percentile(Z, 90), 9)
    lookahead = x + nesterov["momentum_step"]
    pieces = [("Momentum update", "gradient taken where we are", x, classic),
              ("Nesterov update", "gradient taken at the look-ahead point", lookahead, nesterov)]
    for ax, method, (title, subtitle, grad_from, vec) in zip(axes, ("Momentum", "Nesterov"), pieces):
        ax.contour(X, Y, Z, levels=levels, colors=theme.faint(), linewidths=0.7, zorder=0)
        ax.plot(path[:, 0], path[:, 1], "o-", color=theme.color("muted"), markersize=3,
                linewidth=0.8, alpha=0.5, zorder=1)
        colours = _vector_colours(theme, method)
        arrows = [
            (x, vec["momentum_step"], "momentum\nstep", colours["momentum"], 2.0),
            (grad_from, vec["gradient_step"], "gradient\nstep", colours["gradient"], 2.0),
            (x, vec["step"], "actual\nstep", colours["step"], 2.6),
        ]
        segments = [(a, a + d) for a, d, *_ in arrows]
        for start, delta, text, color, width in arrows:
            _arrow(ax, start, start + delta, color, width)
            _label(theme, ax, start, delta, segments, text, color)
        if grad_from is x:
            # the step is the diagonal of the parallelogram the two parts span
            for a, b in ((x + vec["momentum_step"], x + vec["step"]),
                         (x + vec["gradient_step"], x + vec["step"])):
                ax.plot(*np.transpose([a, b]), ":", color=theme.color("muted"), linewidth=1.0)
        else:
            ax.plot(*grad_from, "o", color=colours["gradient"], markersize=6, zorder=5)
            ax.annotate("look-ahead", grad_from, xytext=(-3, 17), textcoords="offset points",
                        fontsize=10, color=theme.ink(), ha="left", va="bottom", zorder=6)
        ax.plot(*x, "o", color=theme.ink(), markersize=7, zorder=5)
        # the subtitle sits in the room the title's padding leaves above the axes
        ax.set_title(title, fontsize=12, pad=20)
        ax.annotate(subtitle, (0.5, 1), xycoords="axes fraction", xytext=(0, 4),
                    textcoords="offset points", ha="center", va="bottom", fontsize=10,
                    color=theme.ink())
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlim(X.min(), X.max())
        ax.set_ylim(Y.min(), Y.max())
    fig.supxlabel(f"Both from the same point and velocity: step {k + 1} of a Nesterov run on"
                  f"{theme.phone_break()}Rosenbrock's valley (grey: the steps so far)",
                  fontsize=10, color=theme.ink())
    return fig


def _arrow(ax, start, end, color, width=2.0):
    ax.annotate("", xy=end, xytext=start, zorder=4,
                arrowprops={"arrowstyle": "-|>,head_length=0.6,head_width=0.3",
                            "color": color, "linewidth": width, "shrinkA": 0, "shrinkB": 0})


def _label(theme, ax, start, delta, segments, text, color, offset=11):
    """Text beside an arrow's middle, on the side farther from the other arrows."""
    mid = start + 0.5 * delta
    normal = np.array([-delta[1], delta[0]]) / (np.hypot(*delta) or 1.0)
    reach = 0.25 * np.hypot(*delta)
    others = [(a, b) for a, b in segments
              if not (np.allclose(a, start) and np.allclose(b, start + delta))]
    clearance = [min(_distance(mid + side * reach * normal, a, b) for a, b in others)
                 for side in (1, -1)]
    if clearance[1] > clearance[0]:
        normal = -normal
    ha = "left" if normal[0] > 0.3 else "right" if normal[0] < -0.3 else "center"
    va = "bottom" if normal[1] > 0.3 else "top" if normal[1] < -0.3 else "center"
    ax.annotate(text, mid, xytext=offset * normal, textcoords="offset points", fontsize=10,
                color=color, ha=ha, va=va, zorder=6,
                bbox={"boxstyle": "round,pad=0.1", "facecolor": theme.paper(), "edgecolor": "none",
                      "alpha": 0.85})


def _distance(p, a, b):
    """Distance from point p to the segment a-b."""
    ab = b - a
    t = np.clip(np.dot(p - a, ab) / max(np.dot(ab, ab), 1e-300), 0.0, 1.0)
    return float(np.hypot(*(p - (a + t * ab))))


declare("nesterov_acceleration", compute=nesterov_vs_momentum, draw=draw_nesterov,
        formats=("svg",), phone=True,
        alt="Two panels over the contour lines of a curved valley, both starting from the same "
            "point and velocity. Left, the momentum update: a momentum step and a gradient step "
            "taken at the current point are added into the actual step. Right, the Nesterov "
            "update: the momentum step leads to a look-ahead point, the gradient step is taken "
            "there, and the actual step goes from the start to its end.")
