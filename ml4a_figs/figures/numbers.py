"""The one way a computed number is written, in the prose ({{ facts.NAME }}) and in an
explorable's readouts alike, so a reader never sees `0.00000115` beside `4.22e-12`.
"""

from __future__ import annotations

import math

SIGNIFICANT = 3
# Between these, a number is written as a plain decimal; outside, as a power of ten.
PLAIN = (1e-3, 1e5)
_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def number(value: float, digits: int = SIGNIFICANT, zero_below: float = 0.0) -> str:
    """`value` to `digits` significant digits, trailing zeros kept (0.160, 0.0181);
    very small or large values as 1.15 × 10⁻⁶; below `zero_below` (a value that is zero
    but for rounding), 0. Not finite: an error, never "nan"."""
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"cannot write {value!r} as a readout: it is not a finite number")
    if abs(value) <= zero_below:
        return "0"
    mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
    exponent = int(exponent)  # of the value once rounded: 0.00099996 is 1.00e-03
    if PLAIN[0] <= abs(float(f"{mantissa}e{exponent}")) < PLAIN[1]:
        places = digits - 1 - exponent
        return f"{round(value, places):.{max(places, 0)}f}"
    return f"{mantissa} × 10{str(exponent).translate(_SUPERSCRIPT)}"


def percent(share: float, places: int = 1) -> str:
    """A share (0.915) as a percentage with `places` decimals, written as the figures
    write theirs (91.5%)."""
    return f"{100 * float(share):.{places}f}%"
