"""Checking derivatives against finite differences: :func:`numerical_grad` and :func:`gradcheck`.

The numerical derivative of ``f`` along input ``x_i`` is the central difference::

    D(h) = (f(x + h e_i) - f(x - h e_i)) / 2h,

whose error is O(h^2) (Taylor: D(h) = f'(x) + f'''(x) h^2 / 6 + O(h^4)) plus a
rounding error of about eps_machine * abs(f) / h.  The step balancing the two is
h = cbrt(eps_machine) * max(1, abs(x_i)), about 6.1e-6 for abs(x_i) <= 1.

Richardson extrapolation removes the h^2 term::

    R = (4 D(h/2) - D(h)) / 3,      error O(h^4),

and ``abs(D(h/2) - D(h)) / 3`` estimates the error left in D(h/2) (R is usually
better still), so it is a conservative error bar for R.

:func:`gradcheck` compares what ``backward()`` computes with R for every input
and is built to be hard to fool: it warns when a derivative is too small for
the tolerance to tell a right rule from a wrong one (vacuity), checks that the
backward pass repeats, scales with its seed and accumulates over reused nodes
(hygiene), and reports an input within a few steps of a non-differentiable
point of an operation on the path (a kink, from :func:`autograd_lite.ops.kinks_of_node`)
as such instead of passing it or failing it.
"""

from __future__ import annotations

import math
import sys
import warnings
from collections.abc import Callable, Sequence
from typing import Any, Literal, NamedTuple, Union, overload

from . import graph
from ._check_report import GradcheckReport, HygieneCheck, Row
from .ops import kinks_of_node
from .value import Value

__all__ = [
    "numerical_grad",
    "gradcheck",
    "assert_gradients_match",
    "Estimate",
    "GradcheckReport",
    "GradcheckError",
    "GradcheckWarning",
    "Row",
    "HygieneCheck",
    "step_size",
    "KINK_STEPS",
]

Inputs = Union[float, Value, Sequence[float | Value]]
_CBRT_EPS = sys.float_info.epsilon ** (1.0 / 3.0)
#: An input this many steps or fewer from a kink on the path is reported as near it.
KINK_STEPS = 3
#: What a function may raise where it is not defined (outside its domain).
_UNDEFINED = (ValueError, ZeroDivisionError, OverflowError)


class Estimate(NamedTuple):
    """A numerical derivative and an estimate of its absolute error."""

    value: float
    error: float


class GradcheckError(AssertionError):
    """gradcheck found a derivative that disagrees with finite differences, or a hygiene failure.

    An ``AssertionError``, so test runners show it as a failed check; the
    message holds the table of the failing derivatives and ``.report`` the
    whole :class:`GradcheckReport`.
    """

    def __init__(self, report: GradcheckReport) -> None:
        super().__init__(report.failure_text())
        self.report = report


class GradcheckWarning(UserWarning):
    """gradcheck passed a check that proves little (a vacuous or uncertain derivative)."""


def step_size(x: float) -> float:
    """The automatic finite-difference step h = cbrt(eps_machine) * max(1, abs(x)).

    >>> round(step_size(0.5), 10), round(step_size(-1000.0), 7)
    (6.0555e-06, 0.0060555)
    """
    return _CBRT_EPS * max(1.0, abs(x))


def _as_point(inputs: Inputs, where: str) -> tuple[list[float], list[str]]:
    """Floats and labels of the inputs (a number, a Value or a sequence of them)."""
    single = isinstance(inputs, (Value, int, float)) and not isinstance(inputs, bool)
    items: Any = [inputs] if single else inputs
    point, labels = [], []
    for i, x in enumerate(items):
        if isinstance(x, Value):
            point.append(x.data)
            labels.append(x.label or f"x{i}")
        elif isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x):
            point.append(float(x))
            labels.append(f"x{i}")
        else:
            raise TypeError(f"{where}: input {i} must be a finite number or a Value, got {x!r}")
    if not point:
        raise ValueError(f"{where}: needs at least one input")
    return point, labels


def _steps(point: list[float], eps: float | None, where: str) -> list[float]:
    if eps is None:
        return [step_size(x) for x in point]
    if not (isinstance(eps, (int, float)) and 0.0 < eps < math.inf):
        raise ValueError(f"{where}: eps (the finite-difference step) must be a number > 0, got {eps!r}")
    return [float(eps)] * len(point)


def _shifted(point: list[float], i: int, delta: float) -> list[float]:
    moved = list(point)
    moved[i] += delta
    return moved


def _value_at(f: Callable, point: list[float]) -> float:
    """f at a point, without recording a graph."""
    with graph.no_grad():
        return float(f(*[Value(p) for p in point]))


