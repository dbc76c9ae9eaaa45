import numpy as np
import pytest

from ml4a_figs.core.data import load_digits, train_val_test_split
from ml4a_figs.core.nn import MLP, History, accuracy, numerical_gradient, train
from ml4a_figs.core.optim import SGD, Adam


def relative_error(a, b):
    return np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


# --- shape and size ----------------------------------------------------------------


def test_the_chapters_parameter_count():
    # 784*15 + 15 weights and biases into the hidden layer, 15*10 + 10 out of it
    assert MLP((784, 15, 10)).n_params == 784 * 15 + 15 + 15 * 10 + 10 == 11_935


def test_params_layout():
    net = MLP((4, 5, 3))
    shapes = [p.shape for p in net.params]
    assert shapes == [(4, 5), (5,), (5, 3), (3,)]
    assert all(p.dtype == np.float64 for p in net.params)


def test_forward_by_hand():
    net = MLP((3, 4, 2), activation="sigmoid", loss="cross_entropy", seed=1)
    X = np.random.default_rng(0).standard_normal((5, 3))
    W1, b1, W2, b2 = net.params
    logits = sigmoid(X @ W1 + b1) @ W2 + b2
    expected = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    assert np.allclose(net.forward(X), expected, rtol=1e-12)
    assert np.allclose(net.forward(X).sum(axis=1), 1.0)


def test_loss_by_hand():
    net = MLP((3, 4, 2), activation="tanh", loss="cross_entropy", l2=0.3, seed=2)
    rng = np.random.default_rng(0)
    for p in net.params:
        p += rng.standard_normal(p.shape)  # non-zero biases, to catch them being decayed
    X, y = rng.standard_normal((5, 3)), np.array([0, 1, 1, 0, 1])
    W1, b1, W2, b2 = net.params
    logits = np.tanh(X @ W1 + b1) @ W2 + b2
    log_probs = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    cross_entropy = -np.mean(log_probs[np.arange(5), y])
    penalty = 0.5 * 0.3 * (np.sum(W1**2) + np.sum(W2**2))  # weights only, not biases
    assert net.loss(X, y) == pytest.approx(cross_entropy + penalty, rel=1e-12)
    assert net.loss(X, y, include_l2=False) == pytest.approx(cross_entropy, rel=1e-12)


def test_mse_loss_by_hand():
    net = MLP((2, 3, 1), activation="relu", loss="mse", seed=3)
    rng = np.random.default_rng(1)
    X, y = rng.standard_normal((6, 2)), rng.standard_normal(6)
    W1, b1, W2, b2 = net.params
    prediction = (np.maximum(X @ W1 + b1, 0) @ W2 + b2)[:, 0]
    assert net.loss(X, y) == pytest.approx(np.mean((prediction - y) ** 2), rel=1e-12)
    assert np.allclose(net.predict(X), prediction)


# --- backprop against finite differences ---------------------------------------------


def test_numerical_gradient_on_a_known_function():
    w = np.array([[1.0, -2.0], [0.5, 3.0]])
    grad = numerical_gradient(lambda v: np.sum(v**3) + v[0, 1] * v[1, 0], w, eps=1e-5)
    expected = 3 * w**2 + np.array([[0.0, 0.5], [-2.0, 0.0]])
    assert np.allclose(grad, expected, rtol=1e-8)
    assert w.tolist() == [[1.0, -2.0], [0.5, 3.0]]  # w itself is left alone


