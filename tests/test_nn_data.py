"""Toy data sets and the train/test split: shapes, classes, geometry, seeding."""

import math
import random

import pytest

from nn import make_circles, make_moons, make_spirals, make_xor, train_test_split

MAKERS = [make_moons, make_circles, make_xor, make_spirals]


@pytest.mark.parametrize("make", MAKERS)
def test_shape_and_classes(make):
    X, y = make(30, noise=0.1, seed=0)
    assert len(X) == len(y) == 30
    assert all(len(p) == 2 and all(isinstance(c, float) and math.isfinite(c) for c in p) for p in X)
    assert all(type(t) is int for t in y)
    classes = sorted(set(y))
    assert classes == list(range(len(classes))) and len(classes) >= 2
    counts = [y.count(k) for k in classes]
    assert max(counts) - min(counts) <= 1


@pytest.mark.parametrize("make", MAKERS)
def test_seeded_and_leaves_the_global_random_state_alone(make):
    random.seed(0)
    state = random.getstate()
    assert make(20, noise=0.2, seed=3) == make(20, noise=0.2, seed=3)
    assert make(20, noise=0.2, seed=3) != make(20, noise=0.2, seed=4)
    assert random.getstate() == state


def test_moons_without_noise_lie_on_their_half_circles():
    X, y = make_moons(40, noise=0.0, seed=0)
    for (a, b), t in zip(X, y):
        if t == 0:
            assert a * a + b * b == pytest.approx(1.0) and b >= -1e-12
        else:
            assert (a - 1) ** 2 + (b - 0.5) ** 2 == pytest.approx(1.0) and b <= 0.5 + 1e-12


def test_circles_without_noise_have_their_radii():
    X, y = make_circles(40, noise=0.0, factor=0.3, seed=0)
    for (a, b), t in zip(X, y):
        assert math.hypot(a, b) == pytest.approx(1.0 if t == 0 else 0.3)


def test_xor_corners_and_labels():
    X, y = make_xor()
    assert X == [[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]] and y == [0, 1, 1, 0]
    Xn, yn = make_xor(200, noise=0.1, seed=1)
    assert all((a * b < 0) == (t == 1) for (a, b), t in zip(Xn, yn))


def test_spirals_have_one_arm_per_class():
    X, y = make_spirals(90, classes=3, noise=0.0, seed=0)
    assert sorted(set(y)) == [0, 1, 2] and [y.count(k) for k in range(3)] == [30, 30, 30]
    assert all(math.hypot(a, b) <= 1.0 + 1e-12 for a, b in X)
    X5, y5 = make_spirals(50, classes=5, seed=0)
    assert sorted(set(y5)) == [0, 1, 2, 3, 4]


def test_train_test_split_partitions_the_samples():
    X = [[float(i), 0.0] for i in range(20)]
    y = list(range(20))
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_fraction=0.25, seed=1)
    assert len(Xte) == 5 and len(Xtr) == 15
    assert sorted(ytr + yte) == y
    assert all(p[0] == t for p, t in zip(Xtr + Xte, ytr + yte))  # pairs stay together
    assert train_test_split(X, y, 0.25, seed=1) == (Xtr, Xte, ytr, yte)
    assert train_test_split(X, y, 0.25, seed=2) != (Xtr, Xte, ytr, yte)
    assert len(train_test_split(X[:2], y[:2], 0.01)[1]) == 1


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: make_moons(1), "n must be an integer >= 2"),
        (lambda: make_moons(10, noise=-0.1), "noise must be"),
        (lambda: make_circles(10, factor=1.5), "factor must be between 0 and 1"),
        (lambda: make_spirals(10, classes=1), "classes must be an integer >= 2"),
        (lambda: make_spirals(10, turns=0), "turns must be"),
        (lambda: make_xor(0), "n must be"),
        (lambda: train_test_split([1, 2], [1], 0.5), "X has 2 samples but y has 1"),
        (lambda: train_test_split([1, 2], [1, 2], 1.0), "test_fraction"),
        (lambda: train_test_split([1], [1], 0.5), "at least 2 samples"),
    ],
)
def test_bad_arguments(call, match):
    with pytest.raises(ValueError, match=match):
        call()
