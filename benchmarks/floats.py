"""The floor: the same computations hand-written on plain Python floats.

Forward and backward are written out by hand (no graph objects), so this is
the fastest pure Python can do the same arithmetic.
"""

from __future__ import annotations

from .data import ALPHA, LR

NAME = "plain floats"


def available() -> str | None:
    return None


def mlp_step(points, labels, weights):
    """One SGD step of the relu MLP with hinge loss + L2, forward and backward by hand."""
    layers = [[(list(w), b) for w, b in layer] for layer in weights]
    n_layers = len(layers)

    def step() -> float:
        gw = [[[0.0] * len(w) for w, _ in layer] for layer in layers]
        gb = [[0.0] * len(layer) for layer in layers]
        total = 0.0
        inv_n = 1.0 / len(points)
        for (x1, x2), y in zip(points, labels):
            acts = [[x1, x2]]
            pres = []
            for li, layer in enumerate(layers):
                a_in = acts[-1]
                z = [b + sum([wi * ai for wi, ai in zip(w, a_in)]) for w, b in layer]
                pres.append(z)
                acts.append(z if li == n_layers - 1 else [v if v > 0.0 else 0.0 for v in z])
            score = acts[-1][0]
            margin = 1.0 - y * score
            if margin <= 0.0:
                continue
            total += margin * inv_n
            delta = [-y * inv_n]
            for li in range(n_layers - 1, -1, -1):
                a_in = acts[li]
                layer = layers[li]
                for j, d in enumerate(delta):
                    gb[li][j] += d
                    gwj = gw[li][j]
                    for k, ak in enumerate(a_in):
                        gwj[k] += d * ak
                if li:
                    z_prev = pres[li - 1]
                    delta = [sum([layer[j][0][k] * delta[j] for j in range(len(delta))])
                             if z_prev[k] > 0.0 else 0.0 for k in range(len(a_in))]
        reg = 0.0
        for li, layer in enumerate(layers):
            for j, (w, b) in enumerate(layer):
                reg += sum([wi * wi for wi in w]) + b * b
                for k in range(len(w)):
                    w[k] -= LR * (gw[li][j][k] + 2 * ALPHA * w[k])
                layer[j] = (w, b - LR * (gb[li][j] + 2 * ALPHA * b))
        return total + ALPHA * reg
    return step


def chain(n: int) -> float:
    """n operations alternating y*0.999 and y+0.001; returns dy/dx."""
    y = 0.5
    tape = []
    for i in range(n):
        if i % 2 == 0:
            y = y * 0.999
            tape.append(0.999)
        else:
            y = y + 0.001
            tape.append(1.0)
    g = 1.0
    for d in reversed(tape):
        g *= d
    return g


def wide(n: int) -> float:
    """sum_i w_i x_i over n products; returns d/dw_0."""
    ws = [0.001 * (i % 7 - 3) for i in range(n)]
    xs = [0.002 * (i % 5 - 2) for i in range(n)]
    total = sum([w * x for w, x in zip(ws, xs)])
    gw = list(xs)
    gx = list(ws)
    assert total == total and len(gx) == n
    return gw[0]


def build_chain(n: int):
    return None  # no graph objects: nothing to measure
