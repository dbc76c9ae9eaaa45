"""The checks of tests/test_claims.py: each recomputes one claim of the chapter, a
caption, an alt text or a notebook from the code its figure is drawn with."""

from __future__ import annotations

import numpy as np

from conftest import ROOT
from ml4a_figs.core import data, losses, optim
from ml4a_figs.core.nn import MLP
from ml4a_figs.figures import (evaluation, explore_descent, explore_fits, explore_races,
                               gradient_descent, records, races, why_training_is_hard)
from claim_records import (arrivals, digits, facts, lstsq_mse, momentum, mse_of, overfit,
                           path_length_ratio, race, seven)

ADAPTIVE = ("AdaGrad", "AdaDelta", "RMSprop", "Adam")


# --- the checks --------------------------------------------------------------------------

def mnist_about_12000():
    n = MLP(why_training_is_hard.MNIST_SIZES).n_params
    assert abs(n - 12_000) / 12_000 < 0.01 and n < 12_000  # "around", "almost 12,000 zeros"


def haystack_4000_times():
    assert 12_000 // 3 == 4_000


def grids_are_10_per_axis():
    g2, g3 = why_training_is_hard.sampling_grids()
    assert len(g2) == 10 ** 2 and len(g3) == 10 ** 3
    assert facts()["grid_2d_points"] == "100" and facts()["grid_3d_points"] == "1,000"


def candidates_get_better():
    mses = [mse_of(m, b) for m, b in data.CANDIDATE_LINES]
    assert mses[0] > mses[1] > mses[2]


def third_is_not_the_best_fit():
    assert lstsq_mse() < mse_of(*data.CANDIDATE_LINES[2])


def original_used_half_the_mean():
    ratio = mse_of(*data.EXAMPLE_LINE) / 0.08
    assert abs(ratio - 2) < 0.01  # the quoted 0.08 is half the mean: ½·mean
    assert facts()["original_mse_ratio"] == f"{ratio:#.3g}"


def bowl_window_and_bottom():
    from ml4a_figs.figures.linear_regression import mse_landscape
    land = mse_landscape()
    assert (land["M"].min(), land["M"].max(), land["B"].min(), land["B"].max()) == (-2, 4, -6, 8)
    i = np.unravel_index(np.argmin(land["Z"]), land["Z"].shape)
    m_best, b_best = losses.least_squares(*seven())
    cell = (6 / (land["M"].shape[1] - 1), 14 / (land["M"].shape[0] - 1))
    assert abs(land["M"][i] - m_best) <= cell[0] and abs(land["B"][i] - b_best) <= cell[1]


def line_fit_caption_every_state():
    """The caption names the example line (where the sliders start), the bar, the error
    curve at the chosen intercept and the dotted least-squares slope."""
    import json
    saved = json.loads((ROOT / "figures/line_fit_explore.explore.json").read_text())
    cm, cb = saved["controls"]
    m0, b0 = data.EXAMPLE_LINE
    assert (float(cm["labels"][cm["default"]]), float(cb["labels"][cb["default"]])) == (m0, b0)
    grid = explore_fits.line_grid()
    for ax in (1, 2):  # the bar and the curve reach every state's error
        lo, hi = saved["axes"][ax]["y"]
        assert lo < grid["mse"].min() and grid["mse"].max() < hi and grid["curves"].max() < hi


def learning_rate_slice():
    lr = gradient_descent.learning_rate_paths()
    small, good, large = lr["path_loss"]
    bottom = lstsq_mse()
    gone = np.abs(lr["paths"][0] - lr["m_best"])
    assert gone[-1] > 0.5 * gone[0] and small[-1] > 10 * bottom  # still far after 20 steps
    assert good[-1] - bottom < 1e-3 * (good[0] - bottom)
    side = np.sign(lr["paths"][2] - lr["m_best"])
    assert np.all(side[1:] == -side[:-1])  # bounces from side to side
    assert np.all(np.diff(large) > 0)  # and climbs


