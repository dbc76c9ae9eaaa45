"""Gradient descent and its descendants, one small class each.

Every optimizer has the same two methods:

    new_x = optimizer.step(x, grad_fn)   # one update; grad_fn(x) -> gradient at x
    optimizer.reset()                    # forget everything, as if just created

The optimizer is handed the gradient *function*, not a gradient, because
Nesterov's method needs the gradient somewhere other than at x.  The update
rules (including where eps goes) follow the torch.optim documentation, so the
numbers agree with PyTorch without depending on it.  Only Nesterov follows the
chapter's look-ahead form instead.
"""

import math
from typing import NamedTuple

import numpy as np


class Optimizer:
    """Base class: holds the state between steps and knows how to clear it."""

    name = "Optimizer"

    def __init__(self):
        self.reset()

    def reset(self):
        """Forget all state so the next step is a first step."""

    def step(self, x, grad_fn):
        raise NotImplementedError

    def __repr__(self):
        settings = ", ".join(f"{k}={v}" for k, v in self.settings().items())
        return f"{type(self).__name__}({settings})"

    def settings(self):
        return {}


class SGD(Optimizer):
    """Plain gradient descent: walk downhill by lr times the slope."""

    name = "SGD"

    def __init__(self, lr):
        self.lr = lr
        super().__init__()

    def settings(self):
        return {"lr": self.lr}

    # --8<-- [start:sgd]
    def step(self, x, grad_fn):
        return x - self.lr * grad_fn(x)
    # --8<-- [end:sgd]


class Momentum(Optimizer):
    """A heavy ball: keep part of the last step, so it speeds up on long slopes.

    PyTorch's form without dampening: buf = momentum * buf + g, x -= lr * buf.
    """

    name = "Momentum"

    def __init__(self, lr, momentum):
        self.lr = lr
        self.momentum = momentum
        super().__init__()

    def settings(self):
        return {"lr": self.lr, "momentum": self.momentum}

    def reset(self):
        self.buf = None

    # --8<-- [start:momentum]
    def step(self, x, grad_fn):
        g = grad_fn(x)
        self.buf = g.copy() if self.buf is None else self.momentum * self.buf + g
        return x - self.lr * self.buf
    # --8<-- [end:momentum]


class NesterovStep(NamedTuple):
    """The pieces of one Nesterov update, for drawing its look-ahead figure."""

    lookahead: np.ndarray  # where the gradient is evaluated: x - lr * momentum * z
    momentum_step: np.ndarray  # -lr * momentum * z        (the coasting part)
    gradient_step: np.ndarray  # -lr * grad(lookahead)     (the correction)
    step: np.ndarray  # momentum_step + gradient_step  (what x actually moves)
    z: np.ndarray  # the new velocity: momentum * z + grad(lookahead)


# --8<-- [start:nesterov]
def nesterov_step_vectors(grad_fn, x, z, lr, momentum):
    """One Nesterov update in the chapter's form, split into its parts.

        z <- momentum * z + grad(x - lr * momentum * z)
        x <- x - lr * z

    First coast along the old velocity, look at the slope *there*, then correct.
    """
    momentum_step = -lr * momentum * z
    lookahead = x + momentum_step
    g = grad_fn(lookahead)
    gradient_step = -lr * g
    return NesterovStep(
        lookahead=lookahead,
        momentum_step=momentum_step,
        gradient_step=gradient_step,
        step=momentum_step + gradient_step,
        z=momentum * z + g,
    )
# --8<-- [end:nesterov]


class Nesterov(Optimizer):
    """Momentum that looks before it leaps: the gradient is taken at the look-ahead point.

    After each step, `last` holds the NesterovStep, so a figure can draw it.
    """

    name = "Nesterov"

    def __init__(self, lr, momentum):
        self.lr = lr
        self.momentum = momentum
        super().__init__()

    def settings(self):
        return {"lr": self.lr, "momentum": self.momentum}

    def reset(self):
        self.z = None
        self.last = None

    def step(self, x, grad_fn):
        z = np.zeros_like(x) if self.z is None else self.z
        self.last = nesterov_step_vectors(grad_fn, x, z, self.lr, self.momentum)
        self.z = self.last.z
        return x + self.last.step


class AdaGrad(Optimizer):
    """Per-coordinate step sizes that shrink where gradients have been large.

    state_sum += g²;  x -= lr * g / (sqrt(state_sum) + eps)
    """

    name = "AdaGrad"

    def __init__(self, lr=0.01, eps=1e-10):
        self.lr = lr
        self.eps = eps
        super().__init__()

    def settings(self):
        return {"lr": self.lr, "eps": self.eps}

    def reset(self):
        self.state_sum = None

    # --8<-- [start:adagrad]
    def step(self, x, grad_fn):
        g = grad_fn(x)
        if self.state_sum is None:
            self.state_sum = np.zeros_like(g)
        self.state_sum = self.state_sum + g * g
        return x - self.lr * g / (np.sqrt(self.state_sum) + self.eps)
    # --8<-- [end:adagrad]


