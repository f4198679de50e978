"""Float digamma and polygamma functions (Python's math module has neither).

psi(x) = d/dx ln|Gamma(x)| and psi^(n)(x) = d^n/dx^n psi(x).  Computed by the
recurrence psi^(n)(x) = psi^(n)(x + 1) - (-1)^n n! / x^(n+1) up to x >= 20 + n,
then the asymptotic series

    psi(z)     ~ ln z - 1/(2z) - sum_k B_2k / (2k z^2k)
    psi^(n)(z) ~ (-1)^(n+1) [ (n-1)!/z^n + n!/(2 z^(n+1)) + sum_k B_2k (2k+n-1)! / ((2k)! z^(2k+n)) ]

Near the positive root of psi (x0 = 1.4616...) a Taylor series about the root
(within 0.25 of it) keeps the relative error of psi below 1e-12 where the recurrence would cancel.
"""

from __future__ import annotations

import math

# B_2, B_4, ..., B_30
_BERNOULLI = (
    1 / 6,
    -1 / 30,
    1 / 42,
    -1 / 30,
    5 / 66,
    -691 / 2730,
    7 / 6,
    -3617 / 510,
    43867 / 798,
    -174611 / 330,
    854513 / 138,
    -236364091 / 2730,
    8553103 / 6,
    -23749461029 / 870,
    8615841276005 / 14322,
)
# the positive root of psi, as a double plus the rest
_ROOT_HI = 1.4616321449683622
_ROOT_LO = 9.549995429965697e-17
_SHIFT_LIMIT = 100_000


def _asymptotic(n: int, z: float) -> float:
    if n == 0:
        total = math.log(z) - 0.5 / z
        z2 = z * z
        zk = z2
        for k, b in enumerate(_BERNOULLI, start=1):
            term = b / (2 * k * zk)
            total -= term
            if abs(term) < 1e-17 * abs(total):
                break
            zk *= z2
        return total
    sign = 1.0 if n % 2 == 1 else -1.0
    total = math.factorial(n - 1) / z**n + math.factorial(n) / (2.0 * z ** (n + 1))
    for k, b in enumerate(_BERNOULLI, start=1):
        term = b * math.factorial(2 * k + n - 1) / (math.factorial(2 * k) * z ** (2 * k + n))
        total += term
        if abs(term) < 1e-17 * abs(total):
            break
    return sign * total


def polygamma(n: int, x: float) -> float:
    """psi^(n)(x), the n-th derivative of digamma, for real x not a non-positive integer."""
    if x <= 0.0 and x == math.floor(x):
        raise ValueError(f"polygamma() of {x!r} is undefined (a pole at every integer <= 0)")
    if n == 0 and abs(x - _ROOT_HI) < 0.25:
        return _near_root(x)
    if x < -_SHIFT_LIMIT:
        if n == 0:  # reflection: psi(x) = psi(1 - x) - pi / tan(pi x)
            return polygamma(0, 1.0 - x) - math.pi / math.tan(math.pi * x)
        raise ValueError(
            f"polygamma() of order {n} at {x!r}: arguments below -{_SHIFT_LIMIT} are not supported"
        )
    target = 20.0 + 2 * n
    terms = []
    coeff = -1.0 if n == 0 else (1.0 if n % 2 == 1 else -1.0) * math.factorial(n)
    # psi^(n)(x) = psi^(n)(x + 1) + (-1)^(n+1) n! / x^(n+1)  (for n = 0: psi(x) = psi(x + 1) - 1/x)
    while x < target:
        terms.append(coeff / x ** (n + 1))
        x += 1.0
    terms.append(_asymptotic(n, x))
    return math.fsum(terms)


def _taylor_coefficients(terms: int = 24) -> tuple[float, ...]:
    return tuple(polygamma(k, _ROOT_HI) / math.factorial(k) for k in range(1, terms + 1))


_COEFFS: tuple[float, ...] = ()


def _near_root(x: float) -> float:
    global _COEFFS
    if not _COEFFS:
        _COEFFS = _taylor_coefficients()
    h = (x - _ROOT_HI) - _ROOT_LO
    total = 0.0
    for c in reversed(_COEFFS):
        total = (total + c) * h
    return total


def digamma(x: float) -> float:
    """psi(x) = d/dx ln|Gamma(x)| for real x not a non-positive integer."""
    return polygamma(0, x)
