"""autograd-lite: scalar reverse-mode automatic differentiation, made visible.

>>> from autograd_lite import Value
>>> x = Value(0.5, label="x")
>>> y = (x ** 2).sin().exp()       # y = exp(sin(x^2))
>>> y.backward()
>>> round(x.grad, 6)               # dy/dx = exp(sin(x^2)) cos(x^2) 2x
1.240883
"""

from .graph import backward, gradients, no_grad, topological_order, zero_grad
from .trace import trace_backward, trace_forward
from .value import Value, cos, dot, exp, log, relu, sigmoid, sin, sqrt, sum, tanh

__version__ = "0.1.0"

__all__ = [
    "Value", "backward", "gradients", "no_grad", "topological_order", "zero_grad",
    "exp", "log", "sqrt", "tanh", "sigmoid", "relu", "sin", "cos", "sum", "dot",
]
__all__ += ["trace_backward", "trace_forward"]