def _central(fun: Callable[[list[float]], float | list[float]], point: list[float], i: int, h: float):
    """D(h) along input i; ``fun`` returns a float or a list of floats."""
    up, down = _shifted(point, i, h), _shifted(point, i, -h)
    width = up[i] - down[i]  # the step as the floats really hold it
    hi, lo = fun(up), fun(down)
    if isinstance(hi, list) and isinstance(lo, list):
        return [(a - b) / width for a, b in zip(hi, lo)]
    assert not isinstance(hi, list) and not isinstance(lo, list)
    return (hi - lo) / width


def _richardson(fun, point: list[float], i: int, h: float):
    """(4 D(h/2) - D(h)) / 3 and |D(h/2) - D(h)| / 3, for a float or list-valued ``fun``."""
    d1, d2 = _central(fun, point, i, h), _central(fun, point, i, h / 2.0)
    if isinstance(d1, list):
        return [Estimate((4.0 * b - a) / 3.0, abs(b - a) / 3.0) for a, b in zip(d1, d2)]
    return Estimate((4.0 * d2 - d1) / 3.0, abs(d2 - d1) / 3.0)


@overload
def numerical_grad(
    f: Callable, inputs: Inputs, *, eps: float | None = None, richardson: Literal[False] = False
) -> list[float]: ...
@overload
def numerical_grad(
    f: Callable, inputs: Inputs, *, eps: float | None = None, richardson: Literal[True]
) -> list[Estimate]: ...


def numerical_grad(f, inputs, *, eps=None, richardson=False):
    """df/dx_i at ``inputs`` for every i, by central differences.

    ``f`` is called with one :class:`Value` per input (so it may use Value
    methods) and returns a Value or a number; no graph is recorded.
    ``inputs`` is a sequence of numbers or Values (or a single one).

    Each derivative is D(h) = (f(x + h e_i) - f(x - h e_i)) / 2h, error
    O(h^2), with h = cbrt(eps_machine) * max(1, abs(x_i)) (see :func:`step_size`)
    or ``eps`` for every input.  The division is by the difference of the two
    shifted inputs as floats, which is exactly representable.

    With ``richardson=True`` each derivative is an :class:`Estimate`
    ``(value, error)``: value = (4 D(h/2) - D(h)) / 3, error O(h^4), and
    error = abs(D(h/2) - D(h)) / 3, the estimated error of D(h/2).

    >>> d = numerical_grad(lambda x, y: x * y + y.exp(), [2.0, 1.0])
    >>> [round(v, 6) for v in d]                 # [y, x + e^y]
    [1.0, 4.718282]
    >>> est = numerical_grad(lambda x: x.sin(), [0.0], eps=0.1, richardson=True)[0]
    >>> abs(est.value - 1.0) < est.error < 1e-3
    True
    """
    point, _ = _as_point(inputs, "numerical_grad()")
    steps = _steps(point, eps, "numerical_grad()")

    def fun(p: list[float]) -> float:
        return _value_at(f, p)

    if richardson:
        return [_richardson(fun, point, i, h) for i, h in enumerate(steps)]
    return [_central(fun, point, i, h) for i, h in enumerate(steps)]


# ------------------------------------------------------------------ hygiene


def _same(a: float, b: float) -> bool:
    return a == b or math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-300)


def _hygiene(xs: list[Value], y: Value, first: list[float], labels: list[str]) -> list[HygieneCheck]:
    """Repeat after zero_grad, seed 2, and a reused node, each against the first gradient."""

    def compare(name: str, factor: float, got: list[float]) -> HygieneCheck:
        bad = [
            f"d/{lab}: expected {factor:g} x {g!r}, got {v!r}"
            for lab, g, v in zip(labels, first, got)
            if not _same(v, factor * g)
        ]
        return HygieneCheck(name, not bad, "; ".join(bad))

    checks = []
    y.zero_grad()
    y.backward()
    checks.append(
        compare("backward twice, zero_grad in between, gives the same gradient", 1.0, [x.grad for x in xs])
    )
    y.zero_grad()
    y.backward(2.0)
    checks.append(compare("a seed gradient of 2 gives twice the gradient", 2.0, [x.grad for x in xs]))
    y.zero_grad()
    twice = y + y
    twice.backward()
    checks.append(compare("a node used twice (y + y) accumulates both uses", 2.0, [x.grad for x in xs]))
    return checks


# -------------------------------------------------------------------- kinks


def _recorded(f: Callable, point: list[float]) -> list[Value] | str:
    """The nodes of f's graph at a point, parents first, or why f is not defined there."""
    try:
        y = f(*[Value(p) for p in point])
    except _UNDEFINED as e:
        return f"({e})"
    return graph.topological_order(y) if isinstance(y, Value) else []


