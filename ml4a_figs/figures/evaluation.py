"""Figures of "Hyperparameters and evaluation": overfitting, dropout, and the
training and validation curves of a real network on the handwritten digits."""

from __future__ import annotations

import numpy as np

from .. import style
from ..core.data import (load_digits, overfitting_held_out, overfitting_points, overfitting_trend,
                         train_val_test_split)
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
SIMPLE_DEGREE = 2  # the points follow a parabola: the simple model that fits them
HELD_OUT_N = 200  # fresh points from the same curve and noise, never fitted
HELD_OUT_SEED = 1006


def overfitting_fits(seed=OVERFITTING_FIGURE_SEED, held_out_seed=HELD_OUT_SEED) -> dict:
    """Least-squares fits of degree 2 and 10 to the eleven points, with their errors on
    those points (training) and on points held out from the fit (drawn from the same
    curve and noise): the complex fit wins the first and loses the second."""
    x, y = overfitting_points(seed=seed)
    x_out, y_out = overfitting_held_out(seed=held_out_seed, n=HELD_OUT_N)
    simple = np.polynomial.Polynomial.fit(x, y, SIMPLE_DEGREE)
    complex_ = np.polynomial.Polynomial.fit(x, y, OVERFIT_DEGREE)
    xs = np.linspace(x.min(), x.max(), 500)
    mse = lambda f, u, v: float(np.mean((f(u) - v) ** 2))  # noqa: E731
    return {
        "x": x, "y": y, "x_out": x_out, "y_out": y_out, "xs": xs,
        "simple": simple(xs), "complex": complex_(xs), "trend": overfitting_trend(xs),
        "degrees": (SIMPLE_DEGREE, OVERFIT_DEGREE),
        "simple_mse": mse(simple, x, y), "complex_mse": mse(complex_, x, y),
        "simple_held_out_mse": mse(simple, x_out, y_out),
        "complex_held_out_mse": mse(complex_, x_out, y_out),
        "complex_max_residual": float(np.max(np.abs(complex_(x) - y))),
        # the y-range worth showing: the points and the curve between the outer points
        "ylim": (float(min(y.min(), y_out.min(), complex_(xs).min())),
                 float(max(y.max(), y_out.max(), complex_(xs).max()))),
    }


def draw_overfitting(x, y, x_out, y_out, xs, simple, complex, trend, degrees, simple_mse,
                     complex_mse, simple_held_out_mse, complex_held_out_mse,
                     complex_max_residual, ylim):
    fig = style.new_figure(5.3, 4.2)
    ax = fig.add_subplot()
    ax.plot(x_out, y_out, "o", color=style.GREY, markersize=3, alpha=0.6, zorder=1,
            label=f"{len(x_out)} held-out points")
    ax.plot(xs, simple, color=style.FIT, linewidth=2.0, zorder=3,
            label=f"degree {degrees[0]}: error {simple_mse:.3f} training, "
                  f"{simple_held_out_mse:.3f} held out")
    ax.plot(xs, complex, color=style.HIGHLIGHT, linestyle="--", linewidth=2.0, zorder=4,
            label=f"degree {degrees[1]}: error {complex_mse:.3f} training, "
                  f"{complex_held_out_mse:.3f} held out")
    ax.plot(x, y, "o", color=style.DATA, markersize=7, zorder=5,
            label=f"{len(x)} training points")
    lo, hi = ylim
    pad = 0.08 * (hi - lo)
    ax.set(xlim=(xs.min() - 0.03, xs.max() + 0.03), ylim=(lo - pad, hi + pad),
           xlabel="x", ylabel="y")
    fig.legend(loc="outside lower center", frameon=False, fontsize=10, ncols=1)
    return fig


declare("overfitting", compute=overfitting_fits, draw=draw_overfitting, formats=("svg",),
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


def draw_dropout(sizes, kept, p):
    fig = style.panel_figure(2, 7.0, 3.0)
    n_hidden = sum(sizes[1:-1])
    n_dropped = int(sum((~k).sum() for k in kept))
    panels = [("Standard network", [np.ones_like(k) for k in kept]),
              (f"One training step with dropout (p = {p:g})", kept)]
    for col, (title, on) in enumerate(panels):
        ax = fig.add_subplot(*style.panels(2), col + 1)
        _draw_net(ax, sizes, on)
        ax.set_title(title, fontsize=11)
    fig.supxlabel(f"{n_dropped} of {n_hidden} hidden neurons dropped, with all their connections",
                  fontsize=10, color=style.BLACK)
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
        facecolors=[(style.paper() if a else style.faint()) for a in alive],
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
DIGITS_L2 = 1e-2
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
    runs, nets = [], []
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
                # the gap the regularizers are meant to close, at the last epoch
                "gap": float(h.val_loss[-1] - h.train_loss[-1]),
            })
            nets.append(net)
    # chosen on validation (its lowest loss); the test set is looked at once, for it
    chosen = int(np.argmin([run["val_loss"].min() for run in runs]))
    return {"runs": runs, "chosen": chosen,
            "test_accuracy": accuracy(nets[chosen], split.X_test, split.y_test)}


