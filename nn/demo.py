"""``autograd-lite demo``: the project's main job, registered as a subcommand."""

from __future__ import annotations

import argparse

from autograd_lite import Value


def run(args: argparse.Namespace) -> int:
    """Backprop through the one-neuron worked example and print the gradients."""
    x1, x2 = Value(0.1, label="x1"), Value(0.3, label="x2")
    w1, w2, w = Value(0.4, label="w1"), Value(-0.2, label="w2"), Value(0.1, label="W")
    a = (w1 * x1 + w2 * x2).sigmoid()
    y_hat = (w * a).sigmoid()
    loss = 0.5 * (1 - y_hat) ** 2
    loss.backward()
    print(f"y_hat = {y_hat.data:.4f}, loss = {loss.data:.6f}")
    for p in (w1, w2, w):
        print(f"dloss/d{p.label} = {p.grad:+.6f}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``demo`` subcommand."""
    p = sub.add_parser("demo", help="run the demo")
    p.set_defaults(func=run)
