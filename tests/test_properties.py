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

from autograd_lite import GradcheckError, gradcheck, ops
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


def _mutate(mutate, name, kind):
    """Replace the rule behind the form ``name`` with its sign-flipped or zeroed twin."""
    rec = ops.record(OPERATORS[name].rule)
    if rec.d:  # a rule written as source: the twin is compiled from changed source
        changed = [f"-({d})" if kind == "sign-flipped" else f"0.0 * ({d})" for d in rec.d]
        mutate(rec.name, *changed)
    else:  # the fused sum and dot: their rules are factories
        mutate(rec.name, change=(lambda d: -d) if kind == "sign-flipped" else (lambda d: 0.0 * d))


@pytest.mark.parametrize("kind", ["sign-flipped", "zeroed"])
@pytest.mark.parametrize("name", NAMES)
def test_a_wrong_rule_is_caught(mutate, name, kind):
    _mutate(mutate, name, kind)
    check = operator_property(name, phases=[Phase.explicit, Phase.generate], report_multiple_bugs=False)
    with pytest.raises(GradcheckError, match="FAIL"):
        check()


def test_every_form_belongs_to_a_registered_operator_and_every_operator_has_one():
    assert {form.rule for form in OPERATORS.values()} == set(ops.REGISTRY)
