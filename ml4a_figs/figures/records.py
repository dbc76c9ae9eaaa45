"""What the prose says about the explorables, read off the same runs the widgets draw.

Each function here reads the record a figure is drawn from (the momentum sweep, the
races at their three scales, the digits runs) and returns the handful of numbers
the chapter quotes about it, so prose, widget and figure cannot tell different
stories. tests/test_claims.py checks every sentence built on them.
"""

from __future__ import annotations

import numpy as np

from ..core import data
from .evaluation import DIGITS_SEEDS, digits_curves_data, digits_seed_study
from .explore_descent import MOMENTUM_LR, divergence_limit, sweep
from .explore_races import RACE_LOOK, SCALES, arrival_step, race_states
from .numbers import number, percent


def momentum_record() -> dict:
    """The momentum sweep: plain descent (β = 0) against the β that ends lowest."""
    runs = sweep("beta")
    final = [l[-1] if len(l) > runs["steps"] else np.inf for l in runs["path_loss"]]
    best = int(np.argmin(final))
    return {"betas": runs["values"], "paths": runs["paths"], "final": final, "best": best,
            "plain": int(np.flatnonzero(runs["values"] == 0)[0]), "steps": runs["steps"]}


def valley_axes():
    """The bowl's directions: across the valley (steepest) and along its floor."""
    x, _ = data.seven_points()
    hessian = 2.0 / len(x) * np.array([[np.sum(x * x), np.sum(x)], [np.sum(x), len(x)]])
    _, vectors = np.linalg.eigh(hessian)
    return vectors[:, 1], vectors[:, 0]


def across_swing(path, after=5) -> float:
    """How far a path travels across the valley after step `after` (sum of |moves|)."""
    across, _ = valley_axes()
    return float(np.abs(np.diff(path[after:] @ across)).sum())


def race_arrivals() -> dict:
    """race name -> scale -> optimizer -> first step of arrival (None: never), as the
    widgets' tables show them."""
    out = {}
    for name, look in RACE_LOOK.items():
        states = race_states(name, look["surface"])
        out[name] = {scale: {k: arrival_step(name, p, look["surface"])
                             for k, p in run.items()}
                     for scale, run in zip(SCALES, states["runs"])}
    return out


def first_to_arrive(arrivals: dict) -> str | None:
    """The optimizer that arrives first (None if none does); ties: an error."""
    steps = {k: v for k, v in arrivals.items() if v is not None}
    if not steps:
        return None
    first = min(steps.values())
    winners = [k for k, v in steps.items() if v == first]
    if len(winners) > 1:
        raise ValueError(f"a tie for first place: {winners}")
    return winners[0]


def claim_facts() -> dict:
    """The numbers the prose quotes about momentum, the races, the learning-rate limit
    and the digits over several seeds."""
    x, _ = data.seven_points()
    facts = {"lr_limit": number(divergence_limit(x))}

    mom = momentum_record()
    facts.update(momentum_lr=f"{MOMENTUM_LR:g}",
                 momentum_steps=str(mom["steps"]),
                 momentum_best_beta=f"{mom['betas'][mom['best']]:g}",
                 momentum_plain_mse=number(mom["final"][mom["plain"]]),
                 momentum_best_mse=number(mom["final"][mom["best"]]))

    arrivals = race_arrivals()
    for scale, label in zip(SCALES, ("half", "one", "two")):
        facts[f"race_adagrad_{label}"] = str(arrivals["opt2a"][scale]["AdaGrad"])
    facts["race_saddle_sgd_two"] = str(arrivals["opt1a"][2.0]["SGD"])

    curves = digits_curves_data()
    facts["digits_l2"] = f"{curves['l2']:g}"
    study = digits_seed_study(curves["l2"])
    facts["digits_seeds"] = str(len(DIGITS_SEEDS))
    for name, acc in study.items():
        facts[f"digits_test_{name}"] = percent(acc.mean())
        facts[f"digits_test_{name}_sd"] = percent(acc.std(ddof=1))
    facts["digits_l2_beats_none"] = str(int((study["l2"] > study["none"]).sum()))
    return facts
