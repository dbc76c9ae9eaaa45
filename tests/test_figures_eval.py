"""The data behind the Nesterov, overfitting, dropout, digits-curves and header
figures: each test checks a claim the figure (or its caption) makes."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from ml4a_figs import style
from ml4a_figs.core import data
from ml4a_figs.figures.facts import compute_facts
from ml4a_figs.figures import evaluation, header, update_methods
from ml4a_figs.core.losses import ROSENBROCK, SMALL_NET
from ml4a_figs.core.nn import MLP, train
from ml4a_figs.core.optim import Adam, Nesterov, descend

ROOT = Path(__file__).resolve().parent.parent

# --- nesterov_acceleration ------------------------------------------------------


@pytest.fixture(scope="module")
def nesterov():
    return update_methods.nesterov_vs_momentum()


def _replay_nesterov(start, lr, beta, k):
    """The chapter's formulas by hand: z <- beta z + grad(x - lr beta z); x <- x - lr z."""
    x, z = np.array(start, dtype=float), np.zeros(2)
    for _ in range(k):
        z = beta * z + ROSENBROCK.grad(x - lr * beta * z)
        x = x - lr * z
    return x, z


def test_nesterov_state_is_the_optimizer_state_after_k_steps(nesterov):
    lr, beta = update_methods.NESTEROV_LR, update_methods.NESTEROV_MOMENTUM
    x, z = _replay_nesterov(update_methods.NESTEROV_START, lr, beta, nesterov["k"])
    np.testing.assert_allclose(nesterov["x"], x, rtol=1e-12)
    np.testing.assert_allclose(nesterov["path"][-1], x, rtol=1e-12)
    # the look-ahead point is x - lr * momentum * z, where z is the velocity so far
    np.testing.assert_allclose(nesterov["nesterov"]["lookahead"], x - lr * beta * z, rtol=1e-12)
    # both panels coast by the same momentum step
    np.testing.assert_allclose(nesterov["classic"]["momentum_step"], -lr * beta * z, rtol=1e-12)
    np.testing.assert_allclose(nesterov["nesterov"]["momentum_step"], -lr * beta * z, rtol=1e-12)


def test_each_step_is_the_sum_of_its_two_parts(nesterov):
    for update in (nesterov["classic"], nesterov["nesterov"]):
        np.testing.assert_allclose(update["step"],
                                   update["momentum_step"] + update["gradient_step"])


def test_gradients_are_taken_where_the_panels_say(nesterov):
    lr = update_methods.NESTEROV_LR
    x, lookahead = nesterov["x"], nesterov["nesterov"]["lookahead"]
    np.testing.assert_allclose(nesterov["classic"]["gradient_step"], -lr * ROSENBROCK.grad(x))
    np.testing.assert_allclose(nesterov["nesterov"]["gradient_step"],
                               -lr * ROSENBROCK.grad(lookahead))


def test_the_nesterov_panel_is_the_step_the_optimizer_really_takes(nesterov):
    path = descend(ROSENBROCK.grad, update_methods.NESTEROV_START,
                   Nesterov(update_methods.NESTEROV_LR, update_methods.NESTEROV_MOMENTUM),
                   nesterov["k"] + 1)
    np.testing.assert_allclose(nesterov["x"] + nesterov["nesterov"]["step"], path[-1], rtol=1e-12)


def test_looking_ahead_changes_the_gradient_visibly(nesterov):
    a, b = nesterov["classic"]["gradient_step"], nesterov["nesterov"]["gradient_step"]
    angle = np.degrees(np.arccos(a @ b / np.linalg.norm(a) / np.linalg.norm(b)))
    assert angle > 45, f"the two gradient steps differ by only {angle:.0f} degrees"
    # and the vectors are of comparable length, so all three arrows are readable
    lengths = [np.linalg.norm(v) for v in (a, b, nesterov["classic"]["momentum_step"])]
    assert max(lengths) < 5 * min(lengths)


def test_the_run_drawn_from_is_a_real_converging_run():
    path = descend(ROSENBROCK.grad, update_methods.NESTEROV_START,
                   Nesterov(update_methods.NESTEROV_LR, update_methods.NESTEROV_MOMENTUM), 400)
    assert np.linalg.norm(path[-1] - np.array(ROSENBROCK.minima[0])) < 0.1


def test_every_arrow_fits_in_the_contour_window(nesterov):
    x, X, Y = nesterov["x"], nesterov["X"], nesterov["Y"]
    tips = [x + v for u in (nesterov["classic"], nesterov["nesterov"])
            for v in (u["momentum_step"], u["step"])]
    tips.append(nesterov["nesterov"]["lookahead"] + nesterov["nesterov"]["gradient_step"])
    for px, py in [x, *tips]:
        assert X.min() < px < X.max() and Y.min() < py < Y.max()


# --- overfitting -----------------------------------------------------------------


@pytest.fixture(scope="module")
def overfit():
    return evaluation.overfitting_fits()


def test_the_points_are_the_core_data(overfit):
    x, y = data.overfitting_points(seed=evaluation.OVERFITTING_FIGURE_SEED)
    np.testing.assert_array_equal(overfit["x"], x)
    np.testing.assert_array_equal(overfit["y"], y)
    assert len(x) == 11


