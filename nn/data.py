"""Small seeded toy data sets for classification, in pure Python.

Every maker returns ``(X, y)``: ``X`` a list of ``[x1, x2]`` points (floats)
and ``y`` a list of class indices (ints 0, 1, ...).  Noise is Gaussian with
standard deviation ``noise``.  Random numbers come from a
``random.Random(seed)`` of their own: the same seed gives the same data, and
the global random state is never touched.  For the hinge loss turn classes
0/1 into labels -1/+1 with ``2*y - 1``.

>>> X, y = make_moons(6, noise=0.0, seed=0)
>>> len(X), sorted(set(y))
(6, [0, 1])
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from numbers import Real
from typing import TypeVar

Point = list[float]
#: A data set: the points and their integer class labels.
Dataset = tuple[list[Point], list[int]]
T = TypeVar("T")
U = TypeVar("U")


def _n(n: object, who: str, minimum: int = 1) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < minimum:
        raise ValueError(f"{who}: n must be an integer >= {minimum}, got {n!r}")
    return n


def _noise(noise: object, who: str) -> float:
    if isinstance(noise, bool) or not isinstance(noise, Real) or not 0 <= float(noise) < math.inf:
        raise ValueError(f"{who}: noise must be a finite number >= 0, got {noise!r}")
    return float(noise)


def _jitter(rng: random.Random, x: float, y: float, noise: float) -> Point:
    if noise:
        return [x + rng.gauss(0.0, noise), y + rng.gauss(0.0, noise)]
    return [x, y]


def _shuffled(rng: random.Random, X: list[Point], y: list[int]) -> Dataset:
    order = list(range(len(X)))
    rng.shuffle(order)
    return [X[i] for i in order], [y[i] for i in order]


def make_moons(n: int = 100, noise: float = 0.1, seed: int | None = None) -> Dataset:
    """Two interleaving half circles: class 0 on top, class 1 below (shifted right).

    Class 0: (cos t, sin t); class 1: (1 - cos t, 0.5 - sin t), t in [0, pi],
    ceil(n/2) and floor(n/2) points, evenly spaced in t, then noise.
    """
    who = "make_moons()"
    n, noise = _n(n, who, 2), _noise(noise, who)
    rng = random.Random(seed)
    X, y = [], []
    for cls, count in ((0, (n + 1) // 2), (1, n // 2)):
        for i in range(count):
            t = math.pi * i / max(count - 1, 1)
            if cls == 0:
                x1, x2 = math.cos(t), math.sin(t)
            else:
                x1, x2 = 1.0 - math.cos(t), 0.5 - math.sin(t)
            X.append(_jitter(rng, x1, x2, noise))
            y.append(cls)
    return _shuffled(rng, X, y)


def make_circles(n: int = 100, noise: float = 0.05, factor: float = 0.5, seed: int | None = None) -> Dataset:
    """Two concentric circles: class 0 of radius 1, class 1 of radius ``factor`` (0 < factor < 1)."""
    who = "make_circles()"
    n, noise = _n(n, who, 2), _noise(noise, who)
    if isinstance(factor, bool) or not isinstance(factor, Real) or not 0 < factor < 1:
        raise ValueError(f"{who}: factor must be between 0 and 1, got {factor!r}")
    rng = random.Random(seed)
    X, y = [], []
    for cls, count, r in ((0, (n + 1) // 2, 1.0), (1, n // 2, float(factor))):
        for i in range(count):
            t = 2.0 * math.pi * i / count
            X.append(_jitter(rng, r * math.cos(t), r * math.sin(t), noise))
            y.append(cls)
    return _shuffled(rng, X, y)


def make_xor(n: int = 4, noise: float = 0.0, seed: int | None = None) -> Dataset:
    """XOR: points near the corners (+-1, +-1); class 1 where the signs differ.

    Point i sits at corner i mod 4 of (-1,-1), (-1,+1), (+1,-1), (+1,+1), so
    ``make_xor()`` is exactly the four corners with classes 0, 1, 1, 0 (not
    shuffled when there is no noise).

    >>> make_xor()
    ([[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]], [0, 1, 1, 0])
    """
    who = "make_xor()"
    n, noise = _n(n, who), _noise(noise, who)
    rng = random.Random(seed)
    corners = [(-1.0, -1.0), (-1.0, 1.0), (1.0, -1.0), (1.0, 1.0)]
    X, y = [], []
    for i in range(n):
        a, b = corners[i % 4]
        X.append(_jitter(rng, a, b, noise))
        y.append(int(a != b))
    return _shuffled(rng, X, y) if noise else (X, y)


def make_spirals(
    n: int = 150, classes: int = 3, noise: float = 0.05, turns: float = 0.75, seed: int | None = None
) -> Dataset:
    """``classes`` interleaved spiral arms, one class per arm.

    Arm k has about n / classes points at radii r evenly spaced in (0, 1] and
    angles t = 2 pi (turns * r + k / classes): the point (r sin t, r cos t),
    then noise.  ``turns`` is how many full turns an arm makes; more turns
    make the classes harder to separate.
    """
    who = "make_spirals()"
    if isinstance(classes, bool) or not isinstance(classes, int) or classes < 2:
        raise ValueError(f"{who}: classes must be an integer >= 2, got {classes!r}")
    n, noise = _n(n, who, classes), _noise(noise, who)
    if isinstance(turns, bool) or not isinstance(turns, Real) or not 0 < turns <= 10:
        raise ValueError(f"{who}: turns must be a number in (0, 10], got {turns!r}")
    rng = random.Random(seed)
    X, y = [], []
    for k in range(classes):
        count = n // classes + (1 if k < n % classes else 0)
        for i in range(count):
            r = (i + 1) / count
            t = 2.0 * math.pi * (turns * r + k / classes)
            X.append(_jitter(rng, r * math.sin(t), r * math.cos(t), noise))
            y.append(k)
    return _shuffled(rng, X, y)


def train_test_split(
    X: Sequence[T], y: Sequence[U], test_fraction: float = 0.25, seed: int | None = None
) -> tuple[list[T], list[T], list[U], list[U]]:
    """Shuffle the samples (seeded) and split them: ``X_train, X_test, y_train, y_test``.

    The test part has round(test_fraction * n) samples, at least 1, and the
    training part keeps at least 1.

    >>> X_train, X_test, y_train, y_test = train_test_split(list(range(8)), list(range(8)), 0.25, seed=0)
    >>> len(X_train), len(X_test), sorted(X_train + X_test) == list(range(8))
    (6, 2, True)
    """
    who = "train_test_split()"
    if len(X) != len(y):
        raise ValueError(f"{who}: X has {len(X)} samples but y has {len(y)}")
    if len(X) < 2:
        raise ValueError(f"{who} needs at least 2 samples, got {len(X)}")
    if isinstance(test_fraction, bool) or not isinstance(test_fraction, Real) or not 0 < test_fraction < 1:
        raise ValueError(f"{who}: test_fraction must be between 0 and 1, got {test_fraction!r}")
    n = len(X)
    n_test = min(max(1, round(test_fraction * n)), n - 1)
    order = list(range(n))
    random.Random(seed).shuffle(order)
    test, train = order[:n_test], order[n_test:]
    return [X[i] for i in train], [X[i] for i in test], [y[i] for i in train], [y[i] for i in test]
