"""The data behind the linear-regression and gradient-descent figures.

Each test recomputes what a figure claims with plain numpy (or checks a
property the caption states), so a figure cannot quietly show something the
prose does not say.
"""

from __future__ import annotations

import ast
import inspect

import numpy as np
import pytest

from ml4a_figs.core import data, losses
from ml4a_figs.figures import gradient_descent as gd
from ml4a_figs.figures import linear_regression as lr
from ml4a_figs.figures.registry import scan

X7 = np.array([2.4, 2.8, 3.2, 3.6, 4.0, 4.2, 5.0])
Y7 = np.array([1.7, 1.85, 1.79, 1.95, 2.1, 2.0, 2.7])


def numpy_least_squares(x, y):
    slope, intercept = np.polyfit(x, y, 1)
    return np.array([slope, intercept])


# --- linear regression ----------------------------------------------------------


def test_scatter_shows_the_seven_points():
    d = lr.scatter_points()
    np.testing.assert_array_equal(d["x"], X7)
    np.testing.assert_array_equal(d["y"], Y7)


def test_candidate_mses_match_an_independent_computation_and_the_prose():
    d = lr.candidate_fits()
    expected = [np.mean((Y7 - (m * X7 + b)) ** 2) for m, b in data.CANDIDATE_LINES]
    np.testing.assert_allclose(d["mse"], expected, rtol=1e-12)
    # the titles print f"{mse:.3f}", the same formatting as the prose's facts
    assert [f"{v:.3f}" for v in d["mse"]] == ["0.405", "0.160", "0.020"]
    assert d["mse"][0] > d["mse"][1] > d["mse"][2], "each candidate should fit better"


def test_error_bars_run_from_each_point_to_the_example_line():
    d = lr.example_line_errors()
    m, b = data.EXAMPLE_LINE
    np.testing.assert_allclose(d["predicted"], m * X7 + b)
    np.testing.assert_allclose(d["line_y"], m * d["line_x"] + b)


def test_mse_surface_covers_the_captions_window_with_log_spaced_levels():
    d = lr.mse_surface()
    assert (d["M"].min(), d["M"].max()) == (-2.0, 4.0)
    assert (d["B"].min(), d["B"].max()) == (-6.0, 8.0)
    i, j = 17, 93
    m, b = d["M"][i, j], d["B"][i, j]
    assert d["Z"][i, j] == pytest.approx(np.mean((Y7 - (m * X7 + b)) ** 2))
    ratios = d["levels"][1:] / d["levels"][:-1]
    np.testing.assert_allclose(ratios, ratios[0])
    assert ratios[0] > 1.5, "levels should be logarithmic, not linear"
    assert d["levels"][0] <= d["Z"].min() and d["levels"][-1] >= d["Z"].max()
    np.testing.assert_allclose(d["best"], numpy_least_squares(X7, Y7), atol=1e-10)


# --- gradient descent on the line ---------------------------------------------------


def test_gradient_descent_path_ends_at_least_squares():
    d = gd.mse_descent_path()
    path = d["path"]
    np.testing.assert_array_equal(path[0], gd.GD_START)
    assert np.linalg.norm(path[-1] - numpy_least_squares(X7, Y7)) < 1e-3
    assert d["path_mse"][-1] < d["path_mse"][0]
    # plain gradient descent with a stable step never goes uphill on a quadratic
    assert np.all(np.diff(d["path_mse"]) <= 1e-12)


def test_faint_lines_are_the_path_at_the_shown_steps():
    d = gd.descent_and_fit()
    assert d["shown"][-1] == len(d["path"]) - 1
    for k, step in enumerate(d["shown"]):
        m, b = d["path"][step]
        np.testing.assert_allclose(d["line_y"][k], m * d["line_x"] + b)