def test_the_complex_fit_wins_on_training_points_and_loses_on_held_out_ones(overfit):
    """The caption's claim, read from the arrays the figure draws: the degree-10 fit
    has (almost) zero training error, the parabola does not, and on points held out
    from the fit the simple model's error is below the complex one's."""
    assert overfit["degrees"] == (2, 10)
    assert overfit["complex_max_residual"] < 1e-6 and overfit["complex_mse"] < 1e-12
    assert overfit["simple_mse"] > 1e-3
    assert overfit["simple_held_out_mse"] < overfit["complex_held_out_mse"]
    # not by a hair: several times lower, as the caption's ratio says
    assert overfit["complex_held_out_mse"] > 5 * overfit["simple_held_out_mse"]


def test_held_out_points_are_fresh_draws_from_the_same_curve(overfit):
    assert len(overfit["x_out"]) == 200
    assert not np.isin(overfit["x_out"], overfit["x"]).any()
    noise = overfit["y_out"] - data.overfitting_trend(overfit["x_out"])
    assert 0.05 < noise.std() < 0.2  # the same noise level as the training points


def test_the_complex_curve_is_wild_between_the_points(overfit):
    """'Very complex': between the points it strays far from the trend they came from."""
    assert np.max(np.abs(overfit["complex"] - overfit["trend"])) > 0.5
    assert np.max(np.abs(overfit["simple"] - overfit["trend"])) < 0.2


def test_the_caption_quotes_the_computed_errors(overfit):
    facts = compute_facts()["facts"]
    assert facts["overfit_simple_held_out_mse"] == f"{overfit['simple_held_out_mse']:#.3g}"
    assert facts["overfit_complex_held_out_mse"] == f"{overfit['complex_held_out_mse']:#.3g}"
    page = (ROOT / "docs" / "en" / "index.md").read_text(encoding="utf-8")
    # the overfitting figure is shown as the static picture of its explorable
    static = json.loads((ROOT / "figures" / "overfitting_explore.explore.json").read_text())["static"]
    assert static == "overfitting"
    caption = page[page.index("(explore:overfitting_explore)"):]
    caption = caption[:caption.index("\n///\n", caption.index("/// caption"))]
    for name in ("overfit_simple_held_out_mse", "overfit_complex_held_out_mse"):
        assert "{{ facts.%s }}" % name in caption


def test_y_limits_keep_every_point_and_the_curve(overfit):
    lo, hi = overfit["ylim"]
    assert lo <= overfit["y"].min() and overfit["y"].max() <= hi
    assert lo <= overfit["complex"].min() and overfit["complex"].max() <= hi


# --- dropout --------------------------------------------------------------------


def test_the_mask_is_the_one_the_mlp_draws():
    mask = evaluation.dropout_mask()
    net = MLP(evaluation.DROPOUT_SIZES, dropout=evaluation.DROPOUT_P, seed=evaluation.DROPOUT_SEED)
    rng = np.random.default_rng(evaluation.DROPOUT_SEED)
    X = rng.uniform(0.0, 1.0, size=(1, evaluation.DROPOUT_SIZES[0]))
    y = rng.integers(0, evaluation.DROPOUT_SIZES[-1], size=1)
    net.loss_and_grad(X, y)
    for drawn, trained in zip(mask["kept"][1:-1], net.last_dropout_masks):
        np.testing.assert_array_equal(drawn, trained[0])


def test_same_seed_same_mask_other_seed_other_mask():
    a, b = evaluation.dropout_mask(seed=3), evaluation.dropout_mask(seed=3)
    assert all(np.array_equal(u, v) for u, v in zip(a["kept"], b["kept"]))
    others = [evaluation.dropout_mask(seed=s)["kept"] for s in range(4, 10)]
    assert any(not all(np.array_equal(u, v) for u, v in zip(a["kept"], o)) for o in others)


def test_inputs_and_outputs_are_never_dropped_hidden_units_about_p():
    fractions = []
    for seed in range(300):
        kept = evaluation.dropout_mask(seed=seed)["kept"]
        assert kept[0].all() and kept[-1].all()
        hidden = np.concatenate(kept[1:-1])
        fractions.append(1 - hidden.mean())
    assert abs(np.mean(fractions) - evaluation.DROPOUT_P) < 0.03


def test_the_figure_mask_leaves_a_connected_net():
    kept = evaluation.dropout_mask()["kept"]
    assert all(layer.any() for layer in kept)
    dropped = sum((~k).sum() for k in kept)
    assert 0.25 <= dropped / sum(evaluation.DROPOUT_SIZES[1:-1]) <= 0.75


def test_the_drawing_leaves_out_exactly_the_dropped_neurons_weights():
    mask = evaluation.dropout_mask()
    fig = evaluation.draw_dropout(style.Theme(), **mask)
    full, dropped = fig.axes
    sizes, kept = mask["sizes"], mask["kept"]

    def n_segments(ax):
        x = ax.lines[0].get_xdata()
        return int(np.isnan(x).sum())

    assert n_segments(full) == sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    assert n_segments(dropped) == sum(int(a.sum() * b.sum()) for a, b in zip(kept[:-1], kept[1:]))


