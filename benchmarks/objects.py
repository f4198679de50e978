"""A second floor for the chain: one bare Python object per operation.

Every engine that records its graph as Python objects (autograd-lite,
micrograd, any pure-Python tape of nodes) makes at least one object per
operation, and Python's cyclic garbage collector traverses each of them again
in every one of its full passes while the graph grows.  This contender does
only that: a node holding its value, its parent, its constant local derivative
and its gradient, built and swept backward by hand.  How its time per
operation grows from 10^4 to 10^6 is what the interpreter itself costs, with
no engine on top.
"""

from __future__ import annotations

NAME = "bare objects"


def available() -> str | None:
    return None


class _Node:
    __slots__ = ("data", "parent", "d", "grad")

    def __init__(self, data: float, parent: _Node | None, d: float) -> None:
        self.data = data
        self.parent = parent
        self.d = d
        self.grad = 0.0


def build_chain(n: int) -> _Node:
    """n nodes alternating y*0.999 and y+0.001, each linked to the one before."""
    y = _Node(0.5, None, 0.0)
    for i in range(n):
        y = _Node(y.data * 0.999, y, 0.999) if i % 2 == 0 else _Node(y.data + 0.001, y, 1.0)
    return y


def chain(n: int) -> float:
    """Build the chain, then pass the gradient back along the parent links; returns dy/dx."""
    y = build_chain(n)
    y.grad = 1.0
    node = y
    while node.parent is not None:
        node.parent.grad = node.d * node.grad
        node = node.parent
    return node.grad
