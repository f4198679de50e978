"""Small shims for the Python versions the package supports (3.10 and later)."""

from __future__ import annotations

import math


def _cbrt(x: float) -> float:
    """The real cube root of ``x`` (math.cbrt arrived in Python 3.11)."""
    if x == 0.0:
        return x
    y = math.copysign(abs(x) ** (1.0 / 3.0), x)
    return y - (y * y * y - x) / (3.0 * y * y)  # one Newton step: correctly rounded in practice


cbrt = getattr(math, "cbrt", _cbrt)
