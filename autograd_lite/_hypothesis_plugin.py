"""Hypothesis plugin: teach ``st.from_type(Value)`` to draw Values.

Hypothesis calls :func:`register` at import time through the ``hypothesis``
entry-point group declared in ``pyproject.toml``; after that, a type
annotation ``x: Value`` in ``@given(...)`` or ``st.builds`` draws a leaf
``Value(d)`` with ``d`` any finite float (no nan, no infinity: ``Value()``
refuses those).  Hypothesis is imported only when the hook runs.
"""

from __future__ import annotations


def register() -> None:
    """Register the strategy ``Value(finite float)`` for the type :class:`~autograd_lite.Value`."""
    from hypothesis import strategies as st

    from .value import Value

    st.register_type_strategy(Value, st.floats(allow_nan=False, allow_infinity=False).map(Value))
