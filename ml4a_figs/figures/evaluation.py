"""Figures of "Hyperparameters and evaluation": overfitting, dropout, and the
training and validation curves of a real network on the handwritten digits."""

from __future__ import annotations

import numpy as np

from .. import style
from ..core.data import load_digits, train_val_test_split
from ..core.nn import MLP, accuracy, early_stop_epoch, train
from ..core.optim import Adam
from .registry import declare
from .numbers import number, percent
from .overfitting_record import (OVERFITTING_FIGURE_SEED, ROUNDING,  # noqa: F401 (re-exported)
                                 overfitting_fits)
from .diagrams import NODE_RADIUS, layer_positions

# --- overfitting -----------------------------------------------------------------

def overfitting_figure() -> dict:
    """The one record of the example (overfitting_record.py), which the explorable reads too."""
    return overfitting_fits()


def draw_overfitting(theme, x, y, x_out, y_out, xs, simple, complex, trend, degrees, simple_mse,
                     complex_mse, simple_held_out_mse, complex_held_out_mse,
                     complex_max_residual, ylim):
    fig = style.new_figure(5.3, 4.2)
    ax = fig.add_subplot()
    ax.plot(x_out, y_out, "o", color=theme.color("muted"), markersize=3, alpha=0.6, zorder=1,
            label=f"{len(x_out)} held-out points")
    ax.plot(xs, simple, color=theme.color("fit"), linewidth=2.0, zorder=3,
            label=f"degree {degrees[0]}: error {number(simple_mse)} training, "
                  f"{number(simple_held_out_mse)} held out")
    ax.plot(xs, complex, color=theme.color("highlight"), linestyle="--", linewidth=2.0, zorder=4,
            label=f"degree {degrees[1]}: error {number(complex_mse, zero_below=ROUNDING)} "
                  f"training, {number(complex_held_out_mse)} held out")
    ax.plot(x, y, "o", color=theme.color("data"), markersize=7, zorder=5,
            label=f"{len(x)} training points")
    lo, hi = ylim
    pad = 0.08 * (hi - lo)
    ax.set(xlim=(xs.min() - 0.03, xs.max() + 0.03), ylim=(lo - pad, hi + pad),
           xlabel="x", ylabel="y")
    fig.legend(loc="outside lower center", frameon=False, fontsize=10, ncols=1)
    return fig


declare("overfitting", compute=overfitting_figure, draw=draw_overfitting, formats=("svg",),
        alt="Eleven training points along a gentle arch, with two hundred held-out points "
            "from the same arch in grey. A parabola (degree 2) follows the arch with a small "
            "error on both sets. A degree-10 polynomial passes exactly through every "
            "training point but swings far from the arch between the outer points, so its "
            "error on the held-out points is many times larger.")

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


def draw_dropout(theme, sizes, kept, p):
    fig = theme.panel_figure(2, 7.0, 3.0)
    n_hidden = sum(sizes[1:-1])
    n_dropped = int(sum((~k).sum() for k in kept))
    panels = [("Standard network", [np.ones_like(k) for k in kept]),
              (f"One training step with dropout (p = {p:g})", kept)]
    for col, (title, on) in enumerate(panels):
        ax = fig.add_subplot(*theme.panels(2), col + 1)
        _draw_net(theme, ax, sizes, on)
        ax.set_title(title, fontsize=11)
    fig.supxlabel(f"{n_dropped} of {n_hidden} hidden neurons dropped, with all their connections",
                  fontsize=10, color=theme.ink())
    return fig


def _draw_net(theme, ax, sizes, on):
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
    ax.plot(*_segments(edges), color=theme.color("muted"), linewidth=1.0, alpha=0.8,
            solid_capstyle="round", zorder=1)
    centres = np.vstack(pos)
    alive = np.concatenate(on).astype(bool)
    ax.add_collection(EllipseCollection(
        2 * NODE_RADIUS, 2 * NODE_RADIUS, 0.0, units="xy", offsets=centres,
        offset_transform=ax.transData, zorder=3, linewidths=1.4,
        facecolors=[(theme.paper() if a else theme.faint()) for a in alive],
        edgecolors=[(theme.ink() if a else theme.color("muted")) for a in alive]))
    r = NODE_RADIUS * 0.75
    crosses = [seg for (x, y), a in zip(centres, alive) if not a
               for seg in (((x - r, y - r), (x + r, y + r)), ((x - r, y + r), (x + r, y - r)))]
    if crosses:
        ax.plot(*_segments(crosses), color=theme.ink(), linewidth=1.6, zorder=4)
    pad = NODE_RADIUS + 0.08
    ax.set_xlim(centres[:, 0].min() - pad, centres[:, 0].max() + pad)
    ax.set_ylim(centres[:, 1].min() - pad, centres[:, 1].max() + pad)
    ax.set_aspect("equal")
    ax.axis("off")


