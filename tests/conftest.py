"""Hypothesis profiles for the suite.

``ci`` (the default): derandomized, no deadline, a modest number of examples,
so the whole suite is fast and gives the same answer on every run.
``thorough``: 10,000 random examples per property, for a long local run::

    pytest --hypothesis-profile=thorough tests/test_properties.py

``HYPOTHESIS_PROFILE=thorough`` in the environment selects it as well.
"""

import os

from hypothesis import settings

settings.register_profile(
    "ci", derandomize=True, deadline=None, max_examples=60, database=None, print_blob=True
)
settings.register_profile("thorough", deadline=None, max_examples=10_000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


import pytest

from autograd_lite import ops
from autograd_lite.ops.registry import compile_rule


def _wrap(rule, change):
    """A rule (number, tuple, or function giving them, or a rule factory) with ``change`` applied."""
    if isinstance(rule, tuple):
        return tuple(change(d) for d in rule)
    if not callable(rule):
        return change(rule)

    def wrong(*args):
        return _wrap(rule(*args), change)

    return wrong


@pytest.fixture
def mutate(monkeypatch):
    """``mutate(name, *sources)``: give an operator a (wrong) rule for one test.

    With sources, the record's rule is compiled from them, exactly as from its
    own ``d``; with ``change=f`` instead, ``f`` is applied to every derivative
    the real rule gives (for the fused sum and dot, whose rules are factories).
    ``values=False`` keeps the Value form of the rule as it was.
    """

    def apply(name, *sources, change=None, values=True):
        rec = ops.record(name)
        if sources:
            rule, vrule, kind = compile_rule(rec, tuple(sources))
            monkeypatch.setattr(rec, "rule", rule)
            monkeypatch.setattr(rec, "kind", kind)
            if values:
                monkeypatch.setattr(rec, "vrule", vrule)
        else:
            monkeypatch.setattr(rec, "rule", _wrap(rec.rule, change))
            if rec.vrule is not None and values:
                monkeypatch.setattr(rec, "vrule", _wrap(rec.vrule, change))
        return rec

    return apply
