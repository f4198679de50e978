"""Optimizers (SGD with momentum, Adam) and a linear learning-rate decay.

An optimizer holds a list of parameters.  After ``loss.backward()`` has
filled every ``p.grad``, :meth:`Optimizer.step` moves each parameter against
its gradient; :meth:`Optimizer.zero_grad` clears the gradients for the next
step.  Updates are written straight to ``p.data``: they are not part of any
graph.  A step is all or nothing: if any new value would not be a finite
number, ``OverflowError`` names the parameter and nothing changes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from numbers import Real

from autograd_lite import Value


def _number(
    x: object,
    who: str,
    what: str,
    low: float,
    high: float = math.inf,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    if (
        isinstance(x, Real)
        and not isinstance(x, bool)
        and math.isfinite(v := float(x))
        and (v > low if low_open else v >= low)
        and (v < high if high_open else v <= high)
    ):
        return v
    lo = "(" if low_open else "["
    hi = ")" if high_open or high == math.inf else "]"
    raise ValueError(f"{who}: {what} must be a number in {lo}{low:g}, {high:g}{hi}, got {x!r}")


class Optimizer:
    """Base class: the parameters, the learning rate, ``zero_grad()`` and an atomic ``step()``."""

    def __init__(self, params: Iterable[Value], lr: float) -> None:
        who = f"{type(self).__name__}()"
        if isinstance(params, Value):
            raise TypeError(f"{who} needs a list of parameters (e.g. model.parameters()), got one Value")
        unique: dict[int, Value] = {}
        for p in params:
            if not isinstance(p, Value):
                raise TypeError(f"{who}: parameters must be Values, got {type(p).__name__} {p!r}")
            unique.setdefault(id(p), p)
        if not unique:
            raise ValueError(f"{who} got no parameters to optimize")
        self.params: list[Value] = list(unique.values())
        self.lr: float = _number(lr, who, "lr", 0.0, low_open=True)

    def zero_grad(self) -> None:
        """Set every parameter's ``grad`` to 0.0."""
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        """Move every parameter one step, using its current ``grad``."""
        grads = [float(p.grad) for p in self.params]
        new = self._update([p.data for p in self.params], grads)
        for p, v in zip(self.params, new):
            if not math.isfinite(v):
                raise OverflowError(
                    f"{type(self).__name__}.step(): parameter {p.label or '?'} would become {v} "
                    f"(data {p.data}, grad {float(p.grad)}); lower the learning rate"
                )
        self._commit()
        for p, v in zip(self.params, new):
            p.data = v

    def _update(self, data: list[float], grads: list[float]) -> list[float]:
        raise NotImplementedError

    def _commit(self) -> None:
        """Keep the optimizer state computed by the last :meth:`_update`."""


class SGD(Optimizer):
    """Stochastic gradient descent with optional momentum and weight decay.

    With g = grad + weight_decay * p:

        v <- momentum * v + g        (v starts at 0; without momentum v = g)
        p <- p - lr * v

    >>> w = Value(1.0); w.grad = 0.5
    >>> opt = SGD([w], lr=0.1)
    >>> opt.step(); w.data                       # 1 - 0.1 * 0.5
    0.95
    """

    def __init__(
        self, params: Iterable[Value], lr: float = 0.1, momentum: float = 0.0, weight_decay: float = 0.0
    ) -> None:
        super().__init__(params, lr)
        self.momentum: float = _number(momentum, "SGD()", "momentum", 0.0, 1.0, high_open=True)
        self.weight_decay: float = _number(weight_decay, "SGD()", "weight_decay", 0.0)
        self._velocity = [0.0] * len(self.params)
        self._pending: list[float] = self._velocity

    def _update(self, data: list[float], grads: list[float]) -> list[float]:
        mu, wd, lr = self.momentum, self.weight_decay, self.lr
        gs = [g + wd * p for p, g in zip(data, grads)] if wd else grads
        if mu:
            gs = [mu * v + g for v, g in zip(self._velocity, gs)]
            self._pending = gs
        return [p - lr * g for p, g in zip(data, gs)]

    def _commit(self) -> None:
        self._velocity = self._pending


