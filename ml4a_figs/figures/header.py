"""The chapter's header: a topographic map of a real loss landscape.

The ground is the loss of the chapter's tiny sigmoid net over two of its
weights (losses.SMALL_NET), seen along the strip that joins its local minimum
to its global one: two basins with a mountain pass (the saddle) between them.
"""

from __future__ import annotations

import numpy as np

from .. import style
from ..core.losses import SMALL_NET
from .registry import declare

HEADER_SIZE = (12.0, 3.2)  # inches: wide and short, cropped by CSS (object-fit: cover)
STRIP_LENGTH = 13.0  # weight-space units along the line through both minima
# survey-map paper and ink; on the dark page, a night map: dark paper, pale ink
PAPER = {"light": "#F6F2E7", "dark": "#23252E"}
INK = {"light": "#6B4E2E", "dark": "#C9B28F"}


def header_landscape(length=STRIP_LENGTH, nx=240) -> dict:
    """Heights of SMALL_NET on a strip centred between its two minima, aligned with them.

    The cube root of the loss plays the part of elevation: evenly spaced levels of
    it crowd on steep slopes and spread out on the valley floors, as on a real map.
    """
    local_min, global_min = np.array(SMALL_NET.minima[1]), np.array(SMALL_NET.minima[0])
    centre = (local_min + global_min) / 2
    along = (global_min - local_min) / np.linalg.norm(global_min - local_min)
    across = np.array([-along[1], along[0]])
    width, height = HEADER_SIZE
    s = np.linspace(-length / 2, length / 2, nx)
    t = np.linspace(-length / 2, length / 2, round(nx * height / width)) * height / width
    S, T = np.meshgrid(s, t)
    W1 = centre[0] + S * along[0] + T * across[0]
    W2 = centre[1] + S * along[1] + T * across[1]
    return {"S": S, "T": T, "height": np.cbrt(SMALL_NET(W1, W2))}


def draw_header(theme, S, T, height, n_levels=29):
    from matplotlib.patches import Rectangle

    fig = style.new_figure(*HEADER_SIZE)
    fig.set_layout_engine("none")
    # Only the axes (the whole figure) count for the tight bounding box; the paper
    # and the unclipped lines run on into the saving margin around it, so the map
    # reaches every edge of the file (the page crops it with CSS).
    paper = Rectangle((-0.1, -0.1), 1.2, 1.2, transform=fig.transFigure, facecolor=PAPER[theme.palette],
                      edgecolor="none", zorder=-10)
    paper.set_in_layout(False)
    fig.patches.append(paper)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    levels = np.linspace(height.min(), height.max(), n_levels + 2)[1:-1]
    # every fifth line is an index contour, drawn heavier, as on survey maps
    widths = [0.9 if k % 5 == 0 else 0.35 for k in range(len(levels))]
    lines = ax.contour(S, T, height, levels=levels, colors=INK[theme.palette], linestyles="solid",
                       linewidths=widths)
    for path in lines.get_paths():
        # drop vertices that move the line by less than 0.8 px: these smooth
        # curves keep their look and the SVG shrinks by a third
        path.simplify_threshold = 0.8
    lines.set_clip_on(False)
    lines.set_in_layout(False)
    # the data runs 4% past the figure's edges, beyond the saving margin
    for lim, grid in ((ax.set_xlim, S), (ax.set_ylim, T)):
        lo, hi = grid.min(), grid.max()
        margin = 0.04 * (hi - lo) / 1.08
        lim(lo + margin, hi - margin)
    return fig


declare("topographic_map", compute=header_landscape, draw=draw_header, formats=("svg",),
        alt="A topographic map drawn with thin contour lines: two basins "
            "joined by a mountain pass, the lines packed tightly where the ground is steep. "
            "It is the loss of a tiny neural network over two of its weights.")
