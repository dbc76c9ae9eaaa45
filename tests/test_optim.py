import math

import numpy as np
import pytest

from ml4a_figs import optim
from ml4a_figs.data import seven_points
from ml4a_figs.optim import SGD, AdaDelta, AdaGrad, Adam, Momentum, Nesterov, RMSprop, descend

# f(x) = k * x² in one dimension, gradient 2 k x.  k = 1e-8 makes gradients so
# small that the placement of eps in each rule changes the numbers.
SCALES = [1.0, 1e-8]


def quadratic_grad(k):
    return lambda x: 2.0 * k * x


def run(optimizer, grad, x0, steps):
    return descend(grad, np.array([x0]), optimizer, steps)[:, 0]


# --- first steps, worked out from each published rule ----------------------------


def test_sgd_first_steps_by_hand():
    # x <- x - lr * 2x with lr = 0.1: 3 -> 2.4 -> 1.92 -> 1.536
    assert run(SGD(lr=0.1), quadratic_grad(1.0), 3.0, 3) == pytest.approx([3.0, 2.4, 1.92, 1.536], rel=1e-14)


def test_momentum_first_steps_by_hand():
    # buf = g on the first step, then buf = 0.9 buf + g; x <- x - 0.1 buf
    # g=6, buf=6, x=2.4;  g=4.8, buf=10.2, x=1.38;  g=2.76, buf=11.94, x=0.186
    expected = [3.0, 2.4, 1.38, 0.186]
    assert run(Momentum(lr=0.1, momentum=0.9), quadratic_grad(1.0), 3.0, 3) == pytest.approx(expected, rel=1e-12)


def test_nesterov_first_steps_by_hand():
    # z <- 0.9 z + grad(x - 0.1 * 0.9 * z);  x <- x - 0.1 z;  z starts at 0
    # step 1: look at 3,      g = 6,      z = 6,      x = 2.4
    # step 2: look at 1.86,   g = 3.72,   z = 9.12,   x = 1.488
    # step 3: look at 0.6672, g = 1.3344, z = 9.5424, x = 0.53376
    expected = [3.0, 2.4, 1.488, 0.53376]
    assert run(Nesterov(lr=0.1, momentum=0.9), quadratic_grad(1.0), 3.0, 3) == pytest.approx(expected, rel=1e-12)


def test_nesterov_asks_for_the_gradient_at_the_lookahead_point():
    asked_at = []

    def grad(x):
        asked_at.append(float(x[0]))
        return 2.0 * x

    descend(grad, [3.0], Nesterov(lr=0.1, momentum=0.9), 3)
    assert asked_at == pytest.approx([3.0, 1.86, 0.6672], rel=1e-12)


def test_nesterov_records_its_step_vectors():
    opt = Nesterov(lr=0.1, momentum=0.9)
    descend(quadratic_grad(1.0), [3.0], opt, 2)
    last = opt.last  # the second step: from x = 2.4 with z = 6
    assert last.lookahead == pytest.approx([1.86])
    assert last.momentum_step == pytest.approx([-0.54])
    assert last.gradient_step == pytest.approx([-0.372])
    assert last.step == pytest.approx([-0.912])
    assert last.z == pytest.approx([9.12])


def test_nesterov_step_vectors_in_2d():
    # grad of x² + 10 y² is (2x, 20y); from x = (1, 1) with z = (1, -1), lr 0.1, momentum 0.5
    grad = lambda p: np.array([2 * p[0], 20 * p[1]])  # noqa: E731
    x, z = np.array([1.0, 1.0]), np.array([1.0, -1.0])
    parts = optim.nesterov_step_vectors(grad, x, z, lr=0.1, momentum=0.5)
    assert parts.momentum_step == pytest.approx([-0.05, 0.05])
    assert parts.lookahead == pytest.approx([0.95, 1.05])
    assert parts.gradient_step == pytest.approx([-0.19, -2.1])
    assert parts.step == pytest.approx([-0.24, -2.05])
    assert parts.z == pytest.approx([0.5 + 1.9, -0.5 + 21.0])


@pytest.mark.parametrize("k", SCALES)
def test_adagrad_rule(k):
    lr, eps = 0.5, 1e-10
    x, state_sum, expected = 3.0, 0.0, [3.0]
    for _ in range(3):
        g = 2 * k * x
        state_sum = state_sum + g * g
        x = x - lr * g / (math.sqrt(state_sum) + eps)
        expected.append(x)
    assert run(AdaGrad(lr=lr, eps=eps), quadratic_grad(k), 3.0, 3) == pytest.approx(expected, rel=1e-12)


def test_adagrad_first_step_by_hand():
    # g = 6, state_sum = 36, x <- 3 - 0.5 * 6 / 6 = 2.5
    assert run(AdaGrad(lr=0.5), quadratic_grad(1.0), 3.0, 1)[1] == pytest.approx(2.5, rel=1e-9)


