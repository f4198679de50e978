"""Bad input raises at the forward operation, naming the operator and the value."""

import math

import pytest

import autograd_lite as al
from autograd_lite import Value


@pytest.mark.parametrize("bad", ["3", None, [1.0], 1 + 2j])
def test_value_of_a_non_number_names_the_type(bad):
    with pytest.raises(TypeError, match=type(bad).__name__):
        Value(bad)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_data_is_rejected(bad):
    with pytest.raises(ValueError, match="finite"):
        Value(bad)


@pytest.mark.parametrize(
    "expr, exc, pattern",
    [
        (lambda: Value(-2.0).log(), ValueError, r"log\(\) of -2.0 is undefined \(input must be > 0\)"),
        (lambda: Value(0.0).log(), ValueError, r"log\(\) of 0.0"),
        (lambda: al.log(-1), ValueError, r"log\(\) of -1.0"),
        (lambda: Value(-1.0).sqrt(), ValueError, r"sqrt\(\) of -1.0 is undefined"),
        (
            lambda: Value(-2.0) ** Value(2.0),
            ValueError,
            r"\*\* with a Value exponent needs a base > 0, got -2.0",
        ),
        (lambda: Value(0.0) ** Value(2.0), ValueError, r"base > 0, got 0.0"),
        (lambda: (-2) ** Value(0.5), ValueError, r"base > 0, got -2.0"),
        (lambda: Value(-8.0) ** 0.5, ValueError, r"negative base -8.0 with the non-integer exponent 0.5"),
        (lambda: Value(0.0) ** -1, ZeroDivisionError, r"0.0 raised to the negative power -1.0"),
        (lambda: Value(1.0) / 0, ZeroDivisionError, r"division of 1.0 by zero"),
        (lambda: Value(1.0) / Value(0.0), ZeroDivisionError, r"division of 1.0 by a Value equal to zero"),
        (lambda: 3 / Value(0.0), ZeroDivisionError, r"division of 3"),
        (lambda: Value(1000.0).exp(), OverflowError, r"exp\(\) of 1000.0 overflows"),
        (lambda: Value(1e308) * 10, OverflowError, r"\* 10.0 of \(1e\+308\) overflows"),
        (lambda: Value(10.0) ** 400, OverflowError, r"overflows"),
        (
            lambda: al.dot([Value(1.0)], [1.0, 2.0]),
            ValueError,
            r"dot\(\) needs two sequences of the same length, got 1 and 2",
        ),
        (lambda: al.sum([Value(1.0), "x"]), TypeError, r"sum\(\) needs a real number or a Value, got str"),
    ],
)
def test_errors_name_operator_and_value(expr, exc, pattern):
    with pytest.raises(exc, match=pattern):
        expr()


def test_negative_base_with_integer_exponent_is_fine():
    x = Value(-2.0)
    y = x**3
    y.backward()
    assert y.data == -8.0 and x.grad == 12.0


def test_infinite_derivative_gives_inf_gradient_not_an_error():
    x = Value(0.0)
    x.sqrt().backward()
    assert x.grad == math.inf
    z = Value(0.0)
    (z**0.5).backward()
    assert z.grad == math.inf


def test_unsupported_operand_types_raise_type_error():
    with pytest.raises(TypeError, match="Value"):
        Value(1.0) + "a"
