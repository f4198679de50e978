"""Every operator of the engine, one record each (the registry: ``autograd_lite/ops/registry.py``).

Importing this package registers them all and attaches their Value methods.
The module functions take numbers or Values: plain numbers in give a float
out, Values in give a Value out.

>>> from autograd_lite import Value, ops
>>> ops.REGISTRY["tan"].doc
'tan a; d/da = 1 + tan^2 a'
>>> ops.atan2(1.0, 1.0) == ops.atan(1.0)
True
"""

from __future__ import annotations

from . import arithmetic as _arithmetic  # noqa: F401 - registers + - * / ** neg abs
from .activations import *  # noqa: F403
from .elementary import *  # noqa: F403
from .fused import *  # noqa: F403
from .registry import (
    FLOAT_NS,
    FORMS,
    REGISTRY,
    VARIADIC,
    Op,
    kinks_of_node,
    operator_table,
    record,
    source_of,
)
from .special import *  # noqa: F403
from .trig import *  # noqa: F403

#: The module function of every operator that has one, by name (``al.tan``, ``al.atan2``...).
FUNCTIONS = {rec.function: globals()[rec.function] for rec in REGISTRY.values() if rec.function}

__all__ = [
    "REGISTRY",
    "FORMS",
    "FLOAT_NS",
    "VARIADIC",
    "Op",
    "record",
    "source_of",
    "kinks_of_node",
    "operator_table",
    "FUNCTIONS",
    *FUNCTIONS,
]
