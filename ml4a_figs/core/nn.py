"""A small multi-layer perceptron with backpropagation, in plain numpy.

Enough of a neural network to show what the chapter is about: forward pass,
loss, backpropagation, a check of backprop against finite differences,
L2 weight decay, dropout, and a training loop with early stopping.
"""

from dataclasses import dataclass, field

import numpy as np

from .losses import sigmoid
from .optim import SGD, Optimizer, batch_indices

# --- Activations -------------------------------------------------------------
# Each entry: the function, and its derivative written in terms of the
# pre-activation z and the activation a = f(z) (whichever is cheaper).


ACTIVATIONS = {
    "sigmoid": (sigmoid, lambda z, a: a * (1.0 - a)),
    "tanh": (np.tanh, lambda z, a: 1.0 - a * a),
    "relu": (lambda z: np.maximum(z, 0.0), lambda z, a: (z > 0).astype(float)),
}

LOSSES = ("cross_entropy", "mse")


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)  # same result, no overflow
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


# --- The network ---------------------------------------------------------------


class MLP:
    """A fully connected network: sizes = (n_inputs, hidden..., n_outputs).

    loss="cross_entropy": the output is a softmax over classes and y holds
    integer labels.  loss="mse": the output is linear and y holds targets.
    l2 adds ½·l2·Σw² over the weights (not the biases) to the loss.
    dropout is the probability of zeroing each hidden unit while training.
    """

    def __init__(self, sizes, activation="sigmoid", loss="cross_entropy", l2=0.0, dropout=0.0, seed=0):
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {activation!r}")
        if loss not in LOSSES:
            raise ValueError(f"loss must be one of {LOSSES}, got {loss!r}")
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {dropout}")
        self.sizes = tuple(sizes)
        self.activation = activation
        self.loss_type = loss
        self.l2 = l2
        self.dropout = dropout
        init_rng, dropout_rng = np.random.default_rng(seed).spawn(2)
        self._dropout_rng = dropout_rng
        self.params = []
        for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:]):
            # scale so each unit's input has roughly unit variance at the start
            # (He's factor 2 for relu, which zeroes half of its inputs)
            gain = 2.0 if activation == "relu" else 1.0
            W = init_rng.standard_normal((n_in, n_out)) * np.sqrt(gain / n_in)
            b = np.zeros(n_out)
            self.params += [W, b]
        self.last_dropout_masks = []  # one boolean array per hidden layer, True = kept

    @property
    def n_params(self):
        return sum(p.size for p in self.params)

    @property
    def weights(self):
        return self.params[0::2]

    # --- forward ----------------------------------------------------------------

    def _forward(self, X, train):
        """Run the net, keeping what backprop needs: each layer's input, z and a."""
        f, _ = ACTIVATIONS[self.activation]
        a = np.asarray(X, dtype=float)
        layers = []  # (input to the layer, its z, its activation, its dropout scale)
        masks = []
        n_layers = len(self.params) // 2
        for i in range(n_layers):
            W, b = self.params[2 * i], self.params[2 * i + 1]
            z = a @ W + b
            if i == n_layers - 1:
                out = softmax(z) if self.loss_type == "cross_entropy" else z
                layers.append((a, z, out, None))
                break
            h = f(z)
            scale = None
            if train and self.dropout > 0:
                # inverted dropout: scale the kept units up now, so nothing
                # has to change at test time
                keep = self._dropout_rng.random(h.shape) >= self.dropout
                masks.append(keep)
                scale = keep / (1.0 - self.dropout)
            layers.append((a, z, h, scale))
            a = h if scale is None else h * scale
        if train and self.dropout > 0:
            self.last_dropout_masks = masks
        return out, layers

    def forward(self, X):
        """Outputs for X (no dropout): class probabilities, or predictions for mse."""
        out, _ = self._forward(X, train=False)
        return out

    def activations(self, X):
        """Every layer's values for X, input first and output last (no dropout):
        what a diagram needs to show how a change travels through the net."""
        out, layers = self._forward(X, train=False)
        return [layers[0][0]] + [h for _, _, h, _ in layers[:-1]] + [out]

    def predict(self, X):
        """Class labels (cross_entropy) or predicted values (mse)."""
        out = self.forward(X)
        if self.loss_type == "cross_entropy":
            return out.argmax(axis=1)
        return out[:, 0] if out.shape[1] == 1 else out

    # --- loss ---------------------------------------------------------------------

    def _targets(self, y, out):
        if self.loss_type == "cross_entropy":
            onehot = np.zeros_like(out)
            onehot[np.arange(len(y)), np.asarray(y)] = 1.0
            return onehot
        y = np.asarray(y, dtype=float)
        return y.reshape(out.shape)

    def _data_loss(self, out, target):
        if self.loss_type == "cross_entropy":
            return -np.mean(np.sum(target * np.log(out + 1e-300), axis=1))
        return np.mean((out - target) ** 2)

    def _penalty(self):
        return 0.5 * self.l2 * sum(np.sum(W * W) for W in self.weights)

    def loss(self, X, y, include_l2=True):
        """Loss on (X, y) without dropout, as used for monitoring."""
        out = self.forward(X)
        data_loss = self._data_loss(out, self._targets(y, out))
        return data_loss + (self._penalty() if include_l2 else 0.0)

    def loss_and_grad(self, X, y):
        """Training loss (with dropout, if any) and its gradient for every parameter.

        Returns (loss, grads) where grads lines up with self.params.
        """
        _, df = ACTIVATIONS[self.activation]
        out, layers = self._forward(X, train=True)
        target = self._targets(y, out)
        loss = self._data_loss(out, target) + self._penalty()

        # dLoss/dz at the output: softmax + cross-entropy and linear + mse both
        # give "prediction minus target", up to the averaging constant
        if self.loss_type == "cross_entropy":
            delta = (out - target) / len(out)
        else:
            delta = 2.0 * (out - target) / out.size

        grads = [None] * len(self.params)
        for i in reversed(range(len(layers))):
            a_in = layers[i][0]
            W = self.params[2 * i]
            grads[2 * i] = a_in.T @ delta + self.l2 * W
            grads[2 * i + 1] = delta.sum(axis=0)
            if i > 0:
                _, z_prev, h_prev, scale_prev = layers[i - 1]
                delta = delta @ W.T
                if scale_prev is not None:
                    delta = delta * scale_prev
                delta = delta * df(z_prev, h_prev)
        return loss, grads

    # --- all parameters as one vector (what the optimizers work on) ----------------

    def get_flat(self):
        return np.concatenate([p.ravel() for p in self.params])

    def set_flat(self, flat):
        start = 0
        for i, p in enumerate(self.params):
            self.params[i] = np.array(flat[start : start + p.size], dtype=float).reshape(p.shape)
            start += p.size

    def flat_loss_and_grad(self, flat, X, y):
        """loss_and_grad at the parameter vector `flat` (which becomes the net's parameters)."""
        self.set_flat(flat)
        loss, grads = self.loss_and_grad(X, y)
        return loss, np.concatenate([g.ravel() for g in grads])


