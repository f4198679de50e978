"""The training loop :func:`fit`, the :func:`accuracy` metric and the :class:`History` it returns.

One training step on a mini-batch B of samples (x_i, y_i):

    loss = L([model(x_i) for i in B], [y_i for i in B]) + alpha * sum_p p^2
    zero every p.grad;  loss.backward();  optimizer.step();  schedule.step()

so each step is: forward pass, backward pass (the chain rule from the loss
to every weight), update.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from numbers import Real
from typing import Any

from tqdm.auto import tqdm

from autograd_lite import Value, no_grad
from autograd_lite import compile as _compile

from .losses import hinge, l2_penalty
from .module import Module
from .optim import SGD, LinearDecay, Optimizer

Loss = Callable[[list[Any], list[Any]], Value]
Metric = Callable[[list[Any], list[Any]], float]


def _score(s: Any) -> float:
    return s.data if isinstance(s, Value) else float(s)


def accuracy(outputs: Sequence[Any], targets: Sequence[Any]) -> float:
    """The fraction of samples classified right.

    An output that is a list of class scores is right when its largest score
    is at the target's index.  A single score s predicts the positive class
    when s > 0, which is right when the target is > 0: this fits labels
    -1/+1 (hinge, mse on +-1) and classes 0/1 (binary cross-entropy on logits)
    alike.

    >>> accuracy([Value(0.3), Value(-2.0), Value(0.1)], [1, -1, -1])
    0.6666666666666666
    >>> accuracy([[0.1, 0.9], [2.0, 1.0]], [1, 1])
    0.5
    """
    if len(outputs) != len(targets):
        raise ValueError(f"accuracy() got {len(outputs)} outputs but {len(targets)} targets")
    if not outputs:
        raise ValueError("accuracy() needs at least one sample")
    right = 0
    for out, t in zip(outputs, targets):
        if isinstance(out, (list, tuple)):
            scores = [_score(s) for s in out]
            right += scores.index(max(scores)) == t
        else:
            right += (_score(out) > 0) == (t > 0)
    return right / len(outputs)


@dataclass
class History:
    """What :func:`fit` measured, one entry per optimizer step.

    ``loss``: the mini-batch loss (penalty included) before the step;
    ``accuracy``: the mini-batch accuracy before the step (None without a
    metric); ``lr``: the learning rate the step used.
    """

    loss: list[float] = field(default_factory=list)
    accuracy: list[float | None] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.loss)


def _positive_int(n: object, who: str) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"fit(): {who} must be a positive integer, got {n!r}")
    return n


def _batches(n: int, batch_size: int | None, rng: random.Random) -> Iterator[list[int]]:
    """Index lists of mini-batches, forever: a new shuffle every epoch (whole set if no size)."""
    if batch_size is None or batch_size >= n:
        while True:
            yield list(range(n))
    order = list(range(n))
    while True:
        rng.shuffle(order)
        for i in range(0, n, batch_size):
            yield order[i : i + batch_size]


def fit(
    model: Module,
    X: Sequence[Any],
    y: Sequence[Any],
    *,
    loss: Loss = hinge,
    optimizer: Optimizer | None = None,
    steps: int = 100,
    batch_size: int | None = None,
    alpha: float = 0.0,
    schedule: LinearDecay | None = None,
    metric: Metric | None = accuracy,
    seed: int | None = 0,
    progress: bool = True,
    desc: str = "train",
    compile: bool = False,
) -> History:
    """Train ``model`` on samples ``X`` with targets ``y`` for ``steps`` optimizer steps.

    ``loss(outputs, targets)`` is one of :mod:`nn.losses` (hinge by default,
    which wants labels -1/+1); ``alpha`` adds ``l2_penalty(params, alpha)``.
    ``batch_size=None`` uses the whole set every step; otherwise samples are
    shuffled each epoch with ``random.Random(seed)``.  ``optimizer`` defaults
    to ``SGD(model.parameters(), lr=0.1)``; ``schedule`` (e.g.
    :class:`~nn.LinearDecay`) is stepped after every optimizer step.  A
    progress bar (``tqdm.auto``: a widget in Jupyter, text on stderr elsewhere)
    shows the loss and accuracy unless ``progress=False``.
    ``compile=True`` runs each step's forward and backward passes through
    :func:`autograd_lite.compile` (same numbers, several times faster) when
    every step uses the whole set (``batch_size=None``); shuffled
    mini-batches never repeat, so they would be traced anew every step, and
    train as without it.

    Returns a :class:`History` with one loss / accuracy / lr entry per step.

    >>> from nn import MLP, make_xor
    >>> X, y = make_xor()
    >>> model = MLP(2, [4, 1], activation="tanh", seed=0)
    >>> h = fit(model, X, [2 * t - 1 for t in y], steps=50, progress=False)
    >>> len(h), h.loss[-1] < h.loss[0]
    (50, True)
    """
    if not isinstance(model, Module):
        raise TypeError(f"fit() needs a Module to train, got {type(model).__name__}")
    if len(X) != len(y):
        raise ValueError(f"fit(): X has {len(X)} samples but y has {len(y)}")
    if len(X) == 0:
        raise ValueError("fit() needs at least one sample")
    steps = _positive_int(steps, "steps")
    if batch_size is not None:
        batch_size = _positive_int(batch_size, "batch_size")
    if isinstance(alpha, bool) or not isinstance(alpha, Real) or not 0 <= alpha < math.inf:
        raise ValueError(f"fit(): alpha must be a finite number >= 0, got {alpha!r}")
    params = model.parameters()
    if optimizer is None:
        optimizer = SGD(params, lr=0.1)
    batches = _batches(len(X), batch_size, random.Random(seed))

    def batch_loss(idx: tuple) -> tuple:
        outputs = [model(X[i]) for i in idx]
        total = loss(outputs, [y[i] for i in idx])
        if alpha:
            total = total + l2_penalty(params, alpha)
        return total, outputs

    run = _compile(batch_loss) if compile and (batch_size is None or batch_size >= len(X)) else batch_loss
    history = History()
    bar = tqdm(range(steps), desc=desc, unit="step", disable=not progress, leave=True)
    try:
        for _ in bar:
            idx = next(batches)
            total, outputs = run(tuple(idx))
            targets = [y[i] for i in idx]
            model.zero_grad()
            optimizer.zero_grad()
            total.backward()
            history.lr.append(optimizer.lr)
            optimizer.step()
            if schedule is not None:
                schedule.step()
            history.loss.append(total.data)
            acc = metric(outputs, targets) if metric is not None else None
            history.accuracy.append(acc)
            if progress:
                post = {"loss": f"{total.data:.4f}"}
                if acc is not None:
                    post["acc"] = f"{acc:.1%}"
                bar.set_postfix(post, refresh=False)
    finally:
        bar.close()
    return history


def predict(model: Module, X: Sequence[Any]) -> list[Any]:
    """The model's outputs for every sample, computed without recording a graph.

    A single-output model gives floats, a multi-output one lists of floats.
    """
    with no_grad():
        outs = [model(x) for x in X]
    return [[s.data for s in o] if isinstance(o, list) else o.data for o in outs]
