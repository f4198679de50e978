"""Every operator of the table, and random compositions of them, agree with finite differences.

Expressions come from ``autograd_lite.testing.expressions``, which builds every
operand inside its operator's domain and away from its kinks by construction.
Each operator is checked to second order (gradients of gradients).  The
mutation tests replace each operator's rule with a sign-flipped and with a
zeroed one and show that the same property test catches both: the checks can
fail.
"""

import pytest
from hypothesis import Phase, given, settings

import autograd_lite.value as V
from autograd_lite import GradcheckError, gradcheck
from autograd_lite.check import GradcheckWarning
from autograd_lite.testing import OPERATORS, expressions

NAMES = list(OPERATORS)
pytestmark = pytest.mark.filterwarnings(f"ignore::{GradcheckWarning.__module__}.GradcheckWarning")


def operator_property(name, **options):
    """The property test of one operator: random expressions of it match finite differences."""
    @settings(**options)
    @given(expressions(n_vars=3, ops=[name], max_depth=2))
    def check(e):
        assert name in e.operators
        report = gradcheck(e, e.point, order=2)
        assert not report.near_kinks, report  # points are away from kinks by construction
    return check


@pytest.mark.parametrize("name", NAMES)
def test_operator_matches_finite_differences(name):
    operator_property(name)()


@given(expressions(n_vars=3, max_depth=3))
def test_random_compositions_match_finite_differences(e):
    report = gradcheck(e, e.point, order=2)
    assert report.passed, report


def _mutant(real, kind):
    """A rule (or rule factory) giving the real rule's derivatives negated or zeroed."""
    def change(ds):
        if isinstance(ds, tuple):
            return tuple(-d for d in ds) if kind == "sign-flipped" else tuple(0.0 for _ in ds)
        return -ds if kind == "sign-flipped" else 0.0  # a one-parent rule's derivative

    def wrong(*args):
        out = real(*args)
        return _mutant(out, kind) if callable(out) else change(out)
    return wrong


@pytest.mark.parametrize("kind", ["sign-flipped", "zeroed"])
@pytest.mark.parametrize("name", NAMES)
def test_a_wrong_rule_is_caught(monkeypatch, name, kind):
    rule = OPERATORS[name].rule
    monkeypatch.setattr(V, rule, _mutant(getattr(V, rule), kind))
    check = operator_property(name, phases=[Phase.explicit, Phase.generate], report_multiple_bugs=False)
    with pytest.raises(GradcheckError, match="FAIL"):
        check()


def test_every_rule_of_the_engine_is_in_the_operator_table():
    rules = {n for n in vars(V) if n.startswith("_") and n.endswith("_rule") and callable(getattr(V, n))}
    assert rules == {op.rule for op in OPERATORS.values()}
