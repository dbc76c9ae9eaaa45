"""Every claim of the chapter, a caption, an alt text or a notebook about a computed
figure, listed as data: where it is written (its exact words, which must still be
there) and a check that recomputes it from the code the figure is drawn with.

When a sentence changes, its quote stops matching and this test names it: check the
new sentence against the computation and update the entry. The claims were collected
by reading docs/en/index.md, every figure's alt text and docs/notebooks/*.py whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Callable

import pytest

from claim_checks import *  # noqa: F403 (the checks the claims name)
from conftest import ROOT
from ml4a_figs.figures.registry import scan


@dataclass(frozen=True)
class Claim:
    where: str  # "en" (docs/en/index.md), "alt:FIGURE" or "nb:NOTEBOOK"
    quote: str  # words of the claim, exactly as written (whitespace aside)
    check: Callable[[], None]

    @property
    def id(self) -> str:
        return f"{self.where}: {self.quote[:60]}"


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@cache
def source(where: str) -> str:
    if where == "en":
        return _squash((ROOT / "docs/en/index.md").read_text(encoding="utf-8"))
    kind, name = where.split(":")
    if kind == "alt":
        return _squash(scan()[name].alt)
    text = (ROOT / f"docs/notebooks/{name}.py").read_text(encoding="utf-8")
    return _squash(re.sub(r"^# ?", "", text, flags=re.M))


CLAIMS = [
    Claim("en", "There are around 12,000 weights in it.", mnist_about_12000),
    Claim("en", "Tweaking the weight of one connection in the first layer will affect just one neuron in the next layer, but because of fully-connectedness, all neurons in subsequent layers will be changed.", one_weight_moves_one_then_all),
    Claim("en", "Two small networks with two and three weight connections", two_and_three_weights),
    Claim("en", "Here the ground is the loss of a tiny neural network over two of its weights.", header_is_the_small_net),
    Claim("en", "chosen by hand so that each fits a little better than the one before", candidates_get_better),
    Claim("en", 'is "only 4,000 times bigger" than the more familiar 3-dimensional haystack', haystack_4000_times),
    Claim("en", "A 2d square sampled to 10% density requires $10^2 = {{ facts.grid_2d_points }}$ points;", grids_are_10_per_axis),
    Claim("en", "That's a 1 with almost 12,000 zeros after it!", mnist_about_12000),
    Claim("en", "Pretty clearly, the first two lines don't fit our data very well. The third one appears to fit a little better", candidates_get_better),
    Claim("en", "Not surprisingly, the third function has the lowest MSE", candidates_get_better),
    Claim("en", "the least-squares line does better (MSE {{ facts.lstsq_mse }})", third_is_not_the_best_fit),
    Claim("en", "{{ facts.original_mse_ratio }} times the quoted 0.08, which points at the original having computed half the mean", original_used_half_the_mean),
    Claim("en", "A graph plotting mean squared error for $-2 \\le m \\le 4$ and $-6 \\le b \\le 8$,", bowl_window_and_bottom),
    Claim("en", "very roughly centered in the neighborhood around $(m, b) \\approx ({{ facts.lstsq_m }}, {{ facts.lstsq_b }})$", bowl_window_and_bottom),
    Claim("en", "and that is where the bowl in our figure bottoms out", bowl_window_and_bottom),
    Claim("en", "two sliders change the line's slope and intercept (they start at this line); the bar is its mean squared error and the curve is the error of every slope at the chosen intercept, with the least-squares slope dotted.", line_fit_caption_every_state),
    Claim("en", "Set too small, gradient descent creeps along and is still far from the bottom after many steps. Set too large, every step overshoots the valley floor, so the path bounces from side to side and can even climb upwards.", learning_rate_slice),
    Claim("alt:learning_rate", "so the path bounces from side to side and climbs up the parabola", learning_rate_slice),
    Claim("en", "until we are at the bottom of the loss function", descent_reaches_the_bottom),
    Claim("en", "On screen a slider chooses among twelve rates", sweep_spans_small_to_diverging),
    Claim("en", "the limit is {{ facts.lr_limit }}: the largest of the twelve learning rates in the figure above lies just past it, and diverges.", sweep_spans_small_to_diverging),
    Claim("en", "it is guaranteed to get you the best set of parameters as long as the learning rate stays below $2/L$", limit_is_two_over_l),
    Claim("en", "the learning-rate figure shows the limit, $2/\\lambda_{\\max}$ = {{ facts.lr_limit }} for the seven points, past which descent diverges.", sweep_spans_small_to_diverging),
    Claim("en", "plain gradient descent creeps along the valley floor and after {{ facts.momentum_steps }} steps its MSE is still {{ facts.momentum_plain_mse }}", plain_creeps_along_the_floor),
    Claim("en", "with $\\beta = {{ facts.momentum_best_beta }}$ the path reaches the bottom (MSE {{ facts.momentum_best_mse }}), though it swings across the valley more, not less, on the way.", momentum_buys_speed_not_less_swing),
    Claim("en", "with the beta that ends lowest it swings across the valley as it speeds along it, and reaches the bottom; with the largest it overshoots and swings round the minimum", largest_beta_swings_round),
    Claim("alt:momentum_bowl", "with the β that ends lowest it swings across the valley as it speeds along it, and reaches the bottom", momentum_buys_speed_not_less_swing),
    Claim("alt:momentum_bowl", "with the largest β it overshoots and swings round the minimum", largest_beta_swings_round),
    Claim("en", "Momentum helps us escape saddle points and local minima", momentum_escapes_the_saddle),
    Claim("en", "AdaGrad arrives at step {{ facts.race_adagrad_one }}, and halving or doubling its $\\alpha$ moves that to step {{ facts.race_adagrad_half }} or {{ facts.race_adagrad_two }}.", adagrad_alpha_matters),
    Claim("en", 'overshoot the valley by "rolling downhill" too fast', momentum_methods_overshoot),
    Claim("en", "moves in the right direction but too slowly to arrive", sgd_too_slow_to_arrive),
    Claim("en", "at each of the three learning-rate scales the widget offers, Nesterov arrives first, and at half the rates AdaDelta and Adam never arrive.", nesterov_first_everywhere_and_two_never_at_half),
    Claim("alt:opt2a", "Momentum and Nesterov swing across the valley and back before settling", momentum_methods_overshoot),
    Claim("alt:opt2a", "AdaGrad and Adam head in fairly directly, AdaDelta and RMSprop by longer, wavering paths, and all four reach the minimum", adaptive_paths_direct_or_wavering),
    Claim("alt:opt2a", "plain SGD creeps along the valley floor and is still far from the minimum when the race ends", sgd_too_slow_to_arrive),
    Claim("en", "at these learning rates it has not rolled off the saddle when the race ends, and at twice the rates it does so at step {{ facts.race_saddle_sgd_two }}", sgd_escapes_the_saddle_slowly),
    Claim("en", "the others slide off the saddle downhill, while plain SGD lingers near the saddle and leaves it only slowly", the_others_leave_the_saddle),
    Claim("alt:opt1a", "Plain SGD rolls down to the saddle point and is still near it when the race ends, moving away only slowly.", sgd_escapes_the_saddle_slowly),
    Claim("alt:opt1a", "AdaGrad, AdaDelta, RMSprop and Adam turn off the ridge at once and slide downhill along y; Momentum and Nesterov overshoot the saddle, come back and then escape along y too.", the_others_leave_the_saddle),
    Claim("alt:non_convex_function", "global minimum at w1 = 3, w2 = -2 (loss 0), a circle the local minimum near w1 = -0.96, w2 = 2.86 (loss 0.009), and a cross the saddle point between them near w1 = 0.11, w2 = 0 (loss 0.085).", non_convex_landscape),
    Claim("en", "a global minimum and a shallower local minimum, and a saddle point between them", non_convex_landscape),
    Claim("en", "Each takes 100 steps; for stochastic gradient descent that is a single pass over the data.", batch_modes_steps),
    Claim("en", "its error is about {{ facts.overfit_held_out_ratio }} times that of the parabola", overfit_numbers),
    Claim("en", "The curvy line (degree 10) has 0 error on the training points", overfit_numbers),
    Claim("alt:overfitting", "so its error on the held-out points is many times larger", overfit_numbers),
    Claim("en", "On screen a slider chooses the degree, from 1 to 10, starting at the parabola; a second chart gives every degree's error on the same training and held-out points.", overfit_widget_is_the_figure),
    Claim("alt:overfitting_explore", "The eleven training points and two hundred held-out points in grey", overfit_widget_is_the_figure),
    Claim("en", "Without regularization, the training loss keeps falling while the validation loss stops improving", digits_caption),
    Claim("en", "the gap between them at the epoch whose weights are kept is smaller, and the lowest validation loss is a little lower.", digits_caption),
    Claim("en", "(its $\\lambda$, {{ facts.digits_l2 }}, chosen on the validation set)", digits_caption),
    Claim("en", "over {{ facts.digits_seeds }} training seeds, each run stopped early", digits_seeds),
    Claim("alt:dropout", "half of the hidden neurons are greyed out and crossed", dropout_half),
    Claim("nb:update_methods", "Momentum, Nesterov, AdaGrad and Adam end with a loss below $10^{-4}$", update_methods_final_losses),
    Claim("nb:update_methods", "Plain SGD rolls down to the saddle and escapes only slowly", sgd_escapes_the_saddle_slowly),
    Claim("nb:update_methods", "a little larger ($0.04$) ends near the minimum, though with a higher loss than both momentum methods; larger still ($0.08$) bounces across the valley and ends worse", sgd_larger_rates),
    Claim("nb:update_methods", "each coordinate of its first step is $\\alpha$ long", adam_first_step_per_coordinate),
    Claim("nb:backpropagation", "checks backprop against numerical gradients on a small network (central differences", backprop_uses_central_differences),
    Claim("nb:linear_regression", "The loss falls by the same factor every few steps: a straight line on the log scale.", excess_loss_falls_geometrically),
    Claim("en", "takes a jerky, erratic path: after its single pass it is in the region of the bottom, but still some way off it.", stochastic_ends_some_way_off),
    Claim("alt:batch_modes", "and after its single pass is in the region of the star, but still some way off.", stochastic_ends_some_way_off),
    Claim("alt:lin_reg_error", "five points lie below the line, one just above it, and the last point, on the right, lies farthest away, above it.", residual_signs),
    Claim("alt:lin_reg_mse", "a long, narrow, straight trough", bowl_is_a_straight_trough),
    Claim("en", "For a network with just a handful of weights, this would work fine.", a_million_guesses_is_six_weights),
    Claim("en", "a million guesses covers only 6 weights, and a few dozen connected neurons have hundreds", a_million_guesses_is_six_weights),
    Claim("en", "the dropout run is still improving at its last epoch, and never stops early.", dropout_never_stops_early),
    Claim("nb:update_methods", "a little above that (already at $0.081$; $0.1$ here) the steps grow until the numbers overflow", sgd_larger_rates),
    Claim("alt:learning_rate_bowl", "with the largest it bounces across the valley, further each time, and leaves the chart", lr_breakout_leaves_the_map),
    Claim("en", "checks backprop against numerical gradients on a small network (central differences, a two-sided version of this formula", backprop_uses_central_differences),
]


@pytest.mark.parametrize("claim", CLAIMS, ids=lambda c: c.id)
def test_the_claim_is_still_written(claim):
    assert _squash(claim.quote) in source(claim.where), \
        f"{claim.where} no longer says {claim.quote!r}: recheck the new words and update CLAIMS"


@pytest.mark.parametrize("claim", CLAIMS, ids=lambda c: c.id)
def test_the_claim_holds(claim):
    claim.check()


def test_the_claims_cover_every_source():
    wheres = {c.where for c in CLAIMS}
    assert "en" in wheres and {"nb:update_methods", "nb:backpropagation"} <= wheres
    print(f"{len(CLAIMS)} claims checked")
