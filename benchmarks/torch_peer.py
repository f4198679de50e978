"""PyTorch on scalars: 0-d tensors, one thread, when torch is installed."""

from __future__ import annotations

from .data import ALPHA, LR, Step, flat

NAME = "torch (scalars)"


def available() -> str | None:
    try:
        import torch
    except ImportError:
        return "not installed (pip install torch to include it)"
    torch.set_num_threads(1)
    return None


def mlp_step(points, labels, weights) -> Step:
    import torch

    params = []
    layers = []
    for ws in weights:
        layer = []
        for w, b in ws:
            wt = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in w]
            bt = torch.tensor(b, dtype=torch.float64, requires_grad=True)
            params += [*wt, bt]
            layer.append((wt, bt))
        layers.append(layer)
    start = flat(weights)
    inputs = [
        [torch.tensor(x1, dtype=torch.float64), torch.tensor(x2, dtype=torch.float64)] for x1, x2 in points
    ]
    last = len(layers) - 1

    def reset() -> None:
        with torch.no_grad():
            for p, v in zip(params, start):
                p.fill_(v)
                p.grad = None

    def forward(x):
        for li, layer in enumerate(layers):
            out = []
            for wt, bt in layer:
                act = bt
                for wi, xi in zip(wt, x):
                    act = act + wi * xi
                out.append(act if li == last else torch.relu(act))
            x = out
        return x[0]

    def run() -> float:
        losses = [torch.relu(1 - y * forward(x)) for x, y in zip(inputs, labels)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = ALPHA * sum(p * p for p in params)
        loss = data_loss + reg_loss
        for p in params:
            p.grad = None
        loss.backward()
        with torch.no_grad():
            for p in params:
                p -= LR * p.grad
        return loss.detach().item()

    return Step(run, reset, lambda: [float(p.grad) for p in params])


def chain(n: int) -> float:
    import torch

    x = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
    y = x
    for i in range(n):
        y = y * 0.999 if i % 2 == 0 else y + 0.001
    y.backward()
    return float(x.grad)


def wide(n: int) -> float:
    import torch

    ws = [torch.tensor(0.001 * (i % 7 - 3), dtype=torch.float64, requires_grad=True) for i in range(n)]
    xs = [torch.tensor(0.002 * (i % 5 - 2), dtype=torch.float64, requires_grad=True) for i in range(n)]
    total = sum(w * x for w, x in zip(ws, xs))
    total.backward()
    return float(ws[0].grad)


def build_chain(n: int):
    return None  # tensors live outside the Python heap: tracemalloc cannot see them
