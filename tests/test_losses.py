import numpy as np
import pytest

from ml4a_figs.core import losses
from ml4a_figs.core.data import seven_points
from ml4a_figs.core.optim import SGD, Adam, descend


def central_difference(f, p, eps=1e-6):
    """Numerical gradient of a function of a 2-vector, written independently here."""
    p = np.asarray(p, dtype=float)
    out = []
    for i in range(len(p)):
        step = np.zeros_like(p)
        step[i] = eps
        out.append((f(p + step) - f(p - step)) / (2 * eps))
    return np.array(out)


def numerical_hessian(f, p, eps=1e-4):
    """Second differences of f itself (not of any analytic gradient)."""
    p = np.asarray(p, dtype=float)
    H = np.zeros((2, 2))
    e = np.eye(2) * eps
    for i in range(2):
        for j in range(2):
            H[i, j] = (f(p + e[i] + e[j]) - f(p + e[i] - e[j]) - f(p - e[i] + e[j]) + f(p - e[i] - e[j])) / (4 * eps**2)
    return H


def closed_form_line(xs, ys):
    n = len(xs)
    sx, sy = sum(xs), sum(ys)
    sxx = sum(x * x for x in xs)
    sxy = sum(x * y for x, y in zip(xs, ys))
    m = (n * sxy - sx * sy) / (n * sxx - sx * sx)
    return m, (sy - m * sx) / n


# --- the line fit ------------------------------------------------------------------


def test_mse_of_example_line_by_hand():
    x, y = seven_points()
    # predictions -0.11 x + 2.5 at x = 2.4, 2.8, 3.2, 3.6, 4.0, 4.2, 5.0
    predictions = [2.236, 2.192, 2.148, 2.104, 2.06, 2.038, 1.95]
    residuals = [1.7 - 2.236, 1.85 - 2.192, 1.79 - 2.148, 1.95 - 2.104, 2.1 - 2.06, 2.0 - 2.038, 2.7 - 1.95]
    expected = sum(r * r for r in residuals) / 7  # = 1.121684 / 7
    assert predictions[0] == pytest.approx(-0.11 * 2.4 + 2.5)
    assert expected == pytest.approx(0.160241, abs=1e-6)
    assert losses.mse(-0.11, 2.5, x, y) == pytest.approx(expected, rel=1e-12)


def test_mse_grad_sign_and_formula():
    x, y = seven_points()
    m, b = -0.11, 2.5
    expected_dm = -(2 / 7) * sum(xi * (yi - (m * xi + b)) for xi, yi in zip(x, y))
    expected_db = -(2 / 7) * sum(yi - (m * xi + b) for xi, yi in zip(x, y))
    assert losses.mse_grad(m, b, x, y) == pytest.approx([expected_dm, expected_db], rel=1e-12)
    # a line far below every point: raising b must lower the error, so dJ/db < 0
    assert losses.mse_grad(0.0, -10.0, x, y)[1] < 0
    assert losses.mse_grad(0.0, 10.0, x, y)[1] > 0


def test_mse_grad_matches_numerical():
    x, y = seven_points()
    rng = np.random.default_rng(0)
    for m, b in rng.uniform(-2, 2, size=(5, 2)):
        numerical = central_difference(lambda p: losses.mse(p[0], p[1], x, y), [m, b])
        assert losses.mse_grad(m, b, x, y) == pytest.approx(numerical, rel=1e-6, abs=1e-8)


def test_mse_over_meshgrids_matches_cell_by_cell():
    x, y = seven_points()
    M, B = np.meshgrid(np.linspace(-1, 1, 7), np.linspace(0, 3, 5))
    Z = losses.mse(M, B, x, y)
    assert Z.shape == M.shape
    for i in range(M.shape[0]):
        for j in range(M.shape[1]):
            m, b = M[i, j], B[i, j]
            assert Z[i, j] == pytest.approx(np.mean((y - (m * x + b)) ** 2), rel=1e-12)


def test_least_squares_matches_closed_form():
    x, y = seven_points()
    m_expected, b_expected = closed_form_line(list(x), list(y))
    m, b = losses.least_squares(x, y)
    assert (m, b) == pytest.approx((m_expected, b_expected), rel=1e-10)
    assert (m, b) == pytest.approx((0.336, 0.805), abs=1e-3)


def test_gradient_descent_reaches_least_squares():
    x, y = seven_points()
    m_expected, b_expected = closed_form_line(list(x), list(y))
    surface = losses.line_fit_surface(x, y)
    path = descend(surface.grad, [-0.11, 2.5], SGD(lr=0.06), steps=8000)
    assert path[-1] == pytest.approx([m_expected, b_expected], abs=1e-6)
    # and the error went down on the way
    errors = losses.mse(path[:, 0], path[:, 1], x, y)
    assert errors[-1] < errors[0]


# --- the classic test surfaces ---------------------------------------------------


@pytest.mark.parametrize("surface", [losses.BEALE, losses.SADDLE, losses.ROSENBROCK, losses.SMALL_NET])
def test_surface_gradient_matches_numerical(surface):
    rng = np.random.default_rng(1)
    xmin, xmax, ymin, ymax = surface.extent
    for p in zip(rng.uniform(xmin, xmax, 6), rng.uniform(ymin, ymax, 6)):
        numerical = central_difference(surface.at, p)
        assert surface.grad(np.array(p)) == pytest.approx(numerical, rel=1e-6, abs=1e-7)


