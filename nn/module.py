"""The :class:`Module` base class: parameters, names, state and model files.

A module's parameters are the :class:`~autograd_lite.Value` leaves that
training changes.  They are found by walking the module's public attributes
in the order they were set: a ``Value`` is a parameter, a ``Module`` is
walked recursively, and a list or tuple is walked item by item with the
index as part of the name.  So an :class:`~nn.MLP` has names such as
``layers.0.neurons.3.w.1`` (layer 0, neuron 3, weight 1) and
``layers.2.neurons.0.b`` (a bias).

Once a module is built, each parameter's ``label`` is set to its dotted name,
so pictures of a computation graph show which weight is which.

Model files are small JSON documents::

    {"format": "autograd-lite-model", "version": 1,
     "architecture": "MLP(2, [16, 16, 1], activation='relu', output_activation='linear')",
     "parameters": {"layers.0.neurons.0.w.0": 0.31, ...}}

:meth:`Module.load` checks everything before it changes a single weight.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Iterator, Mapping
from numbers import Real
from typing import Any

from autograd_lite import Value

from ._atomic import PathLike, atomic_open

#: The ``format`` field of a model file and the version this code writes and reads.
FORMAT = "autograd-lite-model"
VERSION = 1


class Module:
    """Base class of everything that holds parameters (like ``torch.nn.Module``).

    Subclasses store their parameters as public attributes (Values, lists of
    Values, other Modules or lists of them) and define ``__call__``.  When
    the constructor returns, every parameter's ``label`` is its dotted name.

    >>> class Scale(Module):
    ...     def __init__(self):
    ...         self.k = Value(2.0)
    ...     def __call__(self, x):
    ...         return self.k * x
    >>> m = Scale()
    >>> m.named_parameters()
    [('k', Value(data=2.0, grad=0.0, label='k'))]
    >>> m.num_parameters()
    1
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Wrap the subclass's ``__init__``: when the outermost one returns, label the parameters.

        (A wrapper rather than a metaclass, so that type checkers see
        ``MLP(...)`` as an ``MLP``.)  A subclass that calls ``super().__init__()``
        is labelled once, by its own ``__init__``, with the full dotted names.
        """
        super().__init_subclass__(**kwargs)
        init = cls.__dict__.get("__init__")
        if init is None:
            return

        @functools.wraps(init)
        def __init__(self: Module, *args: Any, **kw: Any) -> None:
            init(self, *args, **kw)
            if type(self).__init__ is __init__:        # the outermost constructor: done
                for name, p in self.named_parameters():
                    p.label = name

        setattr(cls, "__init__", __init__)  # noqa: B010 (mypy refuses assigning a method)

    def named_parameters(self) -> list[tuple[str, Value]]:
        """(dotted name, parameter) pairs in a stable order; a shared Value appears once."""
        seen: set[int] = set()
        out: list[tuple[str, Value]] = []
        for name, p in _walk(self, ""):
            if id(p) not in seen:
                seen.add(id(p))
                out.append((name, p))
        return out

    def parameters(self) -> list[Value]:
        """Every parameter, in the order of :meth:`named_parameters`."""
        out: list[Value] = []
        _collect(self, out)
        return list(dict.fromkeys(out))  # a shared Value once, first place kept

    def num_parameters(self) -> int:
        """How many scalar parameters the module has."""
        return len(self.named_parameters())

    def zero_grad(self) -> None:
        """Set every parameter's ``grad`` to 0.0 (do this before each ``backward()``)."""
        for p in self.parameters():
            p.grad = 0.0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """The forward pass: every subclass defines its own."""
        raise NotImplementedError(f"{type(self).__name__} does not define __call__ (its forward pass)")

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    # ------------------------------------------------------------ state
    def state_dict(self) -> dict[str, float]:
        """A dict from each parameter's dotted name to its current value."""
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Set every parameter from ``state`` (as made by :meth:`state_dict`).

        Raises ``ValueError`` naming what does not match (missing or unexpected
        names, a value that is not a finite number); then no parameter is changed.
        """
        values = _check_state(self.named_parameters(), state, "load_state_dict(): the state")
        for p, v in zip(self.parameters(), values):
            p.data = v

    def save(self, path: PathLike) -> None:
        """Write the architecture and every parameter to ``path`` as versioned JSON.

        The write is atomic: a temp file in the same directory replaces ``path``
        only once it is complete, so a failure never leaves a truncated file.
        """
        doc = {"format": FORMAT, "version": VERSION, "architecture": repr(self),
               "parameters": self.state_dict()}
        with atomic_open(path, "w") as f:
            json.dump(doc, f, indent=1, allow_nan=False)
            f.write("\n")

    def load(self, path: PathLike) -> Module:
        """Set the parameters from a file written by :meth:`save`; return ``self``.

        Everything is checked before any parameter changes: the file must be
        valid JSON in this format and version, for the same architecture
        (``repr`` of the model), with exactly one finite number per parameter.
        Otherwise a ``ValueError`` says what does not match and the model is
        left exactly as it was.  A missing file raises ``FileNotFoundError``.
        """
        with open(path, "rb") as f:
            raw = f.read()
        where = f"model file {str(path)!r}"
        try:
            doc = json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicates)
        except UnicodeDecodeError as exc:
            raise ValueError(f"{where} is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
        except json.JSONDecodeError as exc:
            raise ValueError(f"{where} is not valid JSON: {exc}") from None
        except _DuplicateKey as exc:
            raise ValueError(f"{where} names {exc.args[0]!r} twice") from None
        state = _check_document(doc, repr(self), where)
        values = _check_state(self.named_parameters(), state, where)
        for p, v in zip(self.parameters(), values):
            p.data = v
        return self


def _walk(obj: Any, prefix: str) -> Iterator[tuple[str, Value]]:
    """Yield (name, Value) for every parameter under ``obj``, depth first."""
    if isinstance(obj, Value):
        yield prefix, obj
    elif isinstance(obj, Module):
        for attr, child in vars(obj).items():
            if not attr.startswith("_"):
                yield from _walk(child, f"{prefix}.{attr}" if prefix else attr)
    elif isinstance(obj, (list, tuple)):
        for i, child in enumerate(obj):
            yield from _walk(child, f"{prefix}.{i}" if prefix else str(i))


def _collect(obj: Any, out: list[Value]) -> None:
    """Append every parameter under ``obj`` to ``out`` in :func:`_walk`'s order, without names."""
    if isinstance(obj, Value):
        out.append(obj)
    elif isinstance(obj, Module):
        for attr, child in vars(obj).items():
            if not attr.startswith("_"):
                _collect(child, out)
    elif isinstance(obj, (list, tuple)):
        for child in obj:
            _collect(child, out)


