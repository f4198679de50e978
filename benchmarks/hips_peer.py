"""HIPS autograd (``autograd`` from the package index) on NumPy arrays.

Written as is natural for it: each layer a weight matrix and a bias vector,
the forward pass over all 100 points at once as ``autograd.numpy`` array
operations (``maximum(0, a @ W.T + b)``), ``value_and_grad`` of the loss
with respect to the list of arrays, and the SGD update on the arrays.  So it
records a dozen array operations per step, not one node per scalar: it shows
what vectorising buys, next to engines that work one number at a time.
"""

from __future__ import annotations

from .data import ALPHA, LR, Step

NAME = "HIPS autograd (arrays)"


def available() -> str | None:
    try:
        import autograd  # noqa: F401
    except ImportError:
        return "not installed (pip install 'autograd-lite[bench]')"
    return None


def mlp_step(points, labels, weights) -> Step:
    import autograd.numpy as anp
    import numpy as np
    from autograd import value_and_grad

    X = np.array(points, dtype=float)
    Y = np.array(labels, dtype=float)
    start = [(np.array([w for w, _ in layer]), np.array([b for _, b in layer])) for layer in weights]
    params: list = []
    last: list = [None]

    def loss_fn(ps):
        a = X
        for W, b in ps[:-1]:
            a = anp.maximum(0.0, anp.dot(a, W.T) + b)
        W, b = ps[-1]
        scores = (anp.dot(a, W.T) + b)[:, 0]
        data_loss = anp.mean(anp.maximum(0.0, 1.0 - Y * scores))
        reg = 0.0
        for W, b in ps:
            reg = reg + anp.sum(W * W) + anp.sum(b * b)
        return data_loss + ALPHA * reg

    step_grad = value_and_grad(loss_fn)

    def reset() -> None:
        params[:] = [(W.copy(), b.copy()) for W, b in start]

    def run() -> float:
        loss, grads = step_grad(params)
        params[:] = [(W - LR * gW, b - LR * gb) for (W, b), (gW, gb) in zip(params, grads)]
        last[0] = grads
        return float(loss)

    def grads() -> list[float]:
        return [float(v) for gW, gb in last[0] for row, b in zip(gW, gb) for v in (*row, b)]

    reset()
    return Step(run, reset, grads)
