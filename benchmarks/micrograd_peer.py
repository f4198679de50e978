"""micrograd 0.1.0 from the package index, used through its own Value and MLP."""

from __future__ import annotations

from .data import ALPHA, LR, Step, flat

NAME = "micrograd"


def available() -> str | None:
    try:
        import micrograd  # noqa: F401
    except ImportError:
        return "not installed (pip install 'autograd-lite[bench]')"
    return None


def mlp_step(points, labels, weights) -> Step:
    from micrograd.engine import Value
    from micrograd.nn import MLP

    model = MLP(2, [16, 16, 1])  # relu hidden layers, linear output
    params = model.parameters()
    start = flat(weights)
    inputs = [[Value(x1), Value(x2)] for x1, x2 in points]

    def reset() -> None:
        for p, v in zip(params, start):
            p.data = v
            p.grad = 0.0

    def run() -> float:
        scores = list(map(model, inputs))
        losses = [(1 + -y * s).relu() for y, s in zip(labels, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = ALPHA * sum(p * p for p in params)
        loss = data_loss + reg_loss
        model.zero_grad()
        loss.backward()
        for p in params:
            p.data -= LR * p.grad
        return loss.data

    reset()
    return Step(run, reset, lambda: [p.grad for p in params])


def chain(n: int) -> float:
    from micrograd.engine import Value

    x = Value(0.5)
    y = x
    for i in range(n):
        y = y * 0.999 if i % 2 == 0 else y + 0.001
    y.backward()
    return x.grad


def wide(n: int) -> float:
    from micrograd.engine import Value

    ws = [Value(0.001 * (i % 7 - 3)) for i in range(n)]
    xs = [Value(0.002 * (i % 5 - 2)) for i in range(n)]
    total = sum(w * x for w, x in zip(ws, xs))
    total.backward()
    return ws[0].grad


def build_chain(n: int):
    from micrograd.engine import Value

    x = Value(0.5)
    y = x
    for i in range(n):
        y = y * 0.999 if i % 2 == 0 else y + 0.001
    return y