def descent_reaches_the_bottom():
    path = gradient_descent.mse_descent_path()["path"]
    assert np.linalg.norm(path[-1] - np.array(losses.least_squares(*seven()))) < 1e-3


def sweep_spans_small_to_diverging():
    x, _ = seven()
    rates, limit = explore_descent.learning_rates(), explore_descent.divergence_limit(x)
    assert len(rates) == 12 and rates[-2] < limit < rates[-1] < 1.25 * limit
    runs = explore_descent.sweep("lr")
    assert len(runs["paths"][-1]) <= runs["steps"]  # the largest is cut: it diverged
    assert runs["path_loss"][0][-1] > 10 * lstsq_mse()  # the smallest is far from the bottom
    assert facts()["lr_limit"] == f"{limit:#.3g}"


def limit_is_two_over_l():
    """α < 2/L converges, α > 2/L diverges, on the seven points' bowl."""
    x, y = seven()
    limit = explore_descent.divergence_limit(x)
    grad = lambda p: losses.mse_grad(p[0], p[1], x, y)  # noqa: E731
    with np.errstate(all="ignore"):
        below = optim.descend(grad, explore_descent.GD_START, optim.SGD(lr=0.98 * limit), 3000)
        above = optim.descend(grad, explore_descent.GD_START, optim.SGD(lr=1.02 * limit), 3000)
    assert mse_of(*below[-1]) < 1.001 * lstsq_mse()
    assert not np.isfinite(mse_of(*above[-1])) or mse_of(*above[-1]) > 1e6


def momentum_buys_speed_not_less_swing():
    mom = momentum()
    best, plain = mom["best"], mom["plain"]
    assert mom["final"][plain] > 10 * lstsq_mse()  # creeps: far from the bottom
    assert mom["final"][best] < 1.01 * lstsq_mse()  # reaches the bottom
    assert records.across_swing(mom["paths"][best]) > 10 * records.across_swing(mom["paths"][plain])
    f = facts()
    assert f["momentum_best_beta"] == f"{mom['betas'][best]:g}"
    assert f["momentum_plain_mse"] == f"{mom['final'][plain]:#.3g}"
    assert f["momentum_best_mse"] == f"{mom['final'][best]:#.3g}"
    assert f["momentum_lr"] == f"{explore_descent.MOMENTUM_LR:g}"


def plain_creeps_along_the_floor():
    across, along = records.valley_axes()
    path = momentum()["paths"][momentum()["plain"]]
    best = np.array(losses.least_squares(*seven()))
    late = path[20:] - best
    assert np.abs(late @ across).max() < 0.05 * np.abs(late @ along).max()  # on the floor
    assert np.all(np.diff(np.abs(late @ along)) <= 0)  # creeping towards the bottom


def largest_beta_swings_round():
    mom = momentum()
    _, along = records.valley_axes()
    path = mom["paths"][-1] - np.array(losses.least_squares(*seven()))
    crossings = np.count_nonzero(np.diff(np.sign(path @ along)))
    assert mom["betas"][-1] == max(mom["betas"]) and crossings >= 2
    assert mom["final"][-1] > mom["final"][mom["best"]]


def momentum_escapes_the_saddle():
    a = arrivals()["opt1a"][1.0]
    assert a["SGD"] is None and a["Momentum"] is not None and a["Nesterov"] is not None


def adagrad_alpha_matters():
    a = {s: arrivals()["opt2a"][s]["AdaGrad"] for s in explore_races.SCALES}
    assert a[0.5] > a[1.0] > a[2.0]
    assert [facts()[f"race_adagrad_{k}"] for k in ("half", "one", "two")] == \
        [str(a[0.5]), str(a[1.0]), str(a[2.0])]


