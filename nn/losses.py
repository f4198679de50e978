"""Loss functions, built from engine operations so that ``backward()`` reaches every weight.

Each loss takes the model's outputs and the targets, for one sample or a
list of samples, and returns the *mean* over the samples as a Value.

=======================  ============================================  ===============
loss                     per sample                                    targets
=======================  ============================================  ===============
mse                      (s - y)^2                                     numbers
hinge                    max(0, 1 - y s)                               -1 or +1
binary_cross_entropy     log(1 + e^s) - y s   (s a logit)              0 .. 1
cross_entropy            -z_y + log sum_k e^{z_k}   (z the logits)     class index
=======================  ============================================  ===============

:func:`l2_penalty` is ``alpha * sum_i p_i^2``, added to a loss to keep weights small.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from numbers import Real
from typing import Any

import autograd_lite as ag
from autograd_lite import Value

Score = Any  # a Value or a number


def _is_number(t: object) -> bool:
    return isinstance(t, Real) and not isinstance(t, bool)


def _is_score(s: object) -> bool:
    return isinstance(s, Value) or _is_number(s)


def _batch(outputs: Any, targets: Any, who: str) -> tuple[list, list]:
    """Turn one sample or a list of samples into two equally long lists."""
    if _is_score(outputs):
        if not _is_number(targets):
            raise TypeError(
                f"{who} got one score, so its target must be one number, "
                f"got {type(targets).__name__} {targets!r}"
            )
        return [outputs], [targets]
    if isinstance(outputs, (str, bytes)) or not hasattr(outputs, "__len__"):
        raise TypeError(f"{who} needs a score (a Value) or a list of scores, got {type(outputs).__name__}")
    if isinstance(targets, (str, bytes)) or not hasattr(targets, "__len__"):
        raise TypeError(f"{who} needs a list of targets for a list of scores, got {type(targets).__name__}")
    if len(outputs) != len(targets):
        raise ValueError(f"{who} got {len(outputs)} scores but {len(targets)} targets")
    if not outputs:
        raise ValueError(f"{who} needs at least one sample, got none")
    for s in outputs:
        if not _is_score(s):
            raise TypeError(
                f"{who}: each score must be one Value or number, got {type(s).__name__} "
                "(a model with several outputs needs cross_entropy, or one loss per output)"
            )
    for t in targets:
        if not _is_number(t):
            raise TypeError(f"{who}: targets must be numbers, got {type(t).__name__} {t!r}")
    return list(outputs), list(targets)


def _mean(terms: list) -> Value:
    total = ag.sum(terms)
    return total if len(terms) == 1 else total / len(terms)


def mse(outputs: Any, targets: Any) -> Value:
    """Mean squared error: (1/N) sum_i (s_i - y_i)^2.

    d/ds_i = 2 (s_i - y_i) / N.

    >>> s = Value(0.5)
    >>> loss = mse([s, Value(2.0)], [1.0, 2.0])    # ((0.5-1)^2 + 0) / 2
    >>> loss.data
    0.125
    >>> loss.backward(); s.grad                   # 2 (0.5 - 1) / 2
    -0.5
    """
    ss, ys = _batch(outputs, targets, "mse()")
    return _mean([(s - y) ** 2 for s, y in zip(ss, ys)])


def hinge(scores: Any, labels: Any) -> Value:
    """The SVM max-margin loss: (1/N) sum_i max(0, 1 - y_i s_i), labels y_i = -1 or +1.

    A sample costs nothing once it is on the right side with margin 1
    (y s >= 1); otherwise d/ds_i = -y_i / N.

    >>> hinge([Value(2.0), Value(0.5)], [1, 1]).data    # (0 + 0.5) / 2
    0.25

    Raises ``ValueError`` for a label other than -1 or +1 (class indices 0/1
    become labels with ``2*y - 1``).
    """
    ss, ys = _batch(scores, labels, "hinge()")
    for y in ys:
        if y not in (-1, 1):
            raise ValueError(
                f"hinge() needs labels -1 or +1, got {y!r} (turn classes 0/1 into labels with 2*y - 1)"
            )
    return _mean(
        [(1.0 - y * s).relu() if isinstance(s, Value) else max(0.0, 1.0 - y * s) for s, y in zip(ss, ys)]
    )


def _softplus(s: Score) -> Score:
    """log(1 + e^s), without overflow: s + log(1 + e^-s) for s > 0, else log(1 + e^s).

    Both forms are the same smooth function, so the derivative e^s/(1 + e^s)
    is exact on either side.
    """
    if float(s) > 0.0:
        return s + ag.log(1.0 + ag.exp(-s))
    return ag.log(1.0 + ag.exp(s))


def binary_cross_entropy(logits: Any, targets: Any) -> Value:
    """Cross-entropy of a sigmoid output, computed from the logit s (stable):

        -[y log sigma(s) + (1 - y) log(1 - sigma(s))] = log(1 + e^s) - y s

    averaged over the samples; targets y in [0, 1].  d/ds = sigma(s) - y.
    Never evaluates e^s for a large s, so logits of +-1000 are fine.

    >>> round(binary_cross_entropy(Value(0.0), 1).data, 6)     # log 2
    0.693147
    >>> binary_cross_entropy([Value(1000.0), Value(-1000.0)], [1, 0]).data
    0.0
    """
    ss, ys = _batch(logits, targets, "binary_cross_entropy()")
    for y in ys:
        if not 0.0 <= y <= 1.0:
            raise ValueError(f"binary_cross_entropy() needs targets between 0 and 1, got {y!r}")
    return _mean([_softplus(s) - y * s for s, y in zip(ss, ys)])


def _log_softmax_at(logits: Sequence[Score], k: int) -> Score:
    """-z_k + log sum_j e^{z_j}, through log-sum-exp with the largest logit m taken out:

        log sum_j e^{z_j} = m + log sum_j e^{z_j - m}

    m is a constant (a float): the identity holds for any m, so the gradient
    (softmax(z) - onehot(k)) is unchanged, and every e^{z_j - m} <= 1.
    """
    m = max(float(z) for z in logits)
    return m + ag.log(ag.sum([ag.exp(z - m) for z in logits])) - logits[k]


def cross_entropy(logits: Any, targets: Any) -> Value:
    """Softmax cross-entropy for several classes: -z_y + log sum_k e^{z_k}.

    ``logits`` is one sample's list of class scores with ``targets`` its class
    index, or a list of such lists with a list of indices (then the mean).
    d/dz_k = softmax(z)_k - [k == y].  Finite for logits of +-1000.

    >>> z = [Value(1.0), Value(1.0)]
    >>> round(cross_entropy(z, 0).data, 6)       # log 2: the classes tie
    0.693147
    >>> cross_entropy([[Value(1000.0), Value(-1000.0)]], [1]).data
    2000.0
    """
    who = "cross_entropy()"
    if isinstance(targets, int) and not isinstance(targets, bool):
        samples, classes = [logits], [targets]
    else:
        if not hasattr(targets, "__len__") or not hasattr(logits, "__len__"):
            raise TypeError(
                f"{who} needs a list of logits and a class index, "
                "or a list of such lists and a list of indices"
            )
        samples, classes = list(logits), list(targets)
        if len(samples) != len(classes):
            raise ValueError(f"{who} got {len(samples)} samples but {len(classes)} targets")
        if not samples:
            raise ValueError(f"{who} needs at least one sample, got none")
    terms = []
    for z, k in zip(samples, classes):
        if isinstance(z, (Value, Real, str)) or not hasattr(z, "__len__") or len(z) < 2:
            raise ValueError(f"{who}: each sample needs a list of at least 2 logits, got {z!r}")
        if not all(_is_score(zj) for zj in z):
            raise TypeError(f"{who}: logits must be Values or numbers, got {z!r}")
        if isinstance(k, bool) or not isinstance(k, int) or not 0 <= k < len(z):
            raise ValueError(f"{who}: target {k!r} is not a class index in 0..{len(z) - 1}")
        terms.append(_log_softmax_at(list(z), k))
    return _mean(terms)


def l2_penalty(parameters: Iterable[Value], alpha: float = 1.0) -> Value:
    """alpha * sum_i p_i^2 (weight decay as a loss term); d/dp_i = 2 alpha p_i.

    One fused ``dot`` node p . p, times alpha.

    >>> ps = [Value(1.0), Value(-2.0)]
    >>> l2_penalty(ps, alpha=0.5).data
    2.5
    """
    ps = list(parameters)
    if not all(isinstance(p, Value) for p in ps):
        raise TypeError("l2_penalty() needs Values (e.g. model.parameters())")
    if isinstance(alpha, bool) or not isinstance(alpha, Real) or not math.isfinite(alpha) or alpha < 0:
        raise ValueError(f"l2_penalty(): alpha must be a finite number >= 0, got {alpha!r}")
    return alpha * ag.dot(ps, ps)