@pytest.mark.parametrize("surface", [losses.BEALE, losses.SADDLE, losses.ROSENBROCK, losses.SMALL_NET])
def test_surface_on_a_grid_matches_pointwise(surface):
    xmin, xmax, ymin, ymax = surface.extent
    X, Y = np.meshgrid(np.linspace(xmin, xmax, 6), np.linspace(ymin, ymax, 4))
    Z = surface(X, Y)
    assert Z.shape == X.shape
    for i in range(X.shape[0]):
        for j in range(X.shape[1]):
            assert Z[i, j] == pytest.approx(surface.at((X[i, j], Y[i, j])), rel=1e-12)


def test_beale_values():
    # f(x, y) at hand-picked points
    assert losses.beale(3.0, 0.5) == 0.0
    assert losses.beale(0.0, 0.0) == pytest.approx(1.5**2 + 2.25**2 + 2.625**2)
    assert losses.beale(1.0, 1.0) == pytest.approx(1.5**2 + 2.25**2 + 2.625**2)  # xy - x = 0 there too
    assert losses.beale(2.0, 1.0) == pytest.approx(1.5**2 + 2.25**2 + 2.625**2)
    assert losses.beale(1.0, 2.0) == pytest.approx(2.5**2 + 5.25**2 + 9.625**2)
    assert losses.beale_grad([3.0, 0.5]) == pytest.approx([0.0, 0.0], abs=1e-12)


def test_adam_finds_beales_minimum():
    path = descend(losses.BEALE.grad, [1.0, 1.5], Adam(lr=0.05), steps=3000)
    assert path[-1] == pytest.approx([3.0, 0.5], abs=1e-3)


def test_saddle_values():
    assert losses.saddle(2.0, 1.0) == 3.0
    assert losses.saddle_grad([0.0, 0.0]).tolist() == [0.0, 0.0]
    assert losses.saddle_grad([1.0, 2.0]).tolist() == [2.0, -4.0]
    H = numerical_hessian(losses.SADDLE.at, [0.0, 0.0])
    assert np.allclose(H, [[2.0, 0.0], [0.0, -2.0]], atol=1e-5)


def test_rosenbrock_values():
    assert losses.rosenbrock(1.0, 1.0) == 0.0
    assert losses.rosenbrock(0.0, 0.0) == 1.0
    assert losses.rosenbrock(-1.0, 2.0) == pytest.approx(4.0 + 100.0)
    assert losses.rosenbrock_grad([1.0, 1.0]).tolist() == [0.0, 0.0]


# --- the tiny network's surface ----------------------------------------------------


def test_small_net_true_weights_have_zero_loss():
    assert losses.small_net_loss(*losses.SMALL_NET_TRUE_WEIGHTS) == pytest.approx(0.0, abs=1e-15)
    # and that is what the constants say: sigmoid(3x) + sigmoid(-2x + 2) at x = 0 is 0.5 + sigmoid(2)
    i0 = list(losses.SMALL_NET_X).index(0.0)
    assert losses.SMALL_NET_Y[i0] == pytest.approx(0.5 + 1 / (1 + np.exp(-2.0)))


def test_small_net_descent_from_different_starts_ends_in_different_minima():
    ends = []
    for start in [(2.0, -3.0), (-2.0, 3.0)]:
        path = descend(losses.SMALL_NET.grad, start, SGD(lr=2.0), steps=3000)
        end = path[-1]
        assert np.linalg.norm(central_difference(losses.SMALL_NET.at, end)) < 1e-5
        ends.append(end)
    assert np.linalg.norm(ends[0] - ends[1]) > 2.0
    global_end, local_end = ends
    assert losses.SMALL_NET.at(global_end) < 1e-8
    assert losses.SMALL_NET.at(local_end) > 1e-3  # stuck: a minimum, but not the best one
    assert global_end == pytest.approx(losses.SMALL_NET.minima[0], abs=1e-3)
    assert local_end == pytest.approx(losses.SMALL_NET.minima[1], abs=1e-3)


def test_small_net_minima_are_minima_and_saddle_is_a_saddle():
    f = losses.SMALL_NET.at
    for p in losses.SMALL_NET.minima:
        assert np.all(np.linalg.eigvalsh(numerical_hessian(f, p)) > 0)
        assert np.linalg.norm(central_difference(f, p)) < 1e-6
    (s,) = losses.SMALL_NET.saddles
    eigenvalues = np.linalg.eigvalsh(numerical_hessian(f, s))
    assert eigenvalues[0] < -0.05 and eigenvalues[1] > 0.05
    assert np.linalg.norm(central_difference(f, s)) < 1e-5


def test_small_net_grid_shows_several_minima():
    # count strict local minima of the loss on a grid, comparing each cell with its 8 neighbours
    xmin, xmax, ymin, ymax = losses.SMALL_NET.extent
    W1, W2 = np.meshgrid(np.linspace(xmin, xmax, 181), np.linspace(ymin, ymax, 161))
    Z = losses.small_net_loss(W1, W2)
    centre = Z[1:-1, 1:-1]
    is_min = np.ones_like(centre, dtype=bool)
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            if di or dj:
                is_min &= centre < Z[1 + di : Z.shape[0] - 1 + di, 1 + dj : Z.shape[1] - 1 + dj]
    assert is_min.sum() >= 2