def momentum_methods_overshoot():
    for name in ("Momentum", "Nesterov"):
        path = race("opt2a")["paths"][name]
        loss = losses.BEALE(path[:, 0], path[:, 1])
        climbs = np.max(loss - np.minimum.accumulate(loss))
        assert climbs > 0.5, name  # they climb back up the far wall
    sgd = race("opt2a")["paths"]["SGD"]
    assert np.all(np.diff(losses.BEALE(sgd[:, 0], sgd[:, 1])) <= 1e-12)


def sgd_too_slow_to_arrive():
    assert arrivals()["opt2a"][1.0]["SGD"] is None
    end = race("opt2a")["paths"]["SGD"][-1]
    assert np.linalg.norm(end - losses.BEALE.minima[0]) > 0.5  # "still far"


def nesterov_first_everywhere_and_two_never_at_half():
    for scale in explore_races.SCALES:
        assert records.first_to_arrive(arrivals()["opt2a"][scale]) == "Nesterov", scale
    never = {k for k, v in arrivals()["opt2a"][0.5].items() if v is None}
    assert never & set(ADAPTIVE) == {"AdaDelta", "Adam"}


def adaptive_paths_direct_or_wavering():
    paths, target = race("opt2a")["paths"], np.array(losses.BEALE.minima[0])
    ratio = {k: path_length_ratio(paths[k], target) for k in ADAPTIVE + ("Momentum", "Nesterov")}
    assert ratio["AdaGrad"] < 1.5 and ratio["Adam"] < 1.5  # fairly directly
    assert ratio["AdaDelta"] > 1.5 and ratio["RMSprop"] > 1.5  # longer, wavering
    for name in ADAPTIVE:
        assert arrivals()["opt2a"][1.0][name] is not None, name  # all four reach it
    for name in ("Momentum", "Nesterov"):  # "before settling"
        assert np.linalg.norm(paths[name][-1] - target) < explore_races.ARRIVAL_RADIUS