LOSS_TICKS = (0.01, 0.03, 0.1, 0.3, 1, 3)


def draw_digits_curves(runs, chosen, test_accuracy):
    """Loss curves, one panel per run, greyed after the epoch where early stopping
    halts; under each panel, the gap between the curves and the best validation
    accuracy; only the run chosen on validation shows a test accuracy. Every note sits
    outside the plots or in the legend, where no curve can run through it."""
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

    fig = style.panel_figure(len(runs), 7.6, 4.6)
    fig.get_layout_engine().set(wspace=0.08)  # room between one panel's "50" and the next "0"
    axes = fig.subplots(*style.panels(len(runs)), sharex=True, sharey=True)
    n_epochs = len(runs[0]["train_loss"])
    br = " " if style.layout == "phone" else "\n"  # a narrow panel's notes wrap, a phone's fit
    for col, (ax, run) in enumerate(zip(axes, runs)):
        epochs = np.arange(1, len(run["train_loss"]) + 1)
        stop = run["stop_epoch"] if run["stop_epoch"] is not None else len(epochs) - 1
        on, after = epochs <= stop + 1, epochs >= stop + 1
        for key, concept in (("train_loss", "train"), ("val_loss", "validation")):
            ax.plot(epochs[on], run[key][on], **style.line(concept))
            if after.sum() > 1:  # what happens after the early stop: seen, not used
                ax.plot(epochs[after], run[key][after], color=style.GREY,
                        linestyle=style.line(concept)["linestyle"], linewidth=1.2)
        best = run["best_epoch"]
        ax.axvline(best + 1, color=style.GREY, linestyle=":", linewidth=1.2)
        ax.plot(best + 1, run["val_loss"][best], "o", color=style.VALIDATION, markersize=6,
                zorder=5)
        ax.set_title(run["title"], fontsize=11)
        notes = [f"gap at epoch {n_epochs}: {run['gap']:.2f}",
                 f"best validation{br}accuracy: {run['val_accuracy'].max():.0%}"]
        if col == chosen:  # chosen on validation; the test set is looked at once, for it
            notes.append(f"chosen: test accuracy{br}"
                         f"{test_accuracy:.1%} (looked at once)")
        ax.set_xlabel("epoch")
        # under the axis label, from the panel's left edge
        ax.annotate("\n".join(notes), (0, 0), xycoords=("axes fraction", ax.xaxis.label),
                    xytext=(0, -6),
                    textcoords="offset points", ha="left", va="top", fontsize=10,
                    color=style.BLACK, linespacing=1.3)
        # tick marks only where they are labelled: every mark is an element of the SVG
        ax.tick_params(left=col == 0 or style.layout == "phone", which="both")
    ax0 = axes[0]
    ax0.set_yscale("log")
    ax0.yaxis.set_major_locator(FixedLocator(LOSS_TICKS))
    ax0.yaxis.set_minor_locator(NullLocator())
    ax0.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax0.xaxis.set_major_locator(FixedLocator([0, 25, 50]))
    ax0.set_xlim(0, n_epochs + 0.5)
    ax0.set_ylim(0.007, 3.5)
    ax0.set_ylabel("loss (log scale)")
    key = [Line2D([], [], **style.line("train"), label="training"),
           Line2D([], [], **style.line("validation"), label="validation"),
           Line2D([], [], color=style.VALIDATION, marker="o", markersize=6, linestyle=":",
                  label="best validation epoch"),
           Line2D([], [], color=style.GREY, linewidth=1.2,
                  label="after early stopping (seen, not used)")]
    fig.legend(handles=key, loc="outside lower center", frameon=False, fontsize=10,
               ncols=1 if style.layout == "phone" else 2)
    return fig


declare("digits_curves", compute=digits_curves_data, draw=draw_digits_curves,
        formats=("svg",), phone=True,
        alt="Three plots of a network learning handwritten digits from 150 examples, "
            "trained without regularization, with L2 and with dropout: training and "
            "validation loss over 50 epochs on a log scale. Without regularization the "
            "training loss keeps falling while the validation loss levels off; its best "
            "epoch is marked, and the curves after the epoch where early stopping halts are "
            "grey. With L2 or dropout the two loss curves stay closer together: each plot "
            "states the gap between them at the last epoch and its best validation accuracy. "
            "Only the run with the lowest validation loss is scored on the test set, once.")
