"""Drawing a layered network: neurons as circles, weights as lines.

Shared by the figures that show a network (the weight tweak, the two small
nets, dropout). It only draws what it is given: which neurons and weights to
colour comes from a computation elsewhere.
"""

from __future__ import annotations

import numpy as np

from .. import style

NODE_RADIUS = 0.16


def layer_positions(sizes: tuple[int, ...], width: float = 3.0, height: float = 2.6) -> list[np.ndarray]:
    """(x, y) of every neuron, layers left to right, each layer centred vertically."""
    xs = np.linspace(0.0, width, len(sizes))
    tallest = max(sizes)
    gap = height / max(tallest - 1, 1)
    return [np.column_stack([np.full(n, x), (np.arange(n) - (n - 1) / 2) * gap])
            for x, n in zip(xs, sizes)]


def draw_network(theme, ax, sizes, node_face=None, node_edge=None, edge_color=None, edge_width=None,
                 edge_alpha=None, crossed=None, labels=None):
    """Draw the net on `ax`.

    node_face[l][i] / node_edge[l][i]: colours per neuron; edge_color[l][i, j] /
    edge_width[l][i, j] / edge_alpha[l][i, j]: per weight from layer l neuron i to
    layer l+1 neuron j; crossed[l][i]: neurons to mark as switched off.
    """
    pos = layer_positions(tuple(sizes))
    for l in range(len(sizes) - 1):
        for i, (x0, y0) in enumerate(pos[l]):
            for j, (x1, y1) in enumerate(pos[l + 1]):
                ax.plot([x0, x1], [y0, y1],
                        color=edge_color[l][i][j] if edge_color else theme.color("muted"),
                        linewidth=edge_width[l][i][j] if edge_width else 1.0,
                        alpha=edge_alpha[l][i][j] if edge_alpha else 0.8,
                        solid_capstyle="round", zorder=1)
    for l, layer in enumerate(pos):
        for i, (x, y) in enumerate(layer):
            face = node_face[l][i] if node_face else theme.paper()
            edge = node_edge[l][i] if node_edge else theme.ink()
            ax.add_patch(_circle(ax, (x, y), face, edge))
            if crossed and crossed[l][i]:
                r = NODE_RADIUS * 0.75
                ax.plot([x - r, x + r], [y - r, y + r], color=theme.ink(), linewidth=1.6, zorder=4)
                ax.plot([x - r, x + r], [y + r, y - r], color=theme.ink(), linewidth=1.6, zorder=4)
    if labels:
        bottom = min(layer[:, 1].min() for layer in pos)
        for (x, _), text in zip((layer[0] for layer in pos), labels):
            ax.text(x, bottom - 0.4, text, ha="center", va="top", fontsize=10, color=theme.ink())
    ax.set_aspect("equal")
    ax.axis("off")
    ax.margins(0.08)
    return pos


def _circle(ax, center, face, edge):
    from matplotlib.patches import Circle

    return Circle(center, NODE_RADIUS, facecolor=face, edgecolor=edge, linewidth=1.4, zorder=3)