@pytest.mark.parametrize("k", SCALES)
def test_adadelta_rule(k):
    lr, rho, eps = 1.0, 0.9, 1e-6
    x, square_avg, acc_delta, expected = 3.0, 0.0, 0.0, [3.0]
    for _ in range(3):
        g = 2 * k * x
        square_avg = rho * square_avg + (1 - rho) * g * g
        delta = math.sqrt(acc_delta + eps) / math.sqrt(square_avg + eps) * g
        acc_delta = rho * acc_delta + (1 - rho) * delta * delta
        x = x - lr * delta
        expected.append(x)
    got = run(AdaDelta(lr=lr, rho=rho, eps=eps), quadratic_grad(k), 3.0, 3)
    assert got == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("k", SCALES)
def test_rmsprop_rule(k):
    lr, alpha, eps = 0.01, 0.99, 1e-8
    x, square_avg, expected = 3.0, 0.0, [3.0]
    for _ in range(3):
        g = 2 * k * x
        square_avg = alpha * square_avg + (1 - alpha) * g * g
        x = x - lr * g / (math.sqrt(square_avg) + eps)
        expected.append(x)
    got = run(RMSprop(lr=lr, alpha=alpha, eps=eps), quadratic_grad(k), 3.0, 3)
    assert got == pytest.approx(expected, rel=1e-12)


def test_rmsprop_first_step_by_hand():
    # square_avg = 0.01 * 36 = 0.36, sqrt = 0.6: x <- 3 - 0.01 * 6 / 0.6 = 2.9
    assert run(RMSprop(lr=0.01), quadratic_grad(1.0), 3.0, 1)[1] == pytest.approx(2.9, rel=1e-9)


@pytest.mark.parametrize("k", SCALES)
def test_adam_rule(k):
    lr, beta1, beta2, eps = 0.1, 0.9, 0.999, 1e-8
    x, m, v, expected = 3.0, 0.0, 0.0, [3.0]
    for t in range(1, 4):
        g = 2 * k * x
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        m_hat = m / (1 - beta1**t)
        v_hat = v / (1 - beta2**t)
        x = x - lr * m_hat / (math.sqrt(v_hat) + eps)
        expected.append(x)
    got = run(Adam(lr=lr, betas=(beta1, beta2), eps=eps), quadratic_grad(k), 3.0, 3)
    assert got == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("k", [1e-3, 1.0, 1e3])
def test_adam_first_step_is_lr_whatever_the_gradient_scale(k):
    # bias correction: m_hat = g and v_hat = g² after one step, so the step is lr * g / |g|
    path = run(Adam(lr=0.05), quadratic_grad(k), 3.0, 1)
    assert abs(path[1] - path[0]) == pytest.approx(0.05, rel=1e-5)
    # without the correction it would have been lr * 0.1 / sqrt(0.001), about 3.16 lr
    assert abs(path[1] - path[0]) < 0.06


# --- every optimizer gets to the bottom of a bowl -----------------------------------

BOWL_CENTRE = np.array([1.0, -2.0])
BOWL_CURVATURE = np.array([1.0, 10.0])  # f = (x - 1)² + 10 (y + 2)²


def bowl_grad(p):
    return 2 * BOWL_CURVATURE * (p - BOWL_CENTRE)


@pytest.mark.parametrize(
    "optimizer",
    [
        SGD(lr=0.05),
        Momentum(lr=0.02, momentum=0.9),
        Nesterov(lr=0.02, momentum=0.9),
        AdaGrad(lr=0.5),
        AdaDelta(),
        RMSprop(lr=0.05),
        Adam(lr=0.1),
    ],
    ids=lambda o: o.name,
)
def test_reaches_the_bottom_of_a_convex_quadratic(optimizer):
    path = descend(bowl_grad, [-3.0, 2.0], optimizer, 2000)
    assert path[-1] == pytest.approx(BOWL_CENTRE, abs=1e-6)


def test_names():
    optimizers = [SGD(0.1), Momentum(0.1, 0.9), Nesterov(0.1, 0.9), AdaGrad(), AdaDelta(), RMSprop(), Adam()]
    assert [o.name for o in optimizers] == ["SGD", "Momentum", "Nesterov", "AdaGrad", "AdaDelta", "RMSprop", "Adam"]


def test_torch_default_hyperparameters():
    assert (AdaDelta().lr, AdaDelta().rho, AdaDelta().eps) == (1.0, 0.9, 1e-6)
    assert (RMSprop().alpha, RMSprop().eps) == (0.99, 1e-8)
    assert (Adam().betas, Adam().eps) == ((0.9, 0.999), 1e-8)
    assert AdaGrad().eps == 1e-10


