import ast
import pathlib
import subprocess
import sys

import numpy as np
import pytest

from ml4a_figs.core import data

CORE_MODULES = ["data", "losses", "optim", "nn", "bench"]
PACKAGE_DIR = pathlib.Path(data.__file__).parent


def test_seven_points_are_the_chapters():
    x, y = data.seven_points()
    assert x.dtype == np.float64 and y.dtype == np.float64
    assert x.tolist() == [2.4, 2.8, 3.2, 3.6, 4.0, 4.2, 5.0]
    assert y.tolist() == [1.7, 1.85, 1.79, 1.95, 2.1, 2.0, 2.7]


def test_seven_points_are_fresh_copies():
    x, _ = data.seven_points()
    x[0] = 100.0
    assert data.seven_points()[0][0] == 2.4


def test_example_line_is_the_second_candidate():
    assert data.EXAMPLE_LINE == (-0.11, 2.5)
    assert len(data.CANDIDATE_LINES) == 3
    assert data.CANDIDATE_LINES[1] == (-0.11, 2.5)


def _mse_by_loop(m, b, xs, ys):
    total = 0.0
    for x, y in zip(xs, ys):
        total += (y - (m * x + b)) ** 2
    return total / len(xs)


def test_candidate_lines_get_strictly_better():
    errors = [_mse_by_loop(m, b, data.SEVEN_X, data.SEVEN_Y) for m, b in data.CANDIDATE_LINES]
    assert errors[0] > errors[1] > errors[2]
    assert errors[0] > 2 * errors[1]  # the first one is clearly bad


def test_best_candidate_is_not_the_least_squares_line():
    # closed form for the best line, written out independently of the package
    xs, ys = data.SEVEN_X, data.SEVEN_Y
    n = len(xs)
    sx, sy = sum(xs), sum(ys)
    sxx = sum(x * x for x in xs)
    sxy = sum(x * y for x, y in zip(xs, ys))
    m = (n * sxy - sx * sy) / (n * sxx - sx * sx)
    b = (sy - m * sx) / n
    best = _mse_by_loop(m, b, xs, ys)
    third = data.CANDIDATE_LINES[2]
    assert third != pytest.approx((m, b), abs=1e-3)
    assert _mse_by_loop(*third, xs, ys) > best + 1e-4


def test_overfitting_points_shape_and_spread():
    x, y = data.overfitting_points()
    assert x.shape == y.shape == (11,)
    assert np.all(np.diff(x) > 0)
    assert x[0] == -1.0 and x[-1] == 1.0
    noise = y - data.overfitting_trend(x)
    assert 0 < np.std(noise) < 0.5  # noisy, but the trend is still visible


def test_overfitting_points_reproducible_by_seed():
    x1, y1 = data.overfitting_points(seed=7)
    x2, y2 = data.overfitting_points(seed=7)
    _, y3 = data.overfitting_points(seed=8)
    assert np.array_equal(x1, x2) and np.array_equal(y1, y2)
    assert not np.array_equal(y1, y3)


@pytest.fixture(scope="module")
def digits():
    return data.load_digits()


def test_digits_scaled_and_labelled(digits):
    X, y = digits
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert X.min() == 0.0 and X.max() == 1.0
    assert np.issubdtype(y.dtype, np.integer)
    assert sorted(set(y.tolist())) == list(range(10))


def test_split_is_a_partition(digits):
    X, y = digits
    split = data.train_val_test_split(X, y, val_fraction=0.2, test_fraction=0.2, seed=0)
    sizes = [len(split.X_train), len(split.X_val), len(split.X_test)]
    assert sum(sizes) == len(X)
    assert sizes[1] == sizes[2] == round(0.2 * len(X))
    for part_X, part_y in [(split.X_train, split.y_train), (split.X_val, split.y_val), (split.X_test, split.y_test)]:
        assert len(part_X) == len(part_y)
    # every image lands in exactly one part, with its own label
    rows = {}
    for part_X, part_y in [(split.X_train, split.y_train), (split.X_val, split.y_val), (split.X_test, split.y_test)]:
        for row, label in zip(part_X, part_y):
            rows.setdefault(row.tobytes(), []).append(label)
    original = {}
    for row, label in zip(X, y):
        original.setdefault(row.tobytes(), []).append(label)
    assert {k: sorted(v) for k, v in rows.items()} == {k: sorted(v) for k, v in original.items()}


def test_split_reproducible_by_seed(digits):
    X, y = digits
    a = data.train_val_test_split(X, y, seed=1)
    b = data.train_val_test_split(X, y, seed=1)
    c = data.train_val_test_split(X, y, seed=2)
    assert all(np.array_equal(p, q) for p, q in zip(a, b))
    assert not np.array_equal(a.y_train, c.y_train)


def test_kfold_covers_every_index_once():
    pairs = data.kfold_indices(23, 5, seed=0)
    assert len(pairs) == 5
    all_val = np.concatenate([val for _, val in pairs])
    assert sorted(all_val.tolist()) == list(range(23))
    for train_idx, val_idx in pairs:
        assert set(train_idx.tolist()).isdisjoint(val_idx.tolist())
        assert len(train_idx) + len(val_idx) == 23
        assert len(val_idx) in (4, 5)


def test_kfold_reproducible_by_seed():
    a = data.kfold_indices(30, 3, seed=4)
    b = data.kfold_indices(30, 3, seed=4)
    c = data.kfold_indices(30, 3, seed=5)
    assert all(np.array_equal(t1, t2) and np.array_equal(v1, v2) for (t1, v1), (t2, v2) in zip(a, b))
    assert not np.array_equal(a[0][1], c[0][1])


def test_kfold_rejects_bad_k():
    with pytest.raises(ValueError):
        data.kfold_indices(5, 1)


# --- the core never draws ------------------------------------------------------


def test_core_sources_do_not_import_matplotlib():
    for name in CORE_MODULES:
        tree = ast.parse((PACKAGE_DIR / f"{name}.py").read_text())
        imported = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                imported += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.append(node.module)
        assert not any(m.split(".")[0] == "matplotlib" for m in imported), name


def test_importing_the_core_loads_neither_matplotlib_nor_sklearn():
    code = (
        "import sys\n"
        + "".join(f"import ml4a_figs.core.{name}\n" for name in CORE_MODULES)
        + "print('matplotlib' in sys.modules, 'sklearn' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=PACKAGE_DIR.parent
    )
    assert result.stdout.split() == ["False", "False"]