class _DuplicateKey(Exception):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise _DuplicateKey(k)
        out[k] = v
    return out


def _check_document(doc: Any, architecture: str, where: str) -> Any:
    """Check the envelope of a model file; return its ``parameters`` entry."""
    if not isinstance(doc, dict):
        raise ValueError(f"{where} must hold a JSON object, not {type(doc).__name__}")
    if doc.get("format") != FORMAT:
        raise ValueError(f"{where} is not an autograd-lite model (its 'format' is "
                         f"{doc.get('format')!r}, expected {FORMAT!r})")
    version = doc.get("version")
    if type(version) is not int or version != VERSION:
        raise ValueError(f"{where} has version {version!r}; this autograd-lite reads version {VERSION}")
    theirs = doc.get("architecture")
    if theirs != architecture:
        shown = theirs[:200] if isinstance(theirs, str) else _short(theirs)
        raise ValueError(f"{where} is for {shown}, but this model is {architecture}")
    if "parameters" not in doc:
        raise ValueError(f"{where} has no 'parameters'")
    return doc["parameters"]


def _check_state(named: list[tuple[str, Value]], state: Any, where: str) -> list[float]:
    """The new value of each parameter, in order, after checking ``state`` completely."""
    if not isinstance(state, Mapping):
        raise ValueError(f"{where} must map parameter names to numbers, not {type(state).__name__}")
    names = [n for n, _ in named]
    if len(state) != len(names):
        raise ValueError(f"{where} has {len(state)} parameters, the model has {len(names)}")
    missing = [n for n in names if n not in state]
    if missing:
        unexpected = [k for k in state if k not in set(names)]
        raise ValueError(f"{where}: parameter names do not match: missing {_few(missing)}, "
                         f"unexpected {_few(unexpected)}")
    values = []
    for n in names:
        v = state[n]
        if isinstance(v, bool) or not isinstance(v, Real):
            raise ValueError(f"{where}: parameter {n!r} is {_short(v)}, not a number")
        try:
            f = float(v)
        except OverflowError:
            f = math.inf
        if not math.isfinite(f):
            raise ValueError(f"{where}: parameter {n!r} is {_short(v)}, not a finite number")
        values.append(f)
    return values


def _short(v: Any, limit: int = 40) -> str:
    """repr(v), cut short for an error message."""
    r = repr(v)
    return r if len(r) <= limit else r[:limit - 3] + "..."


def _few(items: list[str], k: int = 3) -> str:
    """A short list of names for an error message."""
    shown = ", ".join(repr(s) for s in items[:k])
    more = f" and {len(items) - k} more" if len(items) > k else ""
    return f"[{shown}{more}]"
