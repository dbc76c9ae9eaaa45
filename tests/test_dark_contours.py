"""Contour lines stay visible on the dark page (issue 22): every line of the batch-modes
figure and of the races' contour maps (Beale's surface, the saddle), blended with its
transparency onto the slate paper, is at least 3:1 against it, as graphics must be; on
main the innermost (viridis' darkest purples) were 1.02 to 1.06:1."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import to_hex, to_rgb
from matplotlib.contour import ContourSet

from ml4a_figs import style
from ml4a_figs.figures import explore_races, gradient_descent

GRAPHICS = 3.0


def _line_colours(fig, paper: str) -> list[str]:
    """Each contour line's colour as it shows on the paper (its alpha blended in)."""
    paper_rgb = np.array(to_rgb(paper))
    out = []
    for ax in fig.axes:
        for artist in ax.collections:
            if isinstance(artist, ContourSet) and not artist.filled:
                alpha = artist.get_alpha()
                for rgba in artist.get_edgecolor():
                    a = rgba[3] * (1.0 if alpha is None else alpha)
                    out.append(to_hex(a * np.array(rgba[:3]) + (1 - a) * paper_rgb))
    return out


def _drawings():
    batch = gradient_descent.batch_mode_paths()
    yield "batch_modes", lambda theme: gradient_descent.draw_batch_modes(theme, **batch)
    for name in ("opt2a", "opt1a"):
        yield (f"{name} contour map",
               lambda theme, name=name: explore_races._race_figure(theme, name, 6.0)[0])


def test_every_contour_line_reads_against_the_dark_paper():
    theme = style.Theme("dark")
    problems = []
    for name, draw in _drawings():
        with plt.style.context(theme.rc()):
            fig = draw(theme)
            paper = theme.paper()
            colours = _line_colours(fig, paper)
            plt.close(fig)
        assert colours, f"{name}: no contour lines found"
        worst = min(colours, key=lambda c: style.contrast(c, paper))
        if style.contrast(worst, paper) < GRAPHICS:
            problems.append(f"{name} ({theme.palette}): a contour line {worst} is "
                            f"{style.contrast(worst, paper):.2f}:1 on {paper}")
    assert not problems, "\n".join(problems)