def _segments(pairs):
    """x and y of many separate segments as one line, NaN between them (one SVG path)."""
    xy = np.array([[a, b, (np.nan, np.nan)] for a, b in pairs], dtype=float).reshape(-1, 2)
    return xy[:, 0], xy[:, 1]


declare("dropout", compute=dropout_mask, draw=draw_dropout, formats=("svg",), phone=True,
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
# L2's strength is chosen on the validation set, among these (as the notebook does)
DIGITS_L2_GRID = (1e-3, 3e-3, 1e-2)
DIGITS_DROPOUT = 0.5
DIGITS_PATIENCE = 10
# One training run shows little: the test accuracies are also measured over these seeds
# (network initialisation and batch order), each run stopped early like the figure's.
DIGITS_SEEDS = tuple(range(10))


def digits_split(n_train=DIGITS_TRAIN):
    """The digits cut 60/20/20, then only the first n_train training images kept."""
    split = train_val_test_split(*load_digits(), seed=0)
    return split._replace(X_train=split.X_train[:n_train], y_train=split.y_train[:n_train])


def _digits_run(split, l2, dropout, seed=0):
    """One run of all the epochs, scored every epoch, with the epoch early stopping
    would halt at and the epoch whose weights it keeps (the best one before the halt)."""
    net = MLP(DIGITS_SIZES, activation="relu", l2=l2, dropout=dropout, seed=seed)
    h = train(net, split, Adam(lr=DIGITS_LR), epochs=DIGITS_EPOCHS, batch_size=DIGITS_BATCH,
              seed=seed)
    train_loss, val_loss = np.array(h.train_loss), np.array(h.val_loss)
    stop = early_stop_epoch(h.val_loss, DIGITS_PATIENCE)
    kept = int(np.argmin(val_loss[: None if stop is None else stop + 1]))
    return net, {
        "train_loss": train_loss, "val_loss": val_loss,
        "train_accuracy": np.array(h.train_accuracy), "val_accuracy": np.array(h.val_accuracy),
        "best_epoch": kept, "stop_epoch": stop,
        # the gap the regularizers are meant to close, for the weights early stopping keeps
        "gap": float(val_loss[kept] - train_loss[kept]),
    }


def digits_curves_data() -> dict:
    """Train the same small net three ways on 150 digits and keep every epoch's scores:
    without regularization, with L2 (its λ the grid's best on validation), with dropout."""
    from threadpoolctl import threadpool_limits

    split = digits_split()
    # one BLAS thread: these matrices are small, and threads only fight each other
    # (and the other figures built in parallel)
    with threadpool_limits(1):
        plain = _digits_run(split, 0.0, 0.0)
        l2_runs = {l2: _digits_run(split, l2, 0.0) for l2 in DIGITS_L2_GRID}
        l2 = min(l2_runs, key=lambda k: l2_runs[k][1]["val_loss"][l2_runs[k][1]["best_epoch"]])
        dropout = _digits_run(split, 0.0, DIGITS_DROPOUT)
    titled = [("No regularization", plain), (f"L2 (λ = {l2:g})", l2_runs[l2]),
              (f"Dropout (p = {DIGITS_DROPOUT:g})", dropout)]
    runs = [{"title": title, **run} for title, (_, run) in titled]
    nets = [net for _, (net, _) in titled]
    # chosen on validation (its loss at the kept epoch); the test set is looked at once,
    # for it, with the weights early stopping keeps
    chosen = int(np.argmin([run["val_loss"][run["best_epoch"]] for run in runs]))
    return {"runs": runs, "chosen": chosen, "l2": l2, "l2_grid": list(DIGITS_L2_GRID),
            "l2_val_loss": [float(l2_runs[k][1]["val_loss"][l2_runs[k][1]["best_epoch"]])
                            for k in DIGITS_L2_GRID],
            "test_accuracy": _kept_accuracy(nets[chosen], split, runs[chosen])}


def _kept_accuracy(net, split, run) -> float:
    """Test accuracy of the weights of the kept epoch: the run retrained to that epoch
    (training is deterministic, so this is the same network early stopping keeps)."""
    return _test_accuracy(split, net.l2, net.dropout, 0, run["best_epoch"] + 1)


def _test_accuracy(split, l2, dropout, seed, epochs=None) -> float:
    net = MLP(DIGITS_SIZES, activation="relu", l2=l2, dropout=dropout, seed=seed)
    train(net, split, Adam(lr=DIGITS_LR), epochs=epochs or DIGITS_EPOCHS,
          batch_size=DIGITS_BATCH, seed=seed, patience=None if epochs else DIGITS_PATIENCE)
    return accuracy(net, split.X_test, split.y_test)


def digits_seed_study(l2: float, seeds=DIGITS_SEEDS) -> dict:
    """Test accuracy of the three settings over several training seeds, each run stopped
    early: how much of the figure's one-seed difference is the seed."""
    from threadpoolctl import threadpool_limits

    split = digits_split()
    settings = {"none": (0.0, 0.0), "l2": (l2, 0.0), "dropout": (0.0, DIGITS_DROPOUT)}
    with threadpool_limits(1):
        return {name: np.array([_test_accuracy(split, a, b, seed) for seed in seeds])
                for name, (a, b) in settings.items()}


LOSS_TICKS = (0.01, 0.03, 0.1, 0.3, 1, 3)


def draw_digits_curves(theme, runs, chosen, test_accuracy, l2=None, l2_grid=None, l2_val_loss=None):
    """Loss curves, one panel per run, greyed after the epoch where early stopping
    halts; under each panel, the gap between the curves and the best validation
    accuracy; only the run chosen on validation shows a test accuracy. Every note sits
    outside the plots or in the legend, where no curve can run through it."""
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

    fig = theme.panel_figure(len(runs), 7.6, 4.6)
    fig.get_layout_engine().set(wspace=0.08)  # room between one panel's "50" and the next "0"
    axes = fig.subplots(*theme.panels(len(runs)), sharex=True, sharey=True)
    n_epochs = len(runs[0]["train_loss"])
    br = " " if theme.phone else "\n"  # a narrow panel's notes wrap, a phone's fit
    for col, (ax, run) in enumerate(zip(axes, runs)):
        epochs = np.arange(1, len(run["train_loss"]) + 1)
        stop = run["stop_epoch"] if run["stop_epoch"] is not None else len(epochs) - 1
        on, after = epochs <= stop + 1, epochs >= stop + 1
        for key, concept in (("train_loss", "train"), ("val_loss", "validation")):
            ax.plot(epochs[on], run[key][on], **theme.line(concept))
            if after.sum() > 1:  # what happens after the early stop: seen, not used
                ax.plot(epochs[after], run[key][after], color=theme.color("muted"),
                        linestyle=theme.line(concept)["linestyle"], linewidth=1.2)
        best = run["best_epoch"]
        ax.axvline(best + 1, color=theme.color("muted"), linestyle=":", linewidth=1.2)
        ax.plot(best + 1, run["val_loss"][best], "o", color=theme.color("validation"), markersize=6,
                zorder=5)
        ax.set_title(run["title"], fontsize=11)
        notes = [f"gap at epoch {best + 1}, kept: {number(run['gap'])}",
                 f"validation accuracy{br}then: {run['val_accuracy'][best]:.0%}"]
        if col == chosen:  # chosen on validation; the test set is looked at once, for it
            notes.append(f"chosen: test accuracy{br}"
                         f"{percent(test_accuracy)} (looked at once)")
        ax.set_xlabel("epoch")
        # under the axis label, from the panel's left edge
        ax.annotate("\n".join(notes), (0, 0), xycoords=("axes fraction", ax.xaxis.label),
                    xytext=(0, -6),
                    textcoords="offset points", ha="left", va="top", fontsize=10,
                    color=theme.ink(), linespacing=1.3)
        # tick marks only where they are labelled: every mark is an element of the SVG
        ax.tick_params(left=col == 0 or theme.phone, which="both")
    ax0 = axes[0]
    ax0.set_yscale("log")
    ax0.yaxis.set_major_locator(FixedLocator(LOSS_TICKS))
    ax0.yaxis.set_minor_locator(NullLocator())
    ax0.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax0.xaxis.set_major_locator(FixedLocator([0, 25, 50]))
    ax0.set_xlim(0, n_epochs + 0.5)
    ax0.set_ylim(0.007, 3.5)
    ax0.set_ylabel("loss (log scale)")
    key = [Line2D([], [], **theme.line("train"), label="training"),
           Line2D([], [], **theme.line("validation"), label="validation"),
           Line2D([], [], color=theme.color("validation"), marker="o", markersize=6, linestyle=":",
                  label="best validation epoch"),
           Line2D([], [], color=theme.color("muted"), linewidth=1.2,
                  label="after early stopping (seen, not used)")]
    fig.legend(handles=key, loc="outside lower center", frameon=False, fontsize=10,
               ncols=1 if theme.phone else 2)
    return fig


declare("digits_curves", compute=digits_curves_data, draw=draw_digits_curves,
        formats=("svg",), phone=True,
        alt="Three plots of a network learning handwritten digits from 150 examples, "
            "trained without regularization, with L2 and with dropout: training and "
            "validation loss over 50 epochs on a log scale. Without regularization the "
            "training loss keeps falling while the validation loss levels off; its best "
            "epoch is marked, and the curves after the epoch where early stopping halts are "
            "grey. With L2 or dropout the two loss curves stay closer together: each plot "
            "states the gap between them at the epoch whose weights are kept, and the "
            "validation accuracy at that epoch. "
            "Only the run with the lowest validation loss is scored on the test set, once.")
