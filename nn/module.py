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
import os
import reprlib
from collections.abc import Iterator, Mapping
from numbers import Real
from typing import Any

from autograd_lite import Value

from ._atomic import PathLike, atomic_open, read_limited

#: The ``format`` field of a model file and the version this code writes and reads.
FORMAT = "autograd-lite-model"
VERSION = 1

#: The largest model file :meth:`Module.load` reads, in bytes (32 MiB: about 700,000
#: parameters).  A bigger file is refused before it is read; to load one you trust,
#: pass ``max_bytes=`` to :meth:`Module.load`.
MAX_FILE_BYTES = 32 * 1024 * 1024

#: Integers in a model file longer than this many digits are never converted (no float
#: is that large, and Python refuses to convert 4,300 digits): they stand for themselves.
_MAX_INT_DIGITS = 309


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
            if type(self).__init__ is __init__:  # the outermost constructor: done
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
        only once it is complete, so a failure (an error, ``KeyboardInterrupt``)
        never leaves a truncated file or a temp file behind; temp files left by
        a process that was killed are removed by the next save into the same
        directory.  Saving through a symbolic link writes the file it points to.
        A parameter that is NaN or infinite is a ``ValueError`` naming it (and
        nothing is written); an ``OSError`` (no space left, ...) names ``path``.
        """
        state = self.state_dict()
        bad = [(n, v) for n, v in state.items() if not math.isfinite(v)]
        if bad:
            name, v = bad[0]
            more = f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""
            raise ValueError(
                f"save(): parameter {name!r} is {v!r}{more}, not a finite number, "
                f"so {str(os.fspath(path))!r} was not written (did training diverge?)"
            )
        doc = {"format": FORMAT, "version": VERSION, "architecture": repr(self), "parameters": state}
        with atomic_open(path, "w") as f:
            json.dump(doc, f, indent=1, allow_nan=False)
            f.write("\n")

    def load(self, path: PathLike, *, max_bytes: int = MAX_FILE_BYTES) -> Module:
        """Set the parameters from a file written by :meth:`save`; return ``self``.

        Everything is checked before any parameter changes: the file must be
        valid JSON in this format and version, for the same architecture
        (``repr`` of the model), with exactly one finite number per parameter.
        Otherwise a ``ValueError`` naming the file says what does not match and
        the model is left exactly as it was.  Hostile files are refused the
        same way: one that is not a regular file (a FIFO, ``/dev/zero``) at
        once, without reading it; one larger than ``max_bytes`` (default
        :data:`MAX_FILE_BYTES`, 32 MiB) before reading it; nesting too deep
        for the parser; integers of hundreds of digits.  A missing file raises
        ``FileNotFoundError``, a directory ``IsADirectoryError``.
        """
        where = f"model file {_printable(repr(os.fspath(path)))}"
        if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 1:
            raise ValueError(f"load(): max_bytes must be a positive integer, got {max_bytes!r}")
        raw = read_limited(
            path, max_bytes, where, "to load a file you trust, pass max_bytes={size} or more to load()"
        )
        try:
            doc = json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicates, parse_int=_parse_int)
        except UnicodeDecodeError as exc:
            raise ValueError(f"{where} is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
        except json.JSONDecodeError as exc:
            raise ValueError(f"{where} is not valid JSON: {exc}") from None
        except RecursionError:
            raise ValueError(
                f"{where} nests its JSON too deeply to be read (a model file nests 2 levels)"
            ) from None
        except _DuplicateKey as exc:
            raise ValueError(f"{where} names {_printable(repr(exc.args[0]))} twice") from None
        try:
            state = _check_document(doc, repr(self), where)
            values = _check_state(self.named_parameters(), state, where)
        except ValueError as exc:
            raise ValueError(_printable(str(exc))) from None
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


class _HugeInteger:
    """An integer of a model file too long to convert; only its number of digits is kept."""

    __slots__ = ("digits",)

    def __init__(self, digits: int) -> None:
        self.digits = digits

    def __repr__(self) -> str:
        return f"an integer of {self.digits:,} digits"


def _parse_int(text: str) -> int | _HugeInteger:
    """A JSON integer; one of more than ``_MAX_INT_DIGITS`` digits is not converted."""
    digits = len(text) - text.startswith("-")
    if digits > _MAX_INT_DIGITS:
        return _HugeInteger(digits)
    return int(text)


def _printable(text: str) -> str:
    """``text`` with lone surrogates escaped (``\\udc80``), so printing it never fails."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


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
        raise ValueError(
            f"{where} is not an autograd-lite model (its 'format' is "
            f"{_short(doc.get('format'))}, expected {FORMAT!r})"
        )
    version = doc.get("version")
    if type(version) is not int or version != VERSION:
        raise ValueError(f"{where} has version {_short(version)}; this autograd-lite reads version {VERSION}")
    theirs = doc.get("architecture")
    if theirs != architecture:
        shown = _printable(theirs[:200]) if isinstance(theirs, str) else _short(theirs)
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
        raise ValueError(
            f"{where}: parameter names do not match: missing {_few(missing)}, unexpected {_few(unexpected)}"
        )
    values = []
    for n in names:
        v = state[n]
        if isinstance(v, _HugeInteger):
            raise ValueError(f"{where}: parameter {n!r} is {v!r}, not a finite number")
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
    """repr(v), cut short for an error message (never deeper than a few levels)."""
    r = _REPR.repr(v)
    return r if len(r) <= limit else r[: limit - 3] + "..."


_REPR = reprlib.Repr()
_REPR.maxlevel = 3
_REPR.maxstring = _REPR.maxother = 60


def _few(items: list[str], k: int = 3) -> str:
    """A short list of names for an error message."""
    shown = ", ".join(repr(s) for s in items[:k])
    more = f" and {len(items) - k} more" if len(items) > k else ""
    return f"[{shown}{more}]"
