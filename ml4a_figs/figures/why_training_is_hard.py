"""Figures of "Why training is hard": one weight moves every output, and the
number of guesses explodes with the number of weights."""

from __future__ import annotations

import numpy as np

from .. import style
from ..core.nn import MLP
from .registry import declare
from .diagrams import draw_network

# The chapter's MNIST network: 784 inputs, 15 hidden neurons, 10 outputs.
MNIST_SIZES = (784, 15, 10)

# --- connection_tweak --------------------------------------------------------

TWEAK_SIZES = (4, 5, 5, 3)
TWEAK_WEIGHT = (0, 1, 2)  # first layer, from input neuron 1 to hidden neuron 2
TWEAK_DELTA = 0.5


def weight_tweak_effect(seed: int = 3) -> dict:
    """Nudge one first-layer weight and measure how much every neuron changes."""
    net = MLP(TWEAK_SIZES, activation="sigmoid", seed=seed)
    x = np.random.default_rng(seed).uniform(0.0, 1.0, size=(1, TWEAK_SIZES[0]))
    before = net.activations(x)
    layer, i, j = TWEAK_WEIGHT
    net.params[2 * layer][i, j] += TWEAK_DELTA
    after = net.activations(x)
    change = [np.abs(a - b)[0] for a, b in zip(after, before)]
    return {"sizes": TWEAK_SIZES, "weight": TWEAK_WEIGHT, "change": change}


def draw_weight_tweak(theme, sizes, weight, change):
    fig = style.new_figure(6.4, 3.4)
    ax = fig.add_subplot()
    layer, i, j = weight
    changed = [c > 1e-9 for c in change]
    # neurons whose activation moved are filled; the shade grows with the change
    peak = max(float(c.max()) for c in change)
    face = [[_shade(theme, c / peak) if moved else theme.paper() for c, moved in zip(cs, ms)]
            for cs, ms in zip(change, changed)]
    edge_color = [[[theme.color("muted")] * sizes[l + 1] for _ in range(sizes[l])]
                  for l in range(len(sizes) - 1)]
    edge_width = [[[0.8] * sizes[l + 1] for _ in range(sizes[l])] for l in range(len(sizes) - 1)]
    edge_color[layer][i][j] = theme.color("highlight")
    edge_width[layer][i][j] = 3.2
    # weights that carry the change onwards: those leaving a neuron that moved
    for l in range(layer + 1, len(sizes) - 1):
        for a in range(sizes[l]):
            if changed[l][a]:
                for b in range(sizes[l + 1]):
                    edge_color[l][a][b] = theme.color("highlight")
                    edge_width[l][a][b] = 1.4
    draw_network(theme, ax, sizes, node_face=face, edge_color=edge_color, edge_width=edge_width,
                 labels=["input", "hidden 1", "hidden 2", "output"])
    ax.set_title("Nudging one weight (thick) changes every neuron after it", fontsize=11)
    return fig


def _shade(theme, t: float) -> str:
    """From the paper's colour to the highlight colour as the measured change grows."""
    start, end = ([int(h[k:k + 2], 16) for k in (1, 3, 5)]
                  for h in (theme.paper(), theme.color("highlight")))
    t = 0.25 + 0.75 * float(np.clip(t, 0, 1)) ** 0.5
    mix = [round(a + (c - a) * t) for a, c in zip(start, end)]
    return "#{:02X}{:02X}{:02X}".format(*mix)


declare("connection_tweak", compute=weight_tweak_effect, draw=draw_weight_tweak,
        formats=("svg",),
        alt="A network with four layers. One weight of the first layer is drawn thick and purple; "
            "the one hidden neuron it feeds, and then every neuron of the next two layers, are "
            "shaded by how much their activation changed when that weight was nudged.")

# --- small_nets --------------------------------------------------------------


def two_small_nets() -> dict:
    nets = [(2, 1), (3, 1)]
    n_weights = [MLP(sizes).params[0].size for sizes in nets]
    return {"nets": nets, "n_weights": n_weights}


def draw_small_nets(theme, nets, n_weights):
    fig = style.new_figure(5.0, 2.4)
    for k, (sizes, n) in enumerate(zip(nets, n_weights)):
        ax = fig.add_subplot(1, 2, k + 1)
        draw_network(theme, ax, sizes, edge_color=[[[theme.ink()]] * sizes[0]],
                     edge_width=[[[2.0]] * sizes[0]])
        ax.set_title(f"{n} weights", fontsize=11)
    return fig


declare("small_nets", compute=two_small_nets, draw=draw_small_nets, formats=("svg",),
        alt="Two tiny networks side by side: two inputs joined to one output by 2 weights, "
            "and three inputs joined to one output by 3 weights.")

# --- sampling ----------------------------------------------------------------

SAMPLES_PER_AXIS = 10


def sampling_grids(n: int = SAMPLES_PER_AXIS) -> tuple[np.ndarray, np.ndarray]:
    """Every combination of n evenly spaced values per weight, in 2 and 3 dimensions."""
    ticks = (np.arange(n) + 0.5) / n
    grid_2d = np.stack(np.meshgrid(ticks, ticks), axis=-1).reshape(-1, 2)
    grid_3d = np.stack(np.meshgrid(ticks, ticks, ticks), axis=-1).reshape(-1, 3)
    return grid_2d, grid_3d


def sampling_points() -> dict:
    grid_2d, grid_3d = sampling_grids()
    return {"grid_2d": grid_2d, "grid_3d": grid_3d}


def draw_sampling(theme, grid_2d, grid_3d):
    fig = theme.panel_figure(2, 7.6, 3.7)
    rows, cols = theme.panels(2)
    ax = fig.add_subplot(rows, cols, 1)
    ax.scatter(grid_2d[:, 0], grid_2d[:, 1], s=9, color=theme.color("data"))
    ax.set(xlim=(0, 1), ylim=(0, 1), xlabel="weight 1", ylabel="weight 2",
           title=f"2 weights: {len(grid_2d):,} points")
    ax.set_aspect("equal")
    ax3 = fig.add_subplot(rows, cols, 2, projection="3d")
    ax3.scatter(grid_3d[:, 0], grid_3d[:, 1], grid_3d[:, 2], s=2, color=theme.color("data"),
                depthshade=True)
    ax3.set(xlim=(0, 1), ylim=(0, 1), zlim=(0, 1), xlabel="weight 1", ylabel="weight 2",
            zlabel="weight 3", title=f"3 weights: {len(grid_3d):,} points")
    ax3.tick_params(labelsize=10)
    for axis in (ax3.xaxis, ax3.yaxis, ax3.zaxis):  # no grey panes: a card on the dark page
        axis.set_pane_color((1.0, 1.0, 1.0, 0.0))
    # as large as the square beside it (it was drawn at 0.82, visibly smaller)
    ax3.set_box_aspect(None, zoom=0.95)
    return fig


declare("sampling", compute=sampling_points, draw=draw_sampling, formats=("webp",), phone=True,
        alt="Left: a square filled with a 10 by 10 grid of 100 points. Right: a cube filled "
            "with a 10 by 10 by 10 grid of 1,000 points.")
