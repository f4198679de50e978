"""autograd-lite, used as its documentation shows: nn.MLP, the hinge loss, SGD.

Each neuron is one fused ``dot`` node (w . x + b), so this graph has about a
tenth of the nodes micrograd builds for the same network; the binary-graph
contender (:mod:`benchmarks.ours_binary`) compares the engines on the same graph.
"""

from __future__ import annotations

from .data import ALPHA, LR, Step

NAME = "autograd-lite"


def available() -> str | None:
    return None


def model_for(weights):
    """nn.MLP(2, [16, 16, 1]) holding ``weights``, and a function that puts them back."""
    from nn import MLP

    model = MLP(2, [16, 16, 1], activation="relu", output_activation="linear")
    params = model.parameters()
    start = [v for layer in weights for w, b in layer for v in (*w, b)]

    def reset() -> None:
        for p, v in zip(params, start):
            p.data = v
            p.grad = 0.0

    reset()
    return model, params, reset


def mlp_step(points, labels, weights) -> Step:
    from nn import hinge, l2_penalty

    model, params, reset = model_for(weights)

    def run() -> float:
        scores = [model(x) for x in points]
        loss = hinge(scores, labels) + l2_penalty(params, ALPHA)
        model.zero_grad()
        loss.backward()
        for p in params:
            p.data -= LR * p.grad
        return loss.data

    return Step(run, reset, lambda: [p.grad for p in params])


def chain(n: int) -> float:
    from autograd_lite import Value

    x = Value(0.5)
    y = x
    for i in range(n):
        y = y * 0.999 if i % 2 == 0 else y + 0.001
    y.backward()
    return x.grad


def wide(n: int) -> float:
    import autograd_lite as al

    ws = [al.Value(0.001 * (i % 7 - 3)) for i in range(n)]
    xs = [al.Value(0.002 * (i % 5 - 2)) for i in range(n)]
    total = al.sum([w * x for w, x in zip(ws, xs)])
    total.backward()
    return ws[0].grad


def build_chain(n: int):
    from autograd_lite import Value

    y = Value(0.5)
    for i in range(n):
        y = y * 0.999 if i % 2 == 0 else y + 0.001
    return y