def accuracy(net, X, y):
    """Fraction of samples whose predicted class is the true one."""
    return float(np.mean(net.predict(X) == np.asarray(y)))


def numerical_gradient(f, w, eps=1e-6):
    """Central differences: df/dw_i ≈ (f(w + eps e_i) - f(w - eps e_i)) / (2 eps).

    Slow (two evaluations of f per component) but obviously right, which is
    what makes it a good check on backpropagation.
    """
    w = np.array(w, dtype=float)
    grad = np.zeros_like(w)
    for i in np.ndindex(w.shape):
        original = w[i]
        w[i] = original + eps
        f_plus = f(w)
        w[i] = original - eps
        f_minus = f(w)
        w[i] = original
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


# --- Training -----------------------------------------------------------------------


@dataclass
class History:
    """What happened during training, one entry per epoch.

    Losses are the data loss without the L2 term and without dropout, so that
    training and validation curves are comparable.  Accuracies are NaN for
    regression nets.
    """

    train_loss: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    train_accuracy: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)
    best_epoch: int = -1  # index of the epoch with the lowest validation loss
    stopped_early: bool = False

    @property
    def epochs(self):
        return len(self.train_loss)


def early_stop_epoch(val_loss, patience):
    """The early-stopping rule: the epoch at which `patience` epochs in a row have brought
    no new lowest validation loss, or None if that never happens. train() stops there."""
    best, waited = np.inf, 0
    for epoch, loss in enumerate(val_loss):
        if loss < best:
            best, waited = loss, 0
        else:
            waited += 1
            if waited >= patience:
                return epoch
    return None


def train(net, data, optimizer, epochs, batch_size=32, seed=0, patience=None):
    """Mini-batch training of `net` on data.X_train / y_train, watching data.X_val / y_val.

    optimizer: an Optimizer from optim.py, or a number meaning SGD with that lr.
    patience: if given, stop once the validation loss has not improved for that
    many epochs, and put back the weights from the best epoch.
    Returns a History.
    """
    if not isinstance(optimizer, Optimizer):
        optimizer = SGD(lr=float(optimizer))
    optimizer.reset()
    rng = np.random.default_rng(seed)
    is_classifier = net.loss_type == "cross_entropy"
    history = History()
    best_val_loss = np.inf
    best_flat = net.get_flat()

    flat = net.get_flat()
    for epoch in range(epochs):
        for idx in batch_indices(len(data.X_train), batch_size, rng):
            Xb, yb = data.X_train[idx], data.y_train[idx]
            flat = optimizer.step(flat, lambda w: net.flat_loss_and_grad(w, Xb, yb)[1])
            net.set_flat(flat)

        history.train_loss.append(float(net.loss(data.X_train, data.y_train, include_l2=False)))
        history.val_loss.append(float(net.loss(data.X_val, data.y_val, include_l2=False)))
        history.train_accuracy.append(accuracy(net, data.X_train, data.y_train) if is_classifier else np.nan)
        history.val_accuracy.append(accuracy(net, data.X_val, data.y_val) if is_classifier else np.nan)

        if history.val_loss[-1] < best_val_loss:
            best_val_loss = history.val_loss[-1]
            best_flat = flat.copy()
            history.best_epoch = epoch
        if patience is not None and early_stop_epoch(history.val_loss, patience) == epoch:
            history.stopped_early = True
            break

    if patience is not None:
        net.set_flat(best_flat)
    return history