class Adam(Optimizer):
    """Adam (Kingma and Ba, 2015): steps scaled per parameter by running gradient moments.

    With g = grad + weight_decay * p and t the step number (from 1):

        m <- beta1 m + (1 - beta1) g          v <- beta2 v + (1 - beta2) g^2
        m_hat = m / (1 - beta1^t)             v_hat = v / (1 - beta2^t)
        p <- p - lr * m_hat / (sqrt(v_hat) + eps)

    The first step moves every parameter with a nonzero gradient by about lr.

    >>> w = Value(1.0); w.grad = 123.0
    >>> opt = Adam([w], lr=0.01)
    >>> opt.step(); round(w.data, 6)
    0.99
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 0.01,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"Adam(): betas must be a pair of numbers, got {betas!r}")
        self.betas: tuple[float, ...] = tuple(
            _number(b, "Adam()", "each beta", 0.0, 1.0, high_open=True) for b in betas
        )
        self.eps: float = _number(eps, "Adam()", "eps", 0.0, low_open=True)
        self.weight_decay: float = _number(weight_decay, "Adam()", "weight_decay", 0.0)
        n = len(self.params)
        self._m, self._v, self._t = [0.0] * n, [0.0] * n, 0
        self._pending = (self._m, self._v, self._t)

    def _update(self, data: list[float], grads: list[float]) -> list[float]:
        b1, b2 = self.betas
        wd, lr, eps = self.weight_decay, self.lr, self.eps
        t = self._t + 1
        gs = [g + wd * p for p, g in zip(data, grads)] if wd else grads
        m = [b1 * mi + (1.0 - b1) * g for mi, g in zip(self._m, gs)]
        v = [b2 * vi + (1.0 - b2) * g * g for vi, g in zip(self._v, gs)]
        c1, c2 = 1.0 - b1**t, 1.0 - b2**t
        self._pending = (m, v, t)
        return [p - lr * (mi / c1) / (math.sqrt(vi / c2) + eps) for p, mi, vi in zip(data, m, v)]

    def _commit(self) -> None:
        self._m, self._v, self._t = self._pending


class LinearDecay:
    """Learning rate falling linearly from the optimizer's ``lr`` to ``end_factor * lr``.

    After k calls of :meth:`step` (k <= total_steps):

        lr_k = lr_0 * (1 - (1 - end_factor) * k / total_steps)

    and it stays at ``end_factor * lr_0`` afterwards.  Call ``step()`` once
    after each ``optimizer.step()``.

    >>> opt = SGD([Value(0.0)], lr=1.0)
    >>> sched = LinearDecay(opt, total_steps=4, end_factor=0.2)
    >>> for _ in range(5):
    ...     sched.step()
    ...     print(round(opt.lr, 2))
    0.8
    0.6
    0.4
    0.2
    0.2
    """

    def __init__(self, optimizer: Optimizer, total_steps: int, end_factor: float = 0.1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"LinearDecay() needs an optimizer, got {type(optimizer).__name__}")
        if isinstance(total_steps, bool) or not isinstance(total_steps, int) or total_steps < 1:
            raise ValueError(f"LinearDecay(): total_steps must be a positive integer, got {total_steps!r}")
        self.optimizer: Optimizer = optimizer
        self.total_steps: int = total_steps
        self.end_factor: float = _number(end_factor, "LinearDecay()", "end_factor", 0.0, 1.0)
        self.base_lr: float = optimizer.lr
        self.steps_done: int = 0

    def step(self) -> None:
        """Advance one step and set the optimizer's ``lr``."""
        self.steps_done += 1
        k = min(self.steps_done, self.total_steps)
        self.optimizer.lr = self.base_lr * (1.0 - (1.0 - self.end_factor) * k / self.total_steps)
