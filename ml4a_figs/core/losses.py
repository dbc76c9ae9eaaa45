"""Loss functions and the 2-D landscapes the chapter draws descent on.

Every landscape is a `Surface`: call it on meshgrids to get the heights for a
contour plot, or ask `surface.grad(p)` for the gradient at one point
p = [x, y], which is exactly what `optim.descend` needs.
"""

from dataclasses import dataclass
from typing import Callable

import numpy as np


@dataclass(frozen=True)
class Surface:
    """A function of two variables that descent can run on and a figure can draw."""

    name: str
    f: Callable  # f(X, Y) -> heights, vectorised over arrays of any shape
    grad: Callable  # grad(p) -> array([df/dx, df/dy]) at the point p = [x, y]
    extent: tuple  # (xmin, xmax, ymin, ymax) where the interesting part is
    minima: tuple = ()  # known minima, as (x, y) pairs
    saddles: tuple = ()  # known saddle points, as (x, y) pairs

    def __call__(self, X, Y):
        return self.f(X, Y)

    def at(self, p):
        """Height at a single point p = [x, y], as a float."""
        return float(self.f(p[0], p[1]))


# --- Fitting a line to points -------------------------------------------------


def mse(m, b, x, y):
    """Mean squared error of the line y = m*x + b on the points (x, y).

    m and b may be arrays of any (matching) shape, e.g. meshgrids: the points
    go on a new last axis, so a whole grid of lines is scored in one go.
    """
    m = np.asarray(m, dtype=float)[..., None]
    b = np.asarray(b, dtype=float)[..., None]
    residual = np.asarray(y) - (m * np.asarray(x) + b)
    return np.mean(residual**2, axis=-1)


def mse_grad(m, b, x, y):
    """Gradient [dJ/dm, dJ/db] of the MSE.

    The minus sign matters: the residual y - (m x + b) shrinks as m grows
    wherever x > 0, so J goes down in the direction of the residual.
    """
    x = np.asarray(x, dtype=float)
    residual = np.asarray(y) - (m * x + b)
    n = len(x)
    dJ_dm = -(2.0 / n) * np.sum(x * residual)
    dJ_db = -(2.0 / n) * np.sum(residual)
    return np.array([dJ_dm, dJ_db])


def least_squares(x, y):
    """The best line (m, b) in one shot, no descent needed (numpy's lstsq)."""
    x = np.asarray(x, dtype=float)
    A = np.column_stack([x, np.ones_like(x)])
    (m, b), *_ = np.linalg.lstsq(A, np.asarray(y, dtype=float), rcond=None)
    return float(m), float(b)


def line_fit_surface(x, y):
    """The MSE of a line as a landscape over (m, b), for these points."""
    m_best, b_best = least_squares(x, y)
    return Surface(
        name="MSE of a line",
        f=lambda M, B: mse(M, B, x, y),
        grad=lambda p: mse_grad(p[0], p[1], x, y),
        extent=(m_best - 1.0, m_best + 1.0, b_best - 3.0, b_best + 3.0),
        minima=((m_best, b_best),),
    )


# --- Classic test functions for optimizers --------------------------------------


def beale(x, y):
    """Beale's function: a flat valley with steep walls, minimum 0 at (3, 0.5)."""
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2


def beale_grad(p):
    x, y = p
    t1 = 1.5 - x + x * y
    t2 = 2.25 - x + x * y**2
    t3 = 2.625 - x + x * y**3
    d_dx = 2 * t1 * (y - 1) + 2 * t2 * (y**2 - 1) + 2 * t3 * (y**3 - 1)
    d_dy = 2 * t1 * x + 2 * t2 * (2 * x * y) + 2 * t3 * (3 * x * y**2)
    return np.array([d_dx, d_dy])


def saddle(x, y):
    """x² - y²: a minimum along x, a maximum along y, flat at the origin."""
    return x**2 - y**2


def saddle_grad(p):
    x, y = p
    return np.array([2 * x, -2 * y])


def rosenbrock(x, y, a=1.0, b=100.0):
    """Rosenbrock's banana: a curved, narrow valley, minimum 0 at (a, a²)."""
    return (a - x) ** 2 + b * (y - x**2) ** 2


