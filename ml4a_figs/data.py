"""The data sets the chapter trains on.

Three of them, from tiny to real:

* the seven points of the linear-regression example,
* eleven noisy points for the overfitting example,
* the 8x8 handwritten digits that ship with scikit-learn.

Everything random here takes a seed, so every figure is the same on every build.
"""

from typing import NamedTuple

import numpy as np

# --- The seven points -------------------------------------------------------

SEVEN_X = (2.4, 2.8, 3.2, 3.6, 4.0, 4.2, 5.0)
SEVEN_Y = (1.7, 1.85, 1.79, 1.95, 2.1, 2.0, 2.7)

# The chapter's example line f(x) = -0.11x + 2.5, as (m, b).
EXAMPLE_LINE = (-0.11, 2.5)

# Three "randomly chosen" lines for the figure lin_reg_randomtries, ordered so
# that each fits better than the one before it (MSE ~0.405, ~0.160, ~0.020).
# The last one is good but is not the least-squares line: gradient descent
# still has something to improve.
CANDIDATE_LINES = (
    (-0.4, 3.6),
    EXAMPLE_LINE,
    (0.3, 0.9),
)


def seven_points():
    """The chapter's seven (x, y) points as fresh float arrays (safe to modify)."""
    return np.array(SEVEN_X, dtype=float), np.array(SEVEN_Y, dtype=float)


# --- Eleven noisy points for overfitting --------------------------------------

OVERFITTING_SEED = 0
OVERFITTING_NOISE = 0.1


def overfitting_trend(x):
    """The smooth curve the noisy points come from: a gentle parabola.

    A straight line underfits it, a parabola fits it, and a degree-10
    polynomial through all eleven points overfits it.
    """
    x = np.asarray(x, dtype=float)
    return 1.0 + 0.3 * x - x**2


def overfitting_points(seed=OVERFITTING_SEED, n=11):
    """n points evenly spread over [-1, 1], y = trend + gaussian noise.

    Evenly spread x (rather than random x) keeps high-degree polynomial fits
    well conditioned; only the noise depends on the seed.
    """
    rng = np.random.default_rng(seed)
    x = np.linspace(-1.0, 1.0, n)
    y = overfitting_trend(x) + OVERFITTING_NOISE * rng.standard_normal(n)
    return x, y


def overfitting_held_out(seed, n=200):
    """n fresh points from the same curve and noise, x uniform on [-1, 1]: the
    points a fit is judged on, never fitted."""
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(-1.0, 1.0, n))
    return x, overfitting_trend(x) + OVERFITTING_NOISE * rng.standard_normal(n)


# --- Handwritten digits -------------------------------------------------------


def load_digits():
    """The 1,797 8x8 digit images: X of shape (1797, 64) in [0, 1], y integer labels.

    scikit-learn is imported here rather than at the top so that importing this
    module (e.g. just for the seven points) stays cheap.  The data ships inside
    scikit-learn, so no network is needed.
    """
    from sklearn import datasets

    digits = datasets.load_digits()
    X = digits.data.astype(np.float64) / 16.0  # pixel intensities are 0..16
    y = digits.target.astype(np.int64)
    return X, y


class Split(NamedTuple):
    """A data set cut into the three parts the chapter talks about."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


def train_val_test_split(X, y, val_fraction=0.2, test_fraction=0.2, seed=0):
    """Shuffle once (seeded), then cut into train / validation / test.

    The validation part is for choosing hyperparameters and early stopping;
    the test part is looked at only once, at the end.
    """
    n = len(X)
    n_val = int(round(n * val_fraction))
    n_test = int(round(n * test_fraction))
    if n_val + n_test >= n:
        raise ValueError("validation and test fractions leave no training data")
    order = np.random.default_rng(seed).permutation(n)
    test_idx = order[:n_test]
    val_idx = order[n_test : n_test + n_val]
    train_idx = order[n_test + n_val :]
    return Split(X[train_idx], y[train_idx], X[val_idx], y[val_idx], X[test_idx], y[test_idx])


def kfold_indices(n, k, seed=0):
    """k (train_indices, validation_indices) pairs for k-fold cross-validation.

    Every sample is in exactly one validation fold; fold sizes differ by at
    most one when k does not divide n.
    """
    if not 2 <= k <= n:
        raise ValueError(f"need 2 <= k <= n, got k={k}, n={n}")
    order = np.random.default_rng(seed).permutation(n)
    folds = np.array_split(order, k)
    pairs = []
    for i, val_idx in enumerate(folds):
        train_idx = np.concatenate([fold for j, fold in enumerate(folds) if j != i])
        pairs.append((train_idx, val_idx))
    return pairs
