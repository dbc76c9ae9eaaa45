"""One truth per figure (issue 19): where a widget and a static figure show the same
thing they read one record, start in the same state, and the readouts and the prose
write numbers one way. Each test here failed on the code before the fix."""

from __future__ import annotations

import json
import re

import numpy as np

from conftest import FIGURES, ROOT
from ml4a_figs import style
from ml4a_figs.figures import explore_fits
from ml4a_figs.figures.registry import scan

CHAPTER = ROOT / "docs/en/index.md"
# the one number format (ml4a_figs/figures/numbers.py): 3 significant digits, plain
# decimals from 0.001 to 1e5, powers of ten outside; never 1.15e-06 or 0.00000115
ONE_FORMAT = re.compile(r"^-?(0|\d+(\.\d+)?|\d\.\d\d × 10⁻?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)$")


def significant_digits(text: str) -> int:
    mantissa = text.split(" × ")[0].lstrip("-")
    if "." not in mantissa:
        mantissa = mantissa.rstrip("0")  # 7300: the zeros only place the digits
    return len(mantissa.replace(".", "").lstrip("0"))


def static_record(name: str) -> dict:
    compute, _ = scan()[name].functions()
    return compute(**scan()[name].params)


def test_the_overfitting_widget_scores_on_the_static_figures_held_out_points():
    """The widget used 10 points of its own (0.00493, 0.191); the figure and caption 200."""
    record = static_record("overfitting")
    fits = explore_fits.degree_fits()
    np.testing.assert_array_equal(fits["xh"], record["x_out"])
    np.testing.assert_array_equal(fits["yh"], record["y_out"])
    degrees = list(explore_fits.DEGREES)
    low, high = record["degrees"]
    assert fits["held"][degrees.index(low)] == record["simple_held_out_mse"]
    assert fits["held"][degrees.index(high)] == record["complex_held_out_mse"]


def test_the_overfitting_widget_opens_on_the_static_figures_simple_model():
    saved = json.loads((FIGURES / "overfitting_explore.explore.json").read_text())
    (control,) = saved["controls"]
    simple, _ = static_record("overfitting")["degrees"]
    assert control["labels"][control["default"]] == str(simple)


def test_the_line_fit_error_axes_reach_every_state():
    """Its MSE axis stopped at 1.0: 90 of the 126 states drew their dot off the chart."""
    grid = explore_fits.line_grid()
    saved = json.loads((FIGURES / "line_fit_explore.explore.json").read_text())
    for ax in (saved["axes"][1], saved["axes"][2]):
        lo, hi = ax["y"]
        assert lo < grid["mse"].min() and grid["mse"].max() < hi
        assert grid["curves"].max() < hi


def test_the_least_squares_slope_is_labelled():
    explorable = explore_fits.draw_line_grid(style.Theme(), **explore_fits.line_grid())
    fig = explorable.backgrounds[""]
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert any("least squares" in t for t in texts), texts


def test_explorable_readouts_use_the_one_number_format():
    """Race losses were raw floats the page printed as 0.00000115 beside 4.22e-12."""
    for path in sorted(FIGURES.glob("*.explore.json")):
        saved = json.loads(path.read_text(encoding="utf-8"))
        written = []
        if saved["kind"] == "race":
            for run in saved["runs"]:
                for opt in run.values():
                    written += opt["loss"]
        else:
            for state in saved["states"]:
                written += [v for k, v in state["vals"].items() if k in ("loss", "mse", "train", "held")]
        for value in written:
            assert isinstance(value, str) and ONE_FORMAT.match(value), (path.name, value)
            digits = significant_digits(value)
            assert value == "0" or digits == 3 or ("." not in value and digits < 3), \
                (path.name, value)


def test_the_prose_facts_use_the_one_number_format():
    facts = json.loads((FIGURES / "facts.json").read_text(encoding="utf-8"))
    for name in ("lstsq_mse", "mse_candidate_1", "mse_candidate_3", "overfit_simple_held_out_mse",
                 "overfit_complex_held_out_mse"):
        assert ONE_FORMAT.match(facts[name]) and significant_digits(facts[name]) == 3, name
    # shares as the digits figure writes its test accuracy: 92.2%
    for name in ("digits_test_none", "digits_test_l2", "digits_test_dropout"):
        assert re.fullmatch(r"\d{1,3}\.\d%", facts[name]), (name, facts[name])


def test_no_update_has_the_same_w_t_on_both_sides():
    """The corrections list says so; the momentum and backprop sections still printed it."""
    text = CHAPTER.read_text(encoding="utf-8")
    body = text[: text.index("## Corrections to the original")]
    assert not re.search(r"W_(\{t\}|t)\s*:=\s*W_(\{t\}|t)\s*-", body)


def test_the_digits_test_score_is_the_kept_weights():
    """The chosen run was scored with its epoch-50 weights, not the ones early stopping keeps."""
    from ml4a_figs.core.nn import MLP, accuracy, train
    from ml4a_figs.core.optim import Adam
    from ml4a_figs.figures import evaluation as ev

    d = ev.digits_curves_data()
    run = d["runs"][d["chosen"]]
    l2 = d.get("l2", 0.0) if run["title"].startswith("L2") else 0.0
    dropout = ev.DIGITS_DROPOUT if run["title"].startswith("Dropout") else 0.0
    split = ev.digits_split()
    net = MLP(ev.DIGITS_SIZES, activation="relu", l2=l2, dropout=dropout, seed=0)
    train(net, split, Adam(lr=ev.DIGITS_LR), epochs=ev.DIGITS_EPOCHS,
          batch_size=ev.DIGITS_BATCH, seed=0, patience=ev.DIGITS_PATIENCE)  # keeps the best
    assert d["test_accuracy"] == accuracy(net, split.X_test, split.y_test)


def test_race_head_dots_take_their_optimizers_colour():
    """A rule `.explore-overlay .x-head { fill }` outranked `.x-sgd` & co.: every head dot
    was drawn in the fit colour. No rule may colour the races' head dots by role."""
    css = (ROOT / "docs/assets/explore.css").read_text(encoding="utf-8")
    for selectors, body in re.findall(r"([^{}]+)\{([^}]*)\}", css):
        if "x-head" in selectors:
            assert not re.search(r"(^|;)\s*fill\s*:", body.strip()), selectors.strip()


def test_each_sweep_widget_opens_on_its_static_figures_middle_panel():
    """The print/no-JS breakout shows the smallest value, the one that ends lowest and the
    largest; the widget opens on the middle one, the same run."""
    from ml4a_figs.figures import explore_descent

    for key, name in (("lr", "learning_rate_explore"), ("beta", "momentum_explore")):
        saved = json.loads((FIGURES / f"{name}.explore.json").read_text())
        (control,) = saved["controls"]
        values = explore_descent.sweep(key)["values"]
        static = explore_descent.breakout(key)["values"]
        assert values[control["default"]] == static[1], key
