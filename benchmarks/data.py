"""The shared inputs of the workloads: seeded moons and MLP weights, plain Python."""

from __future__ import annotations

import itertools
import math
import random

SIZES = (2, 16, 16, 1)


def moons(n: int = 100, noise: float = 0.1, seed: int = 0) -> tuple[list[tuple[float, float]], list[float]]:
    """Two interleaving half circles; labels are -1.0 and +1.0 (for the hinge loss)."""
    rng = random.Random(seed)
    points, labels = [], []
    for i in range(n):
        upper = i % 2 == 0
        t = math.pi * rng.random()
        x, y = (math.cos(t), math.sin(t)) if upper else (1 - math.cos(t), 0.5 - math.sin(t))
        points.append((x + rng.gauss(0, noise), y + rng.gauss(0, noise)))
        labels.append(1.0 if upper else -1.0)
    return points, labels


def mlp_weights(seed: int = 0, sizes: tuple[int, ...] = SIZES) -> list[list[tuple[list[float], float]]]:
    """Weights per layer, per neuron: (w, b), uniform in +-1/sqrt(fan_in)."""
    rng = random.Random(seed)
    layers = []
    for nin, nout in itertools.pairwise(sizes):
        s = 1 / math.sqrt(nin)
        layers.append([([rng.uniform(-s, s) for _ in range(nin)], 0.0) for _ in range(nout)])
    return layers


ALPHA = 1e-4  # L2 strength
LR = 0.05  # SGD learning rate


def flat(weights: list[list[tuple[list[float], float]]]) -> list[float]:
    """Weights in the order every contender reports its gradients: per layer, per neuron, w..., b."""
    return [v for layer in weights for w, b in layer for v in (*w, b)]


class Step:
    """One contender's training step on the shared data, as the harness times it.

    ``run()`` does one SGD step (forward, loss, backward, update) and returns
    the loss; it is the only timed call.  ``reset()`` puts the initial weights
    back, outside the timer, so that every timed run of every contender does
    the very same arithmetic from the same start.  ``grads()`` gives the
    gradients of the last run, in :func:`flat`'s order, for the check that
    every contender computed the same numbers.
    """

    __slots__ = ("run", "reset", "grads")

    def __init__(self, run, reset, grads) -> None:
        self.run, self.reset, self.grads = run, reset, grads