def sgd_escapes_the_saddle_slowly():
    a = arrivals()["opt1a"]
    assert a[1.0]["SGD"] is None and a[0.5]["SGD"] is None
    assert a[2.0]["SGD"] is not None and facts()["race_saddle_sgd_two"] == str(a[2.0]["SGD"])
    end = race("opt1a")["paths"]["SGD"][-1]
    assert np.linalg.norm(end - losses.SADDLE.saddles[0]) < 0.1  # still near it
    path = race("opt1a")["paths"]["SGD"]
    assert abs(path[-1, 1]) > abs(path[len(path) // 2, 1])  # moving away, slowly


def the_others_leave_the_saddle():
    a = arrivals()["opt1a"][1.0]
    assert all(a[k] is not None for k in a if k != "SGD")
    assert max(a[k] for k in ADAPTIVE) < min(a["Momentum"], a["Nesterov"])  # "at once"
    for name in ("Momentum", "Nesterov"):  # overshoot the saddle, come back, escape along y
        path = race("opt1a")["paths"][name]
        assert path[:, 0].max() > losses.SADDLE.saddles[0][0] and abs(path[-1, 0]) < 0.1
        assert abs(path[-1, 1]) > 1


def non_convex_landscape():
    d = gradient_descent.small_net_landscape(n=21)
    glob, local, saddle = d["critical_loss"]
    assert glob < 1e-6 < local < saddle
    np.testing.assert_allclose(d["global_min"], (3, -2), atol=0.01)
    np.testing.assert_allclose(d["local_min"], (-0.96, 2.86), atol=0.01)
    np.testing.assert_allclose(d["saddle"], (0.11, 0), atol=0.01)
    assert f"{local:.3f}" == "0.009" and f"{saddle:.3f}" == "0.085"


def batch_modes_steps():
    d = gradient_descent.batch_mode_paths()
    assert d["n"] == 100 and all(len(p) == 101 for p in d["paths"])


def overfit_numbers():
    o, f = overfit(), facts()
    assert len(o["x"]) == 11 and len(o["x_out"]) == 200
    assert o["complex_mse"] < 1e-20  # "0 error on the training points"
    assert f["overfit_simple_held_out_mse"] == f"{o['simple_held_out_mse']:#.3g}"
    assert f["overfit_complex_held_out_mse"] == f"{o['complex_held_out_mse']:#.3g}"
    ratio = o["complex_held_out_mse"] / o["simple_held_out_mse"]
    assert f["overfit_held_out_ratio"] == f"{ratio:.0f}" and ratio > 5  # "many times larger"


def overfit_widget_is_the_figure():
    """One held-out set: the widget's errors of degree 2 and 10 are the caption's, and it
    opens on the parabola."""
    import json
    saved = json.loads((ROOT / "figures/overfitting_explore.explore.json").read_text())
    o, fits = overfit(), explore_fits.degree_fits()
    np.testing.assert_array_equal(fits["xh"], o["x_out"])
    assert fits["held"][1] == o["simple_held_out_mse"] and fits["held"][9] == o["complex_held_out_mse"]
    (control,) = saved["controls"]
    assert control["labels"][control["default"]] == "2" and control["labels"] == [str(d) for d in range(1, 11)]
    assert saved["states"][control["default"]]["vals"]["held"] == facts()["overfit_simple_held_out_mse"]
    assert saved["states"][-1]["vals"]["held"] == facts()["overfit_complex_held_out_mse"]


def digits_caption():
    d = digits()
    plain, l2, drop = d["runs"]
    assert plain["stop_epoch"] is not None and evaluation.DIGITS_PATIENCE == 10
    assert plain["train_loss"][-1] < plain["train_loss"][plain["best_epoch"]]  # keeps falling
    for run in (l2, drop):
        assert run["gap"] < plain["gap"]
        assert run["val_loss"][run["best_epoch"]] < plain["val_loss"][plain["best_epoch"]]
    assert d["l2"] == d["l2_grid"][int(np.argmin(d["l2_val_loss"]))]  # chosen on validation
    assert facts()["digits_l2"] == f"{d['l2']:g}"
    assert d["chosen"] == int(np.argmin([r["val_loss"][r["best_epoch"]] for r in d["runs"]]))


def digits_seeds():
    f = facts()
    assert f["digits_seeds"] == str(len(evaluation.DIGITS_SEEDS)) == "10"
    beats = int(f["digits_l2_beats_none"])
    assert 0 <= beats <= 10


def dropout_half():
    d = evaluation.dropout_mask()
    hidden = d["kept"][1:-1]
    assert sum((~k).sum() for k in hidden) * 2 == sum(k.size for k in hidden)


def update_methods_final_losses():
    p = race("opt2a")["paths"]
    final = {k: float(losses.BEALE.at(v[-1])) for k, v in p.items()}
    assert all(final[k] < 1e-4 for k in ("Momentum", "Nesterov", "AdaGrad", "Adam"))
    assert all(1e-3 < final[k] < 1e-2 for k in ("AdaDelta", "RMSprop"))
    assert final["SGD"] > 0.1


def sgd_larger_rates():
    start, n = races.RACE_START["opt2a"], races.RACE_STEPS["opt2a"]
    with np.errstate(all="ignore"):
        end = {lr: optim.descend(losses.BEALE.grad, start, optim.SGD(lr=lr), n)[-1]
               for lr in (0.04, 0.08, 0.1)}
    loss = {lr: float(losses.BEALE.at(e)) for lr, e in end.items() if np.isfinite(e).all()}
    mom = race("opt2a")["paths"]
    assert np.linalg.norm(end[0.04] - losses.BEALE.minima[0]) < 0.05
    assert all(loss[0.04] > float(losses.BEALE.at(mom[k][-1])) for k in ("Momentum", "Nesterov"))
    assert loss[0.08] > loss[0.04] and not np.isfinite(end[0.1]).all()
    with np.errstate(all="ignore"):
        assert not np.isfinite(optim.descend(losses.BEALE.grad, start, optim.SGD(lr=0.081), n)).all()


def adam_first_step_per_coordinate():
    start = np.array(races.RACE_START["opt2a"])
    g = losses.BEALE.grad(start)
    for lr in (0.01, 0.1, 0.5):
        step = optim.descend(losses.BEALE.grad, start, optim.Adam(lr=lr), 1)[1] - start
        np.testing.assert_allclose(np.abs(step), lr * (np.abs(g) > 0), rtol=1e-6)
    assert g[0] == 0  # so the whole first step is α long here


def stochastic_ends_some_way_off():
    d = gradient_descent.batch_mode_paths()
    gap = {n: np.linalg.norm(p[-1] - d["best"]) for n, p in zip(d["names"], d["paths"])}
    start = np.linalg.norm(d["paths"][0][0] - d["best"])
    assert gap["stochastic"] < 0.25 * start  # in the region of the bottom
    assert gap["stochastic"] > 3 * gap["mini-batch"] > 3 * gap["batch"]  # but some way off


def residual_signs():
    x, y = seven()
    m, b = data.EXAMPLE_LINE
    r = y - (m * x + b)
    assert (r < 0).sum() == 5 and (r > 0).sum() == 2
    above = np.flatnonzero(r > 0)
    assert r[above].min() < 0.05 and np.argmax(np.abs(r)) == len(x) - 1 == np.argmax(x)
    assert r[-1] > 0


def bowl_is_a_straight_trough():
    """The MSE is quadratic in (m, b): elliptic contours about one straight axis, long and
    narrow (the curvatures differ by a factor of over 100)."""
    x, _ = seven()
    hessian = 2.0 / len(x) * np.array([[np.sum(x * x), np.sum(x)], [np.sum(x), len(x)]])
    low, high = np.linalg.eigvalsh(hessian)
    assert high / low > 100


def a_million_guesses_is_six_weights():
    assert 10 ** 6 == 1_000_000  # 10 guesses per weight, 6 weights
    sizes = (10, 20, 10)  # a few dozen neurons, fully connected
    assert sum(a * b for a, b in zip(sizes, sizes[1:])) > 100


def dropout_never_stops_early():
    drop = digits()["runs"][2]
    assert drop["stop_epoch"] is None and drop["best_epoch"] == len(drop["val_loss"]) - 1


def lr_breakout_leaves_the_map():
    b = explore_descent.breakout("lr")
    path = b["paths"][-1]
    step = explore_descent.leaves_at(path, b["M"], b["B"])
    assert step is not None and step < len(path) - 1
    assert b["M"].min() <= path[step - 1, 0] <= b["M"].max()


def excess_loss_falls_geometrically():
    run = gradient_descent.mse_descent_path()
    excess = np.asarray(run["path_mse"]) - lstsq_mse()
    rates = [excess[k + 100] / excess[k] for k in (100, 300, 500)]
    assert max(rates) < 1 and np.ptp(rates) < 0.01 * max(rates)  # one factor: a straight line


def one_weight_moves_one_then_all():
    change = why_training_is_hard.weight_tweak_effect()["change"]
    moved = [np.asarray(c) > 1e-12 for c in change]
    assert not moved[0].any() and moved[1].sum() == 1  # inputs still; one neuron next
    assert all(m.all() for m in moved[2:])  # every neuron after it


def two_and_three_weights():
    assert why_training_is_hard.two_small_nets()["n_weights"] == [2, 3]


def header_is_the_small_net():
    """The header's heights are the small sigmoid net's loss (cube-rooted) over its two
    weights, the same surface as the non-convex figure."""
    from ml4a_figs.figures import header
    assert header.SMALL_NET is losses.SMALL_NET is gradient_descent.losses.SMALL_NET
    d = header.header_landscape(nx=40)
    assert np.isfinite(d["height"]).all() and d["height"].min() >= 0


def backprop_uses_central_differences():
    import inspect
    from ml4a_figs.core import nn
    src = inspect.getsource(nn.numerical_gradient)
    assert "2 * eps" in src or "2.0 * eps" in src