class AdaDelta(Optimizer):
    """AdaGrad with a fading memory, and step sizes in the units of x.

    square_avg = rho * square_avg + (1 - rho) g²
    delta      = sqrt(acc_delta + eps) / sqrt(square_avg + eps) * g
    acc_delta  = rho * acc_delta + (1 - rho) delta²
    x         -= lr * delta
    """

    name = "AdaDelta"

    def __init__(self, lr=1.0, rho=0.9, eps=1e-6):
        self.lr = lr
        self.rho = rho
        self.eps = eps
        super().__init__()

    def settings(self):
        return {"lr": self.lr, "rho": self.rho, "eps": self.eps}

    def reset(self):
        self.square_avg = None
        self.acc_delta = None

    def step(self, x, grad_fn):
        g = grad_fn(x)
        if self.square_avg is None:
            self.square_avg = np.zeros_like(g)
            self.acc_delta = np.zeros_like(g)
        rho = self.rho
        self.square_avg = rho * self.square_avg + (1 - rho) * g * g
        std = np.sqrt(self.square_avg + self.eps)
        delta = np.sqrt(self.acc_delta + self.eps) / std * g
        self.acc_delta = rho * self.acc_delta + (1 - rho) * delta * delta
        return x - self.lr * delta


class RMSprop(Optimizer):
    """Divide by a running RMS of recent squared gradients, so that once the average
    has warmed up every coordinate moves about lr.

    square_avg = alpha * square_avg + (1 - alpha) g²;  x -= lr * g / (sqrt(square_avg) + eps)

    The average starts at zero and is not corrected for it, so the first step
    has length lr / sqrt(1 - alpha) per coordinate (10 lr for alpha = 0.99),
    whatever the scale of the gradient.
    """

    name = "RMSprop"

    def __init__(self, lr=0.01, alpha=0.99, eps=1e-8):
        self.lr = lr
        self.alpha = alpha
        self.eps = eps
        super().__init__()

    def settings(self):
        return {"lr": self.lr, "alpha": self.alpha, "eps": self.eps}

    def reset(self):
        self.square_avg = None

    def step(self, x, grad_fn):
        g = grad_fn(x)
        if self.square_avg is None:
            self.square_avg = np.zeros_like(g)
        self.square_avg = self.alpha * self.square_avg + (1 - self.alpha) * g * g
        return x - self.lr * g / (np.sqrt(self.square_avg) + self.eps)


class Adam(Optimizer):
    """RMSprop plus momentum, with both running averages corrected for starting at zero.

    m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g²
    x -= lr * m_hat / (sqrt(v_hat) + eps),  m_hat = m / (1 - b1^t),  v_hat = v / (1 - b2^t)

    Without the correction the first steps would be *larger* than lr: m and v
    start at zero, and the first step would be lr (1 - b1) / sqrt(1 - b2) per
    coordinate, about 3.2 lr for the default betas. With it the first step has
    length lr per coordinate, whatever the scale of the gradient.
    """

    name = "Adam"

    def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8):
        self.lr = lr
        self.betas = tuple(betas)
        self.eps = eps
        super().__init__()

    def settings(self):
        return {"lr": self.lr, "betas": self.betas, "eps": self.eps}

    def reset(self):
        self.t = 0
        self.m = None
        self.v = None

    # --8<-- [start:adam]
    def step(self, x, grad_fn):
        g = grad_fn(x)
        if self.m is None:
            self.m = np.zeros_like(g)
            self.v = np.zeros_like(g)
        beta1, beta2 = self.betas
        self.t += 1
        self.m = beta1 * self.m + (1 - beta1) * g
        self.v = beta2 * self.v + (1 - beta2) * g * g
        # the same arrangement of operations as torch.optim.Adam
        bias_correction1 = 1 - beta1**self.t
        bias_correction2 = 1 - beta2**self.t
        step_size = self.lr / bias_correction1
        denom = np.sqrt(self.v) / math.sqrt(bias_correction2) + self.eps
        return x - step_size * self.m / denom
    # --8<-- [end:adam]


# --- Running an optimizer -----------------------------------------------------------


# --8<-- [start:descend]
def descend(grad, x0, optimizer, steps):
    """Run `steps` updates from x0; return the path, shape (steps + 1, dim), row 0 = x0.

    The optimizer is reset first, so running it twice gives the same path.
    """
    optimizer.reset()
    x = np.array(x0, dtype=float)
    path = np.empty((steps + 1, x.size))
    path[0] = x
    for i in range(1, steps + 1):
        x = optimizer.step(x, grad)
        path[i] = x
    return path
# --8<-- [end:descend]


def batch_indices(n, batch_size, rng):
    """Shuffle 0..n-1 with rng and cut into batches (the last one may be smaller)."""
    order = rng.permutation(n)
    return [order[start : start + batch_size] for start in range(0, n, batch_size)]


def minibatch_descend(grad_on_batch, x0, optimizer, X, y, batch_size, epochs, seed=0):
    """Descent where each update sees only one batch of the data.

    grad_on_batch(x, X_batch, y_batch) -> gradient.  batch_size = len(X) is
    batch gradient descent, batch_size = 1 is stochastic gradient descent, and
    anything between is mini-batch.  The data is reshuffled (seeded) every
    epoch.  Returns the parameter path, one row per update, row 0 = x0.
    """
    optimizer.reset()
    rng = np.random.default_rng(seed)
    x = np.array(x0, dtype=float)
    path = [x]
    for _ in range(epochs):
        for idx in batch_indices(len(X), batch_size, rng):
            Xb, yb = X[idx], y[idx]
            x = optimizer.step(x, lambda p: grad_on_batch(p, Xb, yb))
            path.append(x)
    return np.array(path)
