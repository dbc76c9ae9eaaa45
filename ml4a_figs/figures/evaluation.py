"""Figures of "Hyperparameters and evaluation": overfitting, dropout, and the
training and validation curves of a real network on the handwritten digits."""

from __future__ import annotations

import numpy as np

from .. import style
from ..core.data import load_digits, overfitting_points, overfitting_trend, train_val_test_split
from ..core.nn import MLP, accuracy, train
from ..core.optim import Adam
from .registry import declare
from .diagrams import NODE_RADIUS, layer_positions

# --- overfitting -----------------------------------------------------------------

# data.py's default seed (0) happens to give the tamest degree-10 interpolant of
# seeds 0-11 (it strays at most 0.15 from the trend inside [-1, 1]; the median
# seed strays ~1.0), which would hide what the chapter is showing.  Seed 6 is a
# typical draw (1.2).
OVERFITTING_FIGURE_SEED = 6
OVERFIT_DEGREE = 10  # 11 points: the lowest degree that passes through all of them


def overfitting_fits(seed=OVERFITTING_FIGURE_SEED) -> dict:
    """Least-squares fits of degree 1 and 10 to the eleven points, and their training errors."""
    x, y = overfitting_points(seed=seed)
    line = np.polynomial.Polynomial.fit(x, y, 1)
    curve = np.polynomial.Polynomial.fit(x, y, OVERFIT_DEGREE)
    # a little past the outer points, where the curve's swings are largest
    xs = np.linspace(x.min() - 0.04, x.max() + 0.04, 500)
    inside = (xs >= x.min()) & (xs <= x.max())
    return {
        "x": x, "y": y, "xs": xs,
        "line": line(xs), "curve": curve(xs), "trend": overfitting_trend(xs),
        "line_mse": float(np.mean((line(x) - y) ** 2)),
        "curve_mse": float(np.mean((curve(x) - y) ** 2)),
        "line_max_residual": float(np.max(np.abs(line(x) - y))),
        "curve_max_residual": float(np.max(np.abs(curve(x) - y))),
        # the y-range worth showing: the points and the curve between the outer points
        "ylim": (float(min(y.min(), curve(xs[inside]).min())),
                 float(max(y.max(), curve(xs[inside]).max()))),
    }


def draw_overfitting(x, y, xs, line, curve, trend, line_mse, curve_mse, line_max_residual,
                     curve_max_residual, ylim):
    fig = style.new_figure(6.4, 3.6)
    ax = fig.add_subplot()
    ax.plot(xs, trend, "--", color=style.GREY, linewidth=1.2, alpha=0.7,
            label="trend the points came from")
    ax.plot(xs, line, color=style.BLACK, linewidth=2.0,
            label=f"straight line: training error {line_mse:.3f}")
    ax.plot(xs, curve, color=style.FIT, linewidth=2.0,
            label=f"degree-10 polynomial: training error {curve_mse:.3f}")
    ax.plot(x, y, "o", color=style.DATA, markersize=7, zorder=5, label="data")
    lo, hi = ylim
    pad = 0.12 * (hi - lo)
    ax.set(xlim=(xs.min(), xs.max()), ylim=(lo - pad, hi + pad), xlabel="x", ylabel="y")
    ax.legend(loc="lower center", frameon=False, fontsize=10)
    return fig


declare("overfitting", compute=overfitting_fits, draw=draw_overfitting, formats=("svg",),
        alt="Eleven noisy data points lying along a gentle arch. A straight line passes near "
            "them with some error; a degree-10 polynomial passes exactly through every point "
            "but swings up and down between the outer points and dives off at both ends.")

# --- dropout ---------------------------------------------------------------------

DROPOUT_SIZES = (4, 6, 6, 2)
DROPOUT_P = 0.5
DROPOUT_SEED = 4


def dropout_mask(sizes=DROPOUT_SIZES, p=DROPOUT_P, seed=DROPOUT_SEED) -> dict:
    """The mask the MLP itself draws in one training step (one sample), per layer.

    Input and output neurons are never dropped (the MLP only drops hidden units).
    """
    net = MLP(sizes, dropout=p, seed=seed)
    rng = np.random.default_rng(seed)
    X = rng.uniform(0.0, 1.0, size=(1, sizes[0]))
    y = rng.integers(0, sizes[-1], size=1)
    net.loss_and_grad(X, y)  # a training step's forward and backward pass
    hidden = [mask[0].copy() for mask in net.last_dropout_masks]
    kept = [np.ones(sizes[0], bool)] + hidden + [np.ones(sizes[-1], bool)]
    return {"sizes": sizes, "kept": kept, "p": p}


