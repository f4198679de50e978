"""autograd-lite, used as its documentation shows: nn.MLP, the hinge loss, SGD."""

from __future__ import annotations

from .data import ALPHA, LR

NAME = "autograd-lite"


def available() -> str | None:
    return None


def mlp_step(points, labels, weights):
    from nn import MLP, hinge, l2_penalty

    model = MLP(2, [16, 16, 1], activation="relu", output_activation="linear")
    for layer, ws in zip(model.layers, weights):
        for neuron, (w, b) in zip(layer.neurons, ws):
            for p, v in zip(neuron.w, w):
                p.data = v
            neuron.b.data = b
    params = model.parameters()

    def step() -> float:
        scores = [model(x) for x in points]
        loss = hinge(scores, labels) + l2_penalty(params, ALPHA)
        model.zero_grad()
        loss.backward()
        for p in params:
            p.data -= LR * p.grad
        return loss.data
    return step


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