# --- descend -------------------------------------------------------------------------


def test_descend_path_shape_and_first_row():
    path = descend(bowl_grad, [-3.0, 2.0], SGD(0.01), 25)
    assert path.shape == (26, 2)
    assert path[0].tolist() == [-3.0, 2.0]


def test_descend_does_not_modify_x0():
    x0 = np.array([-3.0, 2.0])
    descend(bowl_grad, x0, Adam(0.1), 5)
    assert x0.tolist() == [-3.0, 2.0]


@pytest.mark.parametrize(
    "make",
    [lambda: Momentum(0.02, 0.9), lambda: Nesterov(0.02, 0.9), AdaGrad, AdaDelta, RMSprop, lambda: Adam(0.1)],
)
def test_no_state_leaks_between_runs(make):
    optimizer = make()
    first = descend(bowl_grad, [-3.0, 2.0], optimizer, 30)
    second = descend(bowl_grad, [-3.0, 2.0], optimizer, 30)  # same object, reused
    fresh = descend(bowl_grad, [-3.0, 2.0], make(), 30)
    assert np.array_equal(first, second)
    assert np.array_equal(first, fresh)


def test_reset_makes_the_next_step_a_first_step():
    opt = Adam(0.1)
    x = np.array([-3.0, 2.0])
    first = opt.step(x, bowl_grad)
    opt.step(first, bowl_grad)
    opt.reset()
    assert np.array_equal(opt.step(x, bowl_grad), first)


# --- batch, mini-batch and stochastic descent ---------------------------------------


def line_grad_on_batch(p, xb, yb):
    m, b = p
    residual = yb - (m * xb + b)
    return np.array([-2 * np.mean(xb * residual), -2 * np.mean(residual)])


def test_full_batch_is_plain_gradient_descent():
    x, y = seven_points()
    path = optim.minibatch_descend(line_grad_on_batch, [0.0, 0.0], SGD(0.05), x, y, batch_size=7, epochs=50, seed=0)
    full = descend(lambda p: line_grad_on_batch(p, x, y), [0.0, 0.0], SGD(0.05), 50)
    assert path.shape == (51, 2)
    assert np.allclose(path, full, rtol=1e-12, atol=1e-12)


def test_stochastic_descent_uses_each_point_once_per_epoch():
    x, y = seven_points()
    lr = 0.01
    path = optim.minibatch_descend(line_grad_on_batch, [0.0, 0.0], SGD(lr), x, y, batch_size=1, epochs=2, seed=3)
    assert path.shape == (1 + 2 * 7, 2)
    for epoch in range(2):
        used = []
        for k in range(1 + 7 * epoch, 1 + 7 * (epoch + 1)):
            # which single point explains this update?
            matches = [
                i for i in range(7)
                if np.allclose(path[k], path[k - 1] - lr * line_grad_on_batch(path[k - 1], x[i : i + 1], y[i : i + 1]))
            ]
            assert len(matches) == 1
            used.append(matches[0])
        assert sorted(used) == list(range(7))


def test_minibatch_counts_updates_and_is_seeded():
    x, y = seven_points()

    def path_for(seed):
        return optim.minibatch_descend(
            line_grad_on_batch, [0.0, 0.0], Momentum(0.01, 0.9), x, y, batch_size=3, epochs=4, seed=seed
        )

    a, b, c = path_for(5), path_for(5), path_for(6)
    assert a.shape == (1 + 4 * 3, 2)  # batches of 3, 3 and 1 each epoch
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


def test_stochastic_descent_ends_near_least_squares():
    x, y = seven_points()
    path = optim.minibatch_descend(line_grad_on_batch, [0.0, 0.0], SGD(0.005), x, y, batch_size=1, epochs=3000, seed=0)
    assert path[-1] == pytest.approx([0.336, 0.805], abs=0.05)


def test_first_step_lengths_the_docstrings_state():
    """RMSprop's first step is lr / sqrt(1 - alpha) per coordinate; Adam's, with its
    bias correction, lr; without it, lr (1 - b1) / sqrt(1 - b2), larger, not tiny."""
    import numpy as np

    from ml4a_figs import optim as o

    g = np.array([3.0, -0.02])
    grad = lambda x: g  # noqa: E731
    rms = o.RMSprop(lr=0.01, alpha=0.99, eps=0.0)
    np.testing.assert_allclose(np.abs(rms.step(np.zeros(2), grad)), 0.01 / np.sqrt(0.01))
    adam = o.Adam(lr=0.01, eps=0.0)
    np.testing.assert_allclose(np.abs(adam.step(np.zeros(2), grad)), 0.01)
    b1, b2 = adam.betas
    uncorrected = 0.01 * (1 - b1) / np.sqrt(1 - b2)
    assert uncorrected > 3 * 0.01
