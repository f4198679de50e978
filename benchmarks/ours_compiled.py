"""autograd-lite's compile mode: the nn.MLP step traced once, then replayed as generated Python.

The step is the one of :mod:`benchmarks.ours` (nn.MLP, hinge + L2, SGD);
``autograd_lite.compile`` records its graph on the first call and from then
on runs the generated forward and backward code (a loop over the samples),
writing ``.grad`` into the parameters as ``backward()`` does.  The tracing
and code generation happen when the step is set up, outside the timer.
"""

from __future__ import annotations

from .data import ALPHA, LR, Step
from .ours import model_for

NAME = "autograd-lite compiled"


def available() -> str | None:
    import autograd_lite

    if not hasattr(autograd_lite, "compile"):
        return "this version of autograd-lite has no compile()"
    return None


def mlp_step(points, labels, weights) -> Step:
    import autograd_lite
    from nn import hinge, l2_penalty

    model, params, reset = model_for(weights)

    @autograd_lite.compile
    def loss_fn():
        return hinge([model(x) for x in points], labels) + l2_penalty(params, ALPHA)

    loss_fn()  # trace and generate the code now, outside the timed runs

    def run() -> float:
        loss = loss_fn()
        for p in params:
            p.grad = 0.0
        loss.backward()
        for p in params:
            p.data -= LR * p.grad
        return loss.data

    return Step(run, reset, lambda: [p.grad for p in params])
