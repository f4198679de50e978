"""The hypothesis plugin: ``st.from_type(Value)`` draws finite leaf Values."""

import math
from importlib.metadata import entry_points

from hypothesis import given
from hypothesis import strategies as st

from autograd_lite import Value
from autograd_lite._hypothesis_plugin import register


def test_the_plugin_is_declared_in_the_hypothesis_entry_point_group():
    targets = {ep.value for ep in entry_points(group="hypothesis")}
    assert "autograd_lite._hypothesis_plugin:register" in targets


@given(st.from_type(Value))
def test_from_type_draws_finite_leaf_values(x):
    assert isinstance(x, Value)
    assert math.isfinite(x.data) and x.grad == 0.0
    y = x * 0.5  # any finite x: no overflow
    y.backward()
    assert x.grad == 0.5


def test_an_annotation_is_enough_for_builds():
    def f(x: Value) -> float:
        return x.data

    @given(st.builds(f))
    def check(d):
        assert math.isfinite(d)

    check()


def test_register_can_run_again():
    register()

    @given(st.from_type(Value))
    def check(x):
        assert isinstance(x, Value)

    check()