def random_problem(loss, sizes, seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((7, sizes[0]))
    if loss == "cross_entropy":
        y = rng.integers(0, sizes[-1], size=7)
    else:
        y = rng.standard_normal((7, sizes[-1]))
    return X, y


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
@pytest.mark.parametrize("l2", [0.0, 0.1])
@pytest.mark.parametrize("sizes", [(4, 5, 3), (3, 6, 4, 2)])
def test_backprop_matches_numerical_gradient(activation, loss, l2, sizes):
    net = MLP(sizes, activation=activation, loss=loss, l2=l2, seed=11)
    rng = np.random.default_rng(12)
    for p in net.params:
        p += 0.3 * rng.standard_normal(p.shape)  # random biases too, so no relu sits on its kink
    X, y = random_problem(loss, sizes, seed=13)
    _, grads = net.loss_and_grad(X, y)
    for i, p in enumerate(net.params):

        def loss_at(value, i=i):
            saved = net.params[i]
            net.params[i] = value
            try:
                return net.loss(X, y)
            finally:
                net.params[i] = saved

        numerical = numerical_gradient(loss_at, p, eps=1e-6)
        assert relative_error(grads[i], numerical) < 1e-6, f"parameter {i}"


def test_flat_gradient_matches_numerical():
    net = MLP((3, 4, 2), activation="tanh", l2=0.05, seed=5)
    X, y = random_problem("cross_entropy", (3, 4, 2), seed=6)
    flat = net.get_flat()
    _, grad = net.flat_loss_and_grad(flat, X, y)

    def loss_at(w):
        net.set_flat(w)
        return net.loss(X, y)

    assert relative_error(grad, numerical_gradient(loss_at, flat)) < 1e-6


def test_l2_gradient_is_lambda_times_weights():
    X, y = random_problem("cross_entropy", (4, 5, 3), seed=1)
    plain = MLP((4, 5, 3), seed=0)
    decayed = MLP((4, 5, 3), l2=0.7, seed=0)
    _, g_plain = plain.loss_and_grad(X, y)
    _, g_decayed = decayed.loss_and_grad(X, y)
    W1, b1, W2, b2 = decayed.params
    assert np.allclose(g_decayed[0] - g_plain[0], 0.7 * W1)
    assert np.allclose(g_decayed[2] - g_plain[2], 0.7 * W2)
    assert np.array_equal(g_decayed[1], g_plain[1]) and np.array_equal(g_decayed[3], g_plain[3])


# --- dropout ----------------------------------------------------------------------------


def test_dropout_mask_is_visible_and_scaled_inverted():
    p = 0.5
    net = MLP((3, 40, 1), activation="sigmoid", loss="mse", dropout=p, seed=4)
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((6, 3)), rng.standard_normal(6)
    loss, _ = net.loss_and_grad(X, y)
    (keep,) = net.last_dropout_masks
    assert keep.shape == (6, 40) and keep.dtype == bool
    assert 0.3 < keep.mean() < 0.7
    W1, b1, W2, b2 = net.params
    hidden = sigmoid(X @ W1 + b1) * keep / (1 - p)  # kept units scaled up by 1 / (1 - p)
    prediction = (hidden @ W2 + b2)[:, 0]
    assert loss == pytest.approx(np.mean((prediction - y) ** 2), rel=1e-12)


def test_dropped_units_get_no_gradient():
    net = MLP((3, 30, 2), activation="tanh", dropout=0.5, seed=8)
    X, y = np.random.default_rng(1).standard_normal((1, 3)), np.array([1])
    _, (gW1, gb1, gW2, gb2) = net.loss_and_grad(X, y)
    dropped = ~net.last_dropout_masks[0][0]
    assert dropped.any() and (~dropped).any()
    assert np.all(gW1[:, dropped] == 0) and np.all(gb1[dropped] == 0) and np.all(gW2[dropped] == 0)
    assert np.all(gb1[~dropped] != 0)


def test_dropout_is_off_when_predicting():
    with_dropout = MLP((3, 8, 2), dropout=0.5, seed=3)
    without = MLP((3, 8, 2), seed=3)
    X = np.random.default_rng(2).standard_normal((4, 3))
    assert np.array_equal(with_dropout.forward(X), without.forward(X))
    assert np.array_equal(with_dropout.forward(X), with_dropout.forward(X))


def test_dropout_masks_reproducible_by_seed():
    X, y = random_problem("cross_entropy", (3, 20, 2), seed=0)

    def masks(seed):
        net = MLP((3, 20, 2), dropout=0.3, seed=seed)
        net.loss_and_grad(X, y)
        first = net.last_dropout_masks[0]
        net.loss_and_grad(X, y)
        return first, net.last_dropout_masks[0]

    a, b, c = masks(1), masks(1), masks(2)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert not np.array_equal(a[0], a[1])  # a fresh mask every pass
    assert not np.array_equal(a[0], c[0])


def test_init_reproducible_by_seed():
    a, b, c = MLP((5, 6, 3), seed=1), MLP((5, 6, 3), seed=1), MLP((5, 6, 3), seed=2)
    assert all(np.array_equal(p, q) for p, q in zip(a.params, b.params))
    assert not np.array_equal(a.params[0], c.params[0])


def test_bad_arguments():
    with pytest.raises(ValueError):
        MLP((2, 2), activation="softplus")
    with pytest.raises(ValueError):
        MLP((2, 2), loss="hinge")
    with pytest.raises(ValueError):
        MLP((2, 2), dropout=1.0)


# --- training on the digits --------------------------------------------------------------


@pytest.fixture(scope="module")
def digits_split():
    return train_val_test_split(*load_digits(), seed=0)


@pytest.fixture(scope="module")
def small_train_split(digits_split):
    return digits_split._replace(X_train=digits_split.X_train[:50], y_train=digits_split.y_train[:50])


def test_digits_net_reaches_90_percent(digits_split):
    net = MLP((64, 32, 10), activation="sigmoid", seed=0)
    history = train(net, digits_split, Adam(lr=0.01), epochs=15, batch_size=32, seed=0)
    assert isinstance(history, History) and history.epochs == 15
    assert len(history.val_loss) == len(history.train_accuracy) == len(history.val_accuracy) == 15
    assert accuracy(net, digits_split.X_test, digits_split.y_test) >= 0.90
    assert history.train_loss[-1] < history.train_loss[0]


def test_plain_sgd_with_a_number_as_optimizer(digits_split):
    net = MLP((64, 32, 10), activation="tanh", seed=0)
    history = train(net, digits_split, 0.5, epochs=8, batch_size=32, seed=0)
    assert history.val_accuracy[-1] >= 0.85


def test_big_net_on_few_samples_overfits(small_train_split):
    net = MLP((64, 128, 10), activation="sigmoid", seed=0)
    history = train(net, small_train_split, Adam(lr=0.01), epochs=60, batch_size=10, seed=0)
    assert history.train_accuracy[-1] >= 0.99
    assert history.train_accuracy[-1] - history.val_accuracy[-1] >= 0.10
    assert history.val_loss[-1] > 2 * history.train_loss[-1] + 0.1


def test_early_stopping_restores_the_best_weights(small_train_split):
    net = MLP((64, 128, 10), activation="sigmoid", seed=0)
    history = train(net, small_train_split, Adam(lr=0.01), epochs=200, batch_size=10, seed=0, patience=5)
    assert history.stopped_early
    assert history.epochs < 200
    assert history.best_epoch == int(np.argmin(history.val_loss))
    assert history.epochs == history.best_epoch + 1 + 5
    restored = net.loss(small_train_split.X_val, small_train_split.y_val, include_l2=False)
    assert restored == pytest.approx(min(history.val_loss), rel=1e-12)


def test_training_reproducible_by_seed(small_train_split):
    def run(seed):
        net = MLP((64, 16, 10), dropout=0.2, seed=0)
        history = train(net, small_train_split, SGD(lr=0.5), epochs=5, batch_size=8, seed=seed)
        return net.get_flat(), history

    (w1, h1), (w2, h2), (w3, _) = run(1), run(1), run(2)
    assert np.array_equal(w1, w2)
    assert h1.val_loss == h2.val_loss
    assert not np.array_equal(w1, w3)


def test_regression_training_lowers_the_loss():
    rng = np.random.default_rng(0)
    x = np.linspace(-1, 1, 40)[:, None]
    y = np.sin(3 * x[:, 0]) + 0.05 * rng.standard_normal(40)
    split = train_val_test_split(x, y, seed=0)
    net = MLP((1, 16, 1), activation="tanh", loss="mse", seed=0)
    history = train(net, split, Adam(lr=0.02), epochs=150, batch_size=8, seed=0)
    assert history.train_loss[-1] < 0.1 * history.train_loss[0]
    assert np.isnan(history.train_accuracy[-1])