def draw_dropout(sizes, kept, p):
    fig = style.new_figure(7.0, 3.0)
    n_hidden = sum(sizes[1:-1])
    n_dropped = int(sum((~k).sum() for k in kept))
    panels = [("Standard network", [np.ones_like(k) for k in kept]),
              (f"One training step with dropout (p = {p:g})", kept)]
    for col, (title, on) in enumerate(panels):
        ax = fig.add_subplot(1, 2, col + 1)
        _draw_net(ax, sizes, on)
        ax.set_title(title, fontsize=11)
    fig.supxlabel(f"{n_dropped} of {n_hidden} hidden neurons dropped, with all their connections",
                  fontsize=10, color="#444444")
    return fig


def _draw_net(ax, sizes, on):
    """The look of diagrams.draw_network, drawn as three SVG elements instead of one
    per weight and neuron (which made this figure a 60 kB SVG).

    on[l][i]: whether neuron i of layer l takes part; the others are greyed and
    crossed out, and every weight touching them is left out.
    """
    from matplotlib.collections import EllipseCollection

    pos = layer_positions(tuple(sizes))
    edges = [(pos[l][i], pos[l + 1][j])
             for l in range(len(sizes) - 1)
             for i in range(sizes[l]) for j in range(sizes[l + 1])
             if on[l][i] and on[l + 1][j]]
    ax.plot(*_segments(edges), color=style.GREY, linewidth=1.0, alpha=0.8,
            solid_capstyle="round", zorder=1)
    centres = np.vstack(pos)
    alive = np.concatenate(on).astype(bool)
    ax.add_collection(EllipseCollection(
        2 * NODE_RADIUS, 2 * NODE_RADIUS, 0.0, units="xy", offsets=centres,
        offset_transform=ax.transData, zorder=3, linewidths=1.4,
        facecolors=[("white" if a else "#BBBBBB") for a in alive],
        edgecolors=[(style.BLACK if a else style.GREY) for a in alive]))
    r = NODE_RADIUS * 0.75
    crosses = [seg for (x, y), a in zip(centres, alive) if not a
               for seg in (((x - r, y - r), (x + r, y + r)), ((x - r, y + r), (x + r, y - r)))]
    if crosses:
        ax.plot(*_segments(crosses), color=style.BLACK, linewidth=1.6, zorder=4)
    pad = NODE_RADIUS + 0.08
    ax.set_xlim(centres[:, 0].min() - pad, centres[:, 0].max() + pad)
    ax.set_ylim(centres[:, 1].min() - pad, centres[:, 1].max() + pad)
    ax.set_aspect("equal")
    ax.axis("off")


def _segments(pairs):
    """x and y of many separate segments as one line, NaN between them (one SVG path)."""
    xy = np.array([[a, b, (np.nan, np.nan)] for a, b in pairs], dtype=float).reshape(-1, 2)
    return xy[:, 0], xy[:, 1]


declare("dropout", compute=dropout_mask, draw=draw_dropout, formats=("svg",),
        alt="Left: a fully connected network with four inputs, two hidden layers of six neurons "
            "and two outputs. Right: the same network in one training step with dropout: half "
            "of the hidden neurons are greyed out and crossed, and all of their connections "
            "are gone.")

# --- digits_curves ----------------------------------------------------------------

# A net with far more parameters (4,810) than training images (150), so it can
# memorise them: the setting where overfitting shows within a few dozen epochs.
DIGITS_SIZES = (64, 64, 10)
DIGITS_TRAIN = 150
DIGITS_EPOCHS = 50
DIGITS_LR = 0.005
DIGITS_BATCH = 32
DIGITS_L2 = 3e-3
DIGITS_DROPOUT = 0.5
DIGITS_PATIENCE = 10
DIGITS_RUNS = (
    ("No regularization", 0.0, 0.0),
    (f"L2 (λ = {DIGITS_L2:g})", DIGITS_L2, 0.0),
    (f"Dropout (p = {DIGITS_DROPOUT:g})", 0.0, DIGITS_DROPOUT),
)


def digits_split(n_train=DIGITS_TRAIN):
    """The digits cut 60/20/20, then only the first n_train training images kept."""
    split = train_val_test_split(*load_digits(), seed=0)
    return split._replace(X_train=split.X_train[:n_train], y_train=split.y_train[:n_train])


def early_stop_epoch(val_loss, patience):
    """The epoch where nn.train(patience=...) gives up: `patience` epochs without a new best."""
    best, waited = np.inf, 0
    for epoch, loss in enumerate(val_loss):
        if loss < best:
            best, waited = loss, 0
        else:
            waited += 1
            if waited >= patience:
                return epoch
    return None


