"""autograd-lite on the graph micrograd builds: engine for engine.

The same network written the way micrograd's ``Neuron`` is, with nothing but
binary ``+`` and ``*`` (``b + w_0 x_0 + w_1 x_1 + ...`` as a chain, no fused
``dot`` or ``sum`` node), the loss as micrograd's demo writes it.  Both
engines then build the same nodes and edges, so the ratio is the engines'
own speed, not the fused nodes'.
"""

from __future__ import annotations

from .data import ALPHA, LR, Step
from .ours import model_for

NAME = "autograd-lite (binary graph)"


def available() -> str | None:
    return None


def mlp_step(points, labels, weights) -> Step:
    from autograd_lite import Value

    model, params, reset = model_for(weights)
    layers = [[(n.w, n.b) for n in layer.neurons] for layer in model.layers]
    last = len(layers) - 1
    inputs = [[Value(x1), Value(x2)] for x1, x2 in points]

    def forward(x):
        for li, layer in enumerate(layers):
            out = []
            for w, b in layer:
                act = b
                for wi, xi in zip(w, x):
                    act = act + wi * xi
                out.append(act if li == last else act.relu())
            x = out
        return x[0]

    def run() -> float:
        scores = [forward(x) for x in inputs]
        losses = [(1 + -y * s).relu() for y, s in zip(labels, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = ALPHA * sum(p * p for p in params)
        loss = data_loss + reg_loss
        for p in params:
            p.grad = 0.0
        loss.backward()
        for p in params:
            p.data -= LR * p.grad
        return loss.data

    return Step(run, reset, lambda: [p.grad for p in params])