def test_learning_rates_creep_converge_and_diverge():
    d = gd.learning_rate_paths()
    small, good, large = d["path_loss"]
    best = np.mean((Y7 - numpy_least_squares(X7, Y7) @ np.vstack([X7, np.ones(7)])) ** 2)
    # too small: going down, but still far from the bottom at the end
    assert np.all(np.diff(small) < 0)
    assert small[-1] - best > 0.25 * (small[0] - best)
    # about right: at the bottom
    assert np.all(np.diff(good) <= 1e-12)
    assert good[-1] == pytest.approx(best, abs=1e-6)
    # too large: every step lands higher, on alternating sides of the bottom
    assert np.all(np.diff(large) > 0)
    side = np.sign(d["paths"][2] - d["m_best"])
    assert np.all(side[1:] == -side[:-1])
    # the threshold between the last two: 2 / curvature of J(m)
    assert d["rates"][1] < 2.0 / (2.0 * np.mean(X7**2)) < d["rates"][2]


# --- the tiny sigmoid net --------------------------------------------------------------


def test_non_convex_surface_marks_two_minima_and_a_saddle():
    d = gd.non_convex_surface()
    g, l, s = d["critical_loss"]
    assert g < 1e-9 < l < s, "global below local below the saddle"
    # the saddle is a saddle: the Hessian (by finite differences) has both signs
    eps = 1e-4
    grad = losses.SMALL_NET.grad
    hess = np.array([(grad(d["saddle"] + eps * e) - grad(d["saddle"] - eps * e)) / (2 * eps)
                     for e in np.eye(2)])
    eig = np.linalg.eigvalsh((hess + hess.T) / 2)
    assert eig[0] < 0 < eig[1]


def test_bumpy_descents_end_in_two_distinct_minima():
    d = gd.bumpy_descents()
    ends = d["paths"][:, -1]
    global_ends, local_ends = ends[:4], ends[4:]
    np.testing.assert_allclose(global_ends, np.tile([3.0, -2.0], (4, 1)), atol=1e-3)
    np.testing.assert_allclose(local_ends, np.tile([-0.958087, 2.861332], (4, 1)), atol=1e-3)
    assert list(d["reached"]) == [0, 0, 0, 0, 1, 1, 1, 1]
    assert np.linalg.norm(global_ends.mean(0) - local_ends.mean(0)) > 3
    assert np.all(d["end_loss"][:4] < 1e-8) and np.all(d["end_loss"][4:] > 5e-3)


# --- batch, mini-batch, stochastic ---------------------------------------------------


def roughness(path):
    """Mean size of the change between one step and the next (second difference)."""
    return np.mean(np.linalg.norm(np.diff(path, n=2, axis=0), axis=1))


def test_batch_modes_share_start_and_steps_and_differ_in_noise():
    d = gd.batch_mode_paths()
    batch, mini, stochastic = d["paths"]
    assert len(batch) == len(mini) == len(stochastic)
    for path in d["paths"]:
        np.testing.assert_array_equal(path[0], gd.BATCH_START)
    x, y = gd.noisy_line_points()
    best = numpy_least_squares(x, y)
    np.testing.assert_allclose(d["best"], best, atol=1e-10)
    assert roughness(stochastic) > 3 * roughness(mini) > 3 * roughness(batch)
    assert np.linalg.norm(batch[-1] - best) < 0.05
    # stochastic still ends up near the bottom: it jitters around it
    start_to_best = np.linalg.norm(stochastic[0] - best)
    assert np.linalg.norm(stochastic[-25:].mean(axis=0) - best) < 0.1 * start_to_best


def test_batch_descent_is_full_gradient_descent():
    d = gd.batch_mode_paths()
    x, y = gd.noisy_line_points()
    p = np.array(gd.BATCH_START, dtype=float)
    for _ in range(3):
        r = y - (p[0] * x + p[1])
        p = p - gd.BATCH_LR * np.array([-2 * np.mean(x * r), -2 * np.mean(r)])
    np.testing.assert_allclose(d["paths"][0][3], p, rtol=1e-12)


# --- the split between computing and drawing ------------------------------------------


@pytest.mark.parametrize("module", [lr, gd])
def test_draw_functions_never_run_the_training_core(module):
    """Draw functions plot the arrays they are given; optimizers and losses run in compute."""
    figures = [f for f in scan().values() if f.module == module.__name__]
    assert figures
    for fig in figures:
        tree = ast.parse(inspect.getsource(getattr(module, fig.draw)))
        used = {n.value.id for n in ast.walk(tree)
                if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)}
        assert not used & {"optim", "losses", "data"}, f"{fig.name}: draw uses {used}"
