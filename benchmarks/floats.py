"""The floor: the same arithmetic on plain Python floats, written as tight as plain Python gets.

No graph objects at all.  The MLP step is hand-derived backprop written for
speed within pure Python: per-layer lists of weight rows (and their columns,
for the backward pass), dot products as ``sum(map(mul, w, a), b)`` at C level,
``zip`` instead of indexing, local variables bound once, the per-sample
deltas collected in lists and every weight's gradient formed at the end as
one C-level ``sum(map(mul, ...))`` over the samples that still contribute
(those inside the hinge's margin).  It computes the same loss and gradients
as every other contender (checked in each run), so what an engine costs above
this floor is the price of recording a graph.
"""

from __future__ import annotations

from operator import mul

from .data import ALPHA, LR, Step

NAME = "plain floats (tight)"


def available() -> str | None:
    return None


def _step(W: list, B: list, points, labels, inv_n: float) -> tuple[float, list, list]:
    """One SGD step in place on W (rows per layer) and B; returns (loss, gW, gB).

    Hidden layers relu, output linear with one unit, hinge loss mean + ALPHA * sum p^2.
    delta^L = -y/N for a sample inside the margin; delta^{l}_k = [z_k > 0] sum_j W^{l+1}_jk delta^{l+1}_j;
    dL/dW^l_jk = sum_samples delta^l_j a^{l-1}_k + 2 ALPHA W^l_jk.
    """
    last = len(W) - 1
    cols = [list(zip(*rows)) for rows in W]  # W^l's columns, for the backward pass
    hidden = list(zip(W[:last], B[:last]))
    w_out, b_out = W[last][0], B[last][0]
    ins: list = [[] for _ in W]  # per layer: inputs of the contributing samples
    deltas: list = [[] for _ in W]
    total = 0.0
    for x, y in zip(points, labels):
        a = x
        seen = []
        for rows, bs in hidden:
            seen.append(a)
            a = [v if v > 0.0 else 0.0 for v in [sum(map(mul, w, a), b) for w, b in zip(rows, bs)]]
        margin = 1.0 - y * sum(map(mul, w_out, a), b_out)
        if margin > 0.0:
            total += margin
            d = [-y * inv_n]
            ins[last].append(a)
            deltas[last].append(d)
            for l in range(last, 0, -1):
                a_in = a if l == last else seen[l]
                d = [sum(map(mul, col, d)) if ak > 0.0 else 0.0 for col, ak in zip(cols[l], a_in)]
                ins[l - 1].append(seen[l - 1])
                deltas[l - 1].append(d)
    reg = 0.0
    gW, gB = [], []
    two_alpha = 2.0 * ALPHA
    for rows, bs, a_s, d_s in zip(W, B, ins, deltas):
        a_cols = list(zip(*a_s)) or [()] * len(rows[0])
        d_cols = list(zip(*d_s)) or [()] * len(rows)
        g_rows = [
            [sum(map(mul, dj, ak)) + two_alpha * w for ak, w in zip(a_cols, row)]
            for dj, row in zip(d_cols, rows)
        ]
        g_bs = [sum(dj) + two_alpha * b for dj, b in zip(d_cols, bs)]
        for row in rows:
            reg += sum(map(mul, row, row))
        reg += sum(map(mul, bs, bs))
        gW.append(g_rows)
        gB.append(g_bs)
    loss = total * inv_n + ALPHA * reg
    for l, (rows, bs, g_rows, g_bs) in enumerate(zip(W, B, gW, gB)):
        W[l] = [[w - LR * g for w, g in zip(row, grow)] for row, grow in zip(rows, g_rows)]
        B[l] = [b - LR * g for b, g in zip(bs, g_bs)]
    return loss, gW, gB


def mlp_step(points, labels, weights) -> Step:
    """One SGD step of the relu MLP with hinge loss + L2, by hand, as tight as plain Python gets."""
    pts = [tuple(p) for p in points]
    ys = list(labels)
    inv_n = 1.0 / len(pts)
    W: list = []
    B: list = []
    last: list = [None, None]

    def reset() -> None:
        W[:] = [[list(w) for w, _ in layer] for layer in weights]
        B[:] = [[b for _, b in layer] for layer in weights]

    def run() -> float:
        loss, last[0], last[1] = _step(W, B, pts, ys, inv_n)
        return loss

    def grads() -> list[float]:
        return [v for g_rows, g_bs in zip(*last) for row, b in zip(g_rows, g_bs) for v in (*row, b)]

    reset()
    return Step(run, reset, grads)


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
