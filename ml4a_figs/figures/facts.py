"""The numbers the chapter's prose quotes, computed by the code that draws the figures.

Pages write `{{ facts.NAME }}`; the build replaces it with the value below. The
facts are built and cached like a figure (figures/facts.json), so prose and
figures can never drift apart.
"""

from __future__ import annotations

from ..core import data, losses
from .overfitting_record import overfitting_fits
from .numbers import number
from .records import claim_facts
from .why_training_is_hard import MNIST_SIZES, sampling_grids
from ..core.nn import MLP
from .registry import declare


def thousands(n: int) -> str:
    return f"{n:,}"


def thousands_tex(n: int) -> str:
    """Inside TeX a bare comma is punctuation followed by a space; {,} is not."""
    return f"{n:,}".replace(",", "{,}")


def line_tex(m: float, b: float) -> str:
    sign = "-" if b < 0 else "+"
    return f"{m:g} \\cdot x {sign} {abs(b):g}"


# The MSE the original chapter quoted for its middle line, f(x) = -0.11x + 2.5.
ORIGINAL_MIDDLE_MSE = 0.08


def seven_points_table() -> str:
    x, y = data.seven_points()
    rows = ["| *x* | *y* |", "| ---: | ---: |"]  # text headers: screen readers name the columns
    rows += [f"| {float(xi)!r} | {float(yi)!r} |" for xi, yi in zip(x, y)]
    return "\n".join(rows)


def compute_facts() -> dict:
    x, y = data.seven_points()
    candidates = [losses.mse(m, b, x, y) for m, b in data.CANDIDATE_LINES]
    m_star, b_star = losses.least_squares(x, y)
    grid_2d, grid_3d = sampling_grids()
    mnist = MLP(MNIST_SIZES)
    n_weights = sum(w.size for w in mnist.params[0::2])
    n_biases = sum(b.size for b in mnist.params[1::2])

    facts = {
        "seven_points_table": seven_points_table(),
        "example_line": line_tex(*data.EXAMPLE_LINE),
        "lstsq_m": number(m_star),
        "lstsq_b": number(b_star),
        "lstsq_mse": number(losses.mse(m_star, b_star, x, y)),
    }
    for i, value in enumerate(candidates, start=1):
        facts[f"mse_candidate_{i}"] = number(value)
    for name, n in {"grid_2d_points": len(grid_2d), "grid_3d_points": len(grid_3d),
                    "mnist_weights": n_weights, "mnist_biases": n_biases,
                    "mnist_params": mnist.n_params}.items():
        facts[name] = thousands(n)
        facts[f"{name}_tex"] = thousands_tex(n)
    facts["mnist_params_plain"] = str(mnist.n_params)
    fits = overfitting_fits()
    for name in ("simple_mse", "complex_mse", "simple_held_out_mse", "complex_held_out_mse"):
        facts[f"overfit_{name}"] = number(fits[name])
    facts["overfit_held_out_n"] = str(len(fits["x_out"]))
    facts["overfit_held_out_ratio"] = f"{fits['complex_held_out_mse'] / fits['simple_held_out_mse']:.0f}"
    # the original chapter quoted 0.08 for its middle line, ours
    facts["original_mse_ratio"] = number(candidates[1] / ORIGINAL_MIDDLE_MSE)
    facts.update(claim_facts())
    return {"facts": facts}


def as_json(theme, facts: dict) -> dict:
    """Data, the same in every theme."""
    return facts


declare("facts", compute=compute_facts, draw=as_json, formats=("json",),
        alt="Numbers quoted in the chapter's prose")