def _kind(node: Value) -> str:
    """The operation of a node without its constant: ``"* {}"`` for ``x * 2.0`` and ``x * 3.0``."""
    return node._op


def _kinks_close_to(order: list[Value], far: float) -> str:
    """' (relu at 0, ...)' for the kinks whose input is within ``far`` of them (assuming a slope ~1)."""
    close = [
        f"{node.op} at {kink:g}"
        for node in order
        if len(node.parents) == 1
        for kink in kinks_of_node(node)
        if abs(node.parents[0].data - kink) <= far
    ]
    return f" ({', '.join(dict.fromkeys(close))})" if close else ""


def _kink_note(f: Callable, order: list[Value], point: list[float], i: int, h: float, label: str) -> str:
    """Why the derivative along input i is near a non-differentiable point, or ''."""
    far = KINK_STEPS * h
    sides = {}
    for sign in (1.0, -1.0):
        moved = _recorded(f, _shifted(point, i, sign * far))
        if isinstance(moved, str):
            return (
                f"near a non-differentiable point{_kinks_close_to(order, far)}: f is not defined "
                f"at {label} {'+-'[sign < 0]} {KINK_STEPS} steps {moved}"
            )
        if [_kind(n) for n in moved] != [_kind(n) for n in order]:
            return (
                f"near a non-differentiable point: f computes something else "
                f"within {KINK_STEPS} steps of {label} (a branch on the data)"
            )
        sides[sign] = moved
    for k, node in enumerate(order):
        if len(node.parents) != 1:
            continue
        points = kinks_of_node(node)
        if not points:
            continue
        a = node.parents[0].data
        a_up, a_down = sides[1.0][k].parents[0].data, sides[-1.0][k].parents[0].data
        if a_up == a == a_down:
            continue  # this node does not depend on input i
        for kink in points:
            if a == kink or (a_up - kink) * (a - kink) <= 0.0 or (a_down - kink) * (a - kink) <= 0.0:
                return (
                    f"near a non-differentiable point: {node.op} at {kink:g} "
                    f"(its input is {a:.3g}, within {KINK_STEPS} steps of {label})"
                )
    return ""


# ---------------------------------------------------------------- gradcheck


def _row(
    name: str,
    at: str,
    analytic: float,
    numeric: Estimate | None,
    atol: float,
    rtol: float,
    order: int,
    note: str = "",
) -> Row:
    if note or numeric is None:
        return Row(name, at, analytic, None, None, "near kink", order, note=note)
    tol = atol + rtol * abs(numeric.value)
    err = abs(analytic - numeric.value)
    ok = err <= tol  # False for nan
    vacuous = abs(numeric.value) < atol
    uncertain = not vacuous and numeric.error > tol
    return Row(
        name,
        at,
        analytic,
        numeric.value,
        numeric.error,
        "ok" if ok else "FAIL",
        order,
        vacuous=vacuous,
        uncertain=uncertain,
    )


def _gradient_at(f: Callable, point: list[float]) -> list[float]:
    """The engine's gradient of f at a point (floats)."""
    xs = [Value(p) for p in point]
    return [float(g) for g in graph.gradients(f(*xs), xs)]


def _second_order_rows(f, point, steps, labels, notes, atol, rtol) -> list[Row]:
    """d2f/dx_i dx_j: gradients of gradients against central differences of the gradient."""
    xs = [Value(p) for p in point]
    first = graph.gradients(f(*xs), xs, create_graph=True)
    columns: dict[int, list[Estimate] | str] = {}  # d(gradient)/dx_j, computed once per j

    def column(j: int) -> list[Estimate] | str:
        if j not in columns:
            try:
                columns[j] = _richardson(lambda p: _gradient_at(f, p), point, j, steps[j])
            except _UNDEFINED as e:
                columns[j] = f"near a non-differentiable point: f is not defined within a step ({e})"
        return columns[j]

    rows = []
    for i, g in enumerate(first):
        hess = graph.gradients(g, xs) if isinstance(g, Value) else [0.0] * len(xs)
        for j in range(len(steps)):
            name = f"d2f/d{labels[i]}d{labels[j]}"
            at = f"{labels[j]}={point[j]:.6g}"
            if notes[j]:
                rows.append(_row(name, at, float(hess[j]), None, atol, rtol, 2, notes[j]))
                continue
            estimates = column(j)
            if isinstance(estimates, str):
                rows.append(_row(name, at, float(hess[j]), None, atol, rtol, 2, estimates))
                continue
            rows.append(_row(name, at, float(hess[j]), estimates[i], atol, rtol, 2))
    return rows