def digits_curves_data() -> dict:
    """Train the same small net three ways on 150 digits and keep every epoch's scores."""
    from threadpoolctl import threadpool_limits

    split = digits_split()
    runs = []
    # one BLAS thread: these matrices are small, and threads only fight each other
    # (and the other figures built in parallel)
    with threadpool_limits(1):
        for title, l2, dropout in DIGITS_RUNS:
            net = MLP(DIGITS_SIZES, activation="relu", l2=l2, dropout=dropout, seed=0)
            h = train(net, split, Adam(lr=DIGITS_LR), epochs=DIGITS_EPOCHS,
                      batch_size=DIGITS_BATCH, seed=0)
            runs.append({
                "title": title,
                "train_loss": np.array(h.train_loss), "val_loss": np.array(h.val_loss),
                "train_accuracy": np.array(h.train_accuracy),
                "val_accuracy": np.array(h.val_accuracy),
                "best_epoch": h.best_epoch,
                "stop_epoch": early_stop_epoch(h.val_loss, DIGITS_PATIENCE),
                "test_accuracy": accuracy(net, split.X_test, split.y_test),
            })
    return {"runs": runs}


LOSS_TICKS = (0.01, 0.03, 0.1, 0.3, 1, 3)


def draw_digits_curves(runs):
    """Loss curves, one panel per run; the final accuracies are written in each panel
    (a second row of accuracy curves would push the SVG past its size budget)."""
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

    fig = style.new_figure(7.6, 3.3)
    axes = fig.subplots(1, len(runs), sharex=True, sharey=True)
    n_epochs = len(runs[0]["train_loss"])
    for col, (ax, run) in enumerate(zip(axes, runs)):
        epochs = np.arange(1, len(run["train_loss"]) + 1)
        ax.plot(epochs, run["train_loss"], color=style.TRAIN, label="training")
        ax.plot(epochs, run["val_loss"], color=style.VALIDATION, label="validation")
        best = run["best_epoch"]
        ax.axvline(best + 1, color=style.GREY, linestyle=":", linewidth=1.2)
        ax.plot(best + 1, run["val_loss"][best], "o", color=style.VALIDATION, markersize=6,
                zorder=5)
        if run["stop_epoch"] is not None:
            # where training with patience would have halted (and gone back to `best`)
            ax.axvspan(run["stop_epoch"] + 1, n_epochs + 0.5, color=style.GREY, alpha=0.12,
                       linewidth=0)
        ax.set_title(f"{run['title']}\ntest accuracy {run['test_accuracy']:.1%}", fontsize=11)
        for y, text, color in ((0.22, "final accuracy", "#333333"),
                               (0.12, f"training {run['train_accuracy'][-1]:.0%}", style.TRAIN),
                               (0.02, f"validation {run['val_accuracy'][-1]:.0%}",
                                style.VALIDATION)):
            ax.text(0.04, y, text, transform=ax.transAxes, fontsize=10, color=color,
                    va="bottom")
        ax.set_xlabel("epoch")
        # tick marks only where they are labelled: every mark is an element of the SVG
        ax.tick_params(left=col == 0, which="both")
    ax0 = axes[0]
    ax0.set_yscale("log")
    ax0.yaxis.set_major_locator(FixedLocator(LOSS_TICKS))
    ax0.yaxis.set_minor_locator(NullLocator())
    ax0.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax0.xaxis.set_major_locator(FixedLocator([0, 25, 50]))
    ax0.set_xlim(0, n_epochs + 0.5)
    ax0.set_ylim(0.007, 3.5)
    ax0.set_ylabel("loss (log scale)")
    first = runs[0]
    if first["stop_epoch"] is not None:
        ax0.text(first["stop_epoch"] + 2, 1.0, "stopped", fontsize=10, color="#444444",
                 ha="left", va="center")
    ax0.annotate("best\nvalidation",
                 (first["best_epoch"] + 1, first["val_loss"][first["best_epoch"]]),
                 xytext=(-8, 24), textcoords="offset points", fontsize=10, color="#333333",
                 ha="right", va="bottom",
                 arrowprops={"arrowstyle": "-", "color": style.GREY, "linewidth": 0.8})
    axes[-1].legend(loc="upper right", frameon=False, fontsize=10)
    return fig


declare("digits_curves", compute=digits_curves_data, draw=draw_digits_curves,
        formats=("svg",),
        alt="Three plots of a network learning handwritten digits from 150 examples, "
            "trained without regularization, with L2 and with dropout: training and "
            "validation loss over 50 epochs on a log scale. Without regularization the "
            "training loss keeps falling while the validation loss levels off; its best "
            "epoch is marked as the early-stopping point and the epochs after it are shaded. "
            "With L2 or dropout the two loss curves stay closer together. Each plot gives its "
            "final training and validation accuracy and its test accuracy.")