def rosenbrock_grad(p, a=1.0, b=100.0):
    x, y = p
    d_dx = -2 * (a - x) - 4 * b * x * (y - x**2)
    d_dy = 2 * b * (y - x**2)
    return np.array([d_dx, d_dy])


BEALE = Surface("Beale", beale, beale_grad, extent=(-4.5, 4.5, -4.5, 4.5), minima=((3.0, 0.5),))
SADDLE = Surface("Saddle", saddle, saddle_grad, extent=(-2.0, 2.0, -2.0, 2.0), saddles=((0.0, 0.0),))
ROSENBROCK = Surface(
    "Rosenbrock", rosenbrock, rosenbrock_grad, extent=(-2.0, 2.0, -1.0, 3.0), minima=((1.0, 1.0),)
)


# --- The loss of a tiny neural network, as a function of two weights --------
#
# Real networks have millions of weights, so we cannot draw their loss.  But
# fix all weights of a tiny net except two and the loss becomes a surface we
# can draw, and it is already not a bowl.
#
# The net: one input x, two sigmoid hidden units, one linear output.
#
#     prediction(x) = sigmoid(w1 * x + 0) + sigmoid(w2 * x + 2)
#
# w1 and w2 are the input->hidden weights we vary.  The fixed weights are the
# hidden biases (0 and 2), the hidden->output weights (1 and 1) and the output
# bias (0).  The targets are made by the same net with (w1, w2) = (3, -2), so
# that point has zero loss: the global minimum.  Because swapping roles between
# the two hidden units almost works, there is a second, worse valley near
# (-0.96, 2.86) (a local minimum, loss 0.0089) and a saddle between them near
# (0.11, 0.00) (loss 0.085).  Starting at (2, -3) descent finds the global
# minimum; starting at (-2, 3) it gets stuck in the local one.

SMALL_NET_X = np.linspace(-3.0, 3.0, 9)
SMALL_NET_HIDDEN_BIASES = (0.0, 2.0)
SMALL_NET_TRUE_WEIGHTS = (3.0, -2.0)


def sigmoid(z):
    """The logistic function (also nn.py's activation); the tanh form never overflows,
    unlike 1 / (1 + exp(-z)) for large -z."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def small_net_predict(w1, w2, x=SMALL_NET_X):
    """The tiny net's output on inputs x; w1, w2 may be grids (x goes on a new last axis)."""
    w1 = np.asarray(w1, dtype=float)[..., None]
    w2 = np.asarray(w2, dtype=float)[..., None]
    c1, c2 = SMALL_NET_HIDDEN_BIASES
    return sigmoid(w1 * x + c1) + sigmoid(w2 * x + c2)


SMALL_NET_Y = small_net_predict(*SMALL_NET_TRUE_WEIGHTS)


def small_net_loss(w1, w2):
    """MSE of the tiny net on its toy data, for any grid of (w1, w2)."""
    return np.mean((small_net_predict(w1, w2) - SMALL_NET_Y) ** 2, axis=-1)


def small_net_grad(p):
    """[dL/dw1, dL/dw2] by the chain rule (backprop by hand for two weights)."""
    w1, w2 = p
    c1, c2 = SMALL_NET_HIDDEN_BIASES
    x = SMALL_NET_X
    h1 = sigmoid(w1 * x + c1)
    h2 = sigmoid(w2 * x + c2)
    dL_dpred = 2.0 * (h1 + h2 - SMALL_NET_Y) / len(x)
    dL_dw1 = np.sum(dL_dpred * h1 * (1 - h1) * x)
    dL_dw2 = np.sum(dL_dpred * h2 * (1 - h2) * x)
    return np.array([dL_dw1, dL_dw2])


SMALL_NET = Surface(
    "Tiny sigmoid net",
    small_net_loss,
    small_net_grad,
    extent=(-4.0, 5.0, -4.0, 4.0),
    minima=((3.0, -2.0), (-0.958087, 2.861332)),  # global, then local (Newton on the gradient)
    saddles=((0.11422, 0.001467),),  # gradient zero, curvature of both signs
)
