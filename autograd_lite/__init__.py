"""autograd-lite: scalar reverse-mode automatic differentiation, made visible.

>>> from autograd_lite import Value
>>> x = Value(0.5, label="x")
>>> y = (x ** 2).sin().exp()       # y = exp(sin(x^2))
>>> y.backward()
>>> round(x.grad, 6)               # dy/dx = exp(sin(x^2)) cos(x^2) 2x
1.240883
"""

from . import ops
from .check import GradcheckError, gradcheck, numerical_grad
from .compile import compile
from .custom import op
from .expr import ExpressionError
from .functional import derivative, grad, hessian, hvp, jacobian, jvp, value_and_grad
from .graph import StaleGraphError, backward, gradients, no_grad, topological_order, zero_grad
from .ops import (
    acos,
    acosh,
    asin,
    asinh,
    atan,
    atan2,
    atanh,
    cbrt,
    clip,
    cos,
    cosh,
    digamma,
    dot,
    elu,
    erf,
    erfc,
    exp,
    exp2,
    expm1,
    gelu,
    hypot,
    leaky_relu,
    lgamma,
    log,
    log1p,
    log2,
    log10,
    maximum,
    minimum,
    polygamma,
    relu,
    sigmoid,
    silu,
    sin,
    sinh,
    softplus,
    sqrt,
    sum,
    tan,
    tanh,
)
from .trace import trace_backward, trace_forward
from .value import Value
from .viz import draw_graph, render

__version__ = "0.2.0.dev0"

__all__ = [
    # the node and its operations
    "Value",
    "op",
    "ops",
    # the operators' module functions (every registered operator's; a test checks the list)
    "sigmoid",
    "relu",
    "softplus",
    "silu",
    "gelu",
    "elu",
    "leaky_relu",
    "clip",
    "maximum",
    "minimum",
    "exp",
    "exp2",
    "expm1",
    "log",
    "log2",
    "log10",
    "log1p",
    "sqrt",
    "cbrt",
    "sum",
    "dot",
    "erf",
    "erfc",
    "polygamma",
    "digamma",
    "lgamma",
    "sin",
    "cos",
    "tan",
    "asin",
    "acos",
    "atan",
    "sinh",
    "cosh",
    "tanh",
    "asinh",
    "acosh",
    "atanh",
    "atan2",
    "hypot",
    # backprop
    "backward",
    "gradients",
    "no_grad",
    "topological_order",
    "zero_grad",
    "StaleGraphError",
    # functional transformations
    "compile",
    "grad",
    "value_and_grad",
    "derivative",
    "jacobian",
    "hessian",
    "jvp",
    "hvp",
    # seeing it
    "trace_backward",
    "trace_forward",
    "draw_graph",
    "render",
    "ExpressionError",
    # checking it
    "gradcheck",
    "numerical_grad",
    "GradcheckError",
]