def gradcheck(
    f: Callable[..., Value],
    inputs: Inputs,
    *,
    atol: float = 1e-5,
    rtol: float = 1e-4,
    eps: float | None = None,
    order: int = 1,
    raise_exception: bool = True,
) -> GradcheckReport:
    """Check the gradient that ``backward()`` computes for ``f`` against finite differences.

    ``f`` takes one :class:`Value` per input and returns a Value; ``inputs``
    is a sequence of numbers or Values (their labels name the rows).  For each
    input, df/dx_i from ``backward()`` is compared with the Richardson
    estimate R of :func:`numerical_grad` (step ``eps``, default
    h = cbrt(eps_machine) * max(1, abs(x_i))); it passes when::

        abs(analytic - numeric) <= atol + rtol * abs(numeric)

    With ``order=2`` every second derivative d2f/dx_i dx_j (from
    gradients of gradients, ``create_graph=True``) is also compared with
    central differences of the engine's gradient along x_j.

    Also checked: backward twice (zero_grad in between) gives the same
    gradient, a seed of 2 gives twice it, and ``y + y`` gives twice it.
    A derivative with abs(numeric) < atol passes vacuously and gives a
    :class:`GradcheckWarning` (so does a numeric estimate whose error bar
    exceeds the tolerance).  An input within :data:`KINK_STEPS` steps of a
    non-differentiable point of an operation on the path (or of the edge of
    f's domain, or of a branch on the data) is reported as "near kink": neither
    passed nor failed.

    Returns a :class:`GradcheckReport` (an aligned table when printed, HTML in
    Jupyter).  On a failure it raises :class:`GradcheckError` with the table
    of the failures, unless ``raise_exception=False``.  Errors that ``f``
    raises at the point itself propagate.

    >>> report = gradcheck(lambda x, y: (x * y).tanh() + y.log(), [0.5, 2.0], order=2)
    >>> report.passed, len(report.rows)
    (True, 6)
    """
    if order not in (1, 2):
        raise ValueError(f"gradcheck(): order must be 1 or 2, got {order!r}")
    for name, tol in (("atol", atol), ("rtol", rtol)):
        if not (isinstance(tol, (int, float)) and 0.0 <= tol < math.inf):
            raise ValueError(f"gradcheck(): {name} must be a number >= 0, got {tol!r}")
    point, labels = _as_point(inputs, "gradcheck()")
    steps = _steps(point, eps, "gradcheck()")
    xs = [Value(p, lab) for p, lab in zip(point, labels)]
    y = f(*xs)
    if not isinstance(y, Value):
        raise TypeError(
            f"gradcheck(): f must return a Value computed from its Value arguments, "
            f"got {type(y).__name__} {y!r}"
        )
    y.backward()
    analytic = [float(x.grad) for x in xs]
    hygiene = _hygiene(xs, y, analytic, labels)
    order_at_point = graph.topological_order(y)
    notes = [_kink_note(f, order_at_point, point, i, h, labels[i]) for i, h in enumerate(steps)]

    def fun(p: list[float]) -> float:
        return _value_at(f, p)

    rows = []
    for i, h in enumerate(steps):
        name, at = f"df/d{labels[i]}", f"{labels[i]}={point[i]:.6g}"
        est = None
        if not notes[i]:
            try:
                est = _richardson(fun, point, i, h)
            except _UNDEFINED as e:
                notes[i] = f"near a non-differentiable point: f is not defined within a step ({e})"
        rows.append(_row(name, at, analytic[i], est, atol, rtol, 1, notes[i]))
    if order == 2:
        rows += _second_order_rows(f, point, steps, labels, notes, atol, rtol)

    report = GradcheckReport(_name(f), tuple(point), tuple(labels), rows, hygiene, atol, rtol, order)
    weak = [r for r in rows if r.vacuous or r.uncertain]
    if weak:
        warnings.warn(GradcheckWarning(report.weak_text()), stacklevel=2)
    if raise_exception and report.failed:
        raise GradcheckError(report)
    return report


def assert_gradients_match(f: Callable[..., Value], inputs: Inputs, **options: Any) -> GradcheckReport:
    """Assert that ``f``'s gradients match finite differences (for pytest and hypothesis tests).

    The same as :func:`gradcheck` with ``raise_exception=True``: raises
    :class:`GradcheckError` (an ``AssertionError``) with the table of the
    failing derivatives; derivatives near a non-differentiable point are
    reported in the returned report, not asserted.

    >>> assert_gradients_match(lambda x: x * x.sigmoid(), [0.3]).passed
    True
    """
    __tracebackhide__ = True  # pytest shows the caller's line
    return gradcheck(f, inputs, raise_exception=True, **options)


def _name(f: Callable) -> str:
    name = getattr(f, "__name__", None)
    return name if isinstance(name, str) else str(f)