# --- digits_curves ----------------------------------------------------------------


@pytest.fixture(scope="module")
def digits():
    return evaluation.digits_curves_data()


def _gap(run, last=10):
    return float(np.mean(run["val_loss"][-last:] - run["train_loss"][-last:]))


def test_without_regularization_the_net_overfits(digits):
    plain = digits["runs"][0]
    assert plain["train_accuracy"][-1] - plain["val_accuracy"][-1] > 0.08
    assert plain["train_loss"][-1] < plain["val_loss"][-1] / 5
    # the training loss keeps falling while the validation loss has stopped improving
    assert plain["train_loss"][-1] < 0.5 * plain["train_loss"][plain["best_epoch"]]
    assert plain["val_loss"][-1] > 1.05 * plain["val_loss"].min()
    assert plain["stop_epoch"] is not None


def test_l2_and_dropout_bring_the_curves_closer(digits):
    """The regularized gap is smaller: at the epoch whose weights early stopping keeps
    (the number each panel states), and over the last ten epochs."""
    plain, l2, dropout = digits["runs"]
    for run in (l2, dropout):
        assert _gap(run) < 0.8 * _gap(plain)
        assert run["gap"] < plain["gap"]
        kept = run["best_epoch"]
        assert run["gap"] == pytest.approx(run["val_loss"][kept] - run["train_loss"][kept])
        # and its lowest validation loss is a little lower (the caption says so)
        assert run["val_loss"][kept] < plain["val_loss"][plain["best_epoch"]]
    # and they delay the point where the validation loss stops improving
    assert l2["best_epoch"] > plain["best_epoch"]
    assert dropout["best_epoch"] > plain["best_epoch"]


def test_the_test_set_scores_only_the_model_chosen_on_validation(digits):
    runs, chosen = digits["runs"], digits["chosen"]
    assert chosen == int(np.argmin([run["val_loss"][run["best_epoch"]] for run in runs]))
    assert all("test_accuracy" not in run for run in runs)  # one test score, not three
    assert 0.8 < digits["test_accuracy"] <= 1.0


def test_best_epoch_is_the_lowest_validation_loss(digits):
    for run in digits["runs"]:
        stop = run["stop_epoch"]
        shown = run["val_loss"] if stop is None else run["val_loss"][: stop + 1]
        assert run["best_epoch"] == int(np.argmin(shown))


def test_early_stopping_marked_is_what_train_with_patience_does(digits):
    """The shaded 'stopped' region starts where nn.train(patience=...) really stops."""
    plain = digits["runs"][0]
    net = MLP(evaluation.DIGITS_SIZES, activation="relu", seed=0)
    history = train(net, evaluation.digits_split(), Adam(lr=evaluation.DIGITS_LR),
                    epochs=evaluation.DIGITS_EPOCHS, batch_size=evaluation.DIGITS_BATCH, seed=0,
                    patience=evaluation.DIGITS_PATIENCE)
    assert history.stopped_early
    assert history.epochs == plain["stop_epoch"] + 1
    assert history.best_epoch == plain["best_epoch"]
    np.testing.assert_allclose(history.val_loss, plain["val_loss"][: history.epochs])


def test_early_stop_epoch_rule():
    assert evaluation.early_stop_epoch([3, 2, 1, 2, 2, 2], patience=3) == 5
    assert evaluation.early_stop_epoch([3, 2, 1, 2, 0.5, 2], patience=3) is None


def test_the_training_subset_is_small_and_the_rest_untouched():
    split = evaluation.digits_split()
    full = data.train_val_test_split(*data.load_digits(), seed=0)
    assert len(split.X_train) == evaluation.DIGITS_TRAIN
    np.testing.assert_array_equal(split.X_val, full.X_val)
    np.testing.assert_array_equal(split.X_test, full.X_test)
    net = MLP(evaluation.DIGITS_SIZES)
    assert net.n_params > 10 * evaluation.DIGITS_TRAIN  # over-parameterised


# --- topographic_map ----------------------------------------------------------------


def test_header_is_the_small_net_loss_with_both_basins():
    land = header.header_landscape()
    height = land["height"]
    assert height.shape == land["S"].shape == land["T"].shape
    assert np.all(height >= 0)
    # the strip runs through both minima: along its centre line the ground has
    # two basins, the deeper one at the global minimum (loss 0)
    middle = height[height.shape[0] // 2]
    s = land["S"][0]
    ends = np.linalg.norm(np.subtract(SMALL_NET.minima[0], SMALL_NET.minima[1])) / 2
    near_global = np.abs(s - ends) < 0.2
    near_local = np.abs(s + ends) < 0.2
    assert middle[near_global].min() < 0.05
    local_loss = SMALL_NET.at(SMALL_NET.minima[1])
    assert middle[near_local].min() ** 3 == pytest.approx(local_loss, abs=2e-3)
    between = (s > -ends + 0.5) & (s < ends - 0.5)
    assert middle[between].max() > 2 * middle[near_local].min()
