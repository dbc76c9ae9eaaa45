"""The records tests/claim_checks.py reads, each computed once per test run: the same
functions the figures are drawn from."""

from __future__ import annotations

from functools import cache

import numpy as np

from ml4a_figs.core import data, losses
from ml4a_figs.figures import evaluation, races, records
from ml4a_figs.figures.overfitting_record import overfitting_fits


# --- the records the checks read (cached: each is one computation of a figure) ---------

@cache
def facts() -> dict:
    from ml4a_figs.figures.facts import compute_facts
    return compute_facts()["facts"]


@cache
def arrivals() -> dict:
    return records.race_arrivals()


@cache
def race(name: str) -> dict:
    return races.beale_race() if name == "opt2a" else races.saddle_race()


@cache
def momentum() -> dict:
    return records.momentum_record()


@cache
def overfit() -> dict:
    return overfitting_fits()


@cache
def digits() -> dict:
    return evaluation.digits_curves_data()


def seven():
    return data.seven_points()


def mse_of(m, b):
    x, y = seven()
    return float(losses.mse(m, b, x, y))


def lstsq_mse():
    return mse_of(*losses.least_squares(*seven()))


def path_length_ratio(path, target):
    """Length of the path over the straight distance from its start to `target`."""
    return np.linalg.norm(np.diff(path, axis=0), axis=1).sum() / np.linalg.norm(target - path[0])
