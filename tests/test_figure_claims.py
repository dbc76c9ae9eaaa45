"""Alt texts and captions that describe computed paths, checked against the arrays the
figures are drawn from."""

from __future__ import annotations

import numpy as np
import pytest

from ml4a_figs.figures import gradient_descent
from ml4a_figs.figures.registry import scan


@pytest.fixture(scope="module")
def bumpy():
    return gradient_descent.bumpy_descents()


def test_bumpy_alt_text_matches_where_each_path_starts_and_ends(bumpy):
    alt = scan()["bumpy_gradient_descent"].alt
    assert "at or below w2 = 0 roll into the global" in alt
    assert "above it roll into a different valley" in alt
    starts = np.array([p[0] for p in bumpy["paths"]])
    reached = np.asarray(bumpy["reached"])
    assert (reached == 0).sum() == 4 and (reached == 1).sum() == 4  # "the four ..."
    assert np.all(starts[reached == 0, 1] <= 0) and np.all(starts[reached == 1, 1] > 0)
    global_min, local_min = bumpy["minima"]
    np.testing.assert_allclose(global_min, (3, -2), atol=0.05)
    np.testing.assert_allclose(local_min, (-1, 2.9), atol=0.1)
    for path, k in zip(bumpy["paths"], reached):
        assert np.linalg.norm(path[-1] - bumpy["minima"][k]) < 0.05


def test_stochastic_descent_ends_near_the_bottom():
    """The batch-modes caption: stochastic descent 'still ends up near the bottom' --
    its last 20 steps stay within a tenth of the start's distance from least squares,
    batch and mini-batch closer still."""
    d = gradient_descent.batch_mode_paths()
    paths = dict(zip(d["names"], d["paths"]))
    start = np.linalg.norm(paths["batch"][0] - d["best"])
    for name, share in (("batch", 0.03), ("mini-batch", 0.05), ("stochastic", 0.1)):
        tail = np.linalg.norm(paths[name][-20:] - d["best"], axis=1)
        assert tail.mean() < share * start, name
