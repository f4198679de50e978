"""no_grad() records no graph: for evaluation and optimizer updates; detach() cuts history."""

import pytest

import autograd_lite as al
from autograd_lite import Value, no_grad
from autograd_lite.graph import topological_order
from autograd_lite.value import is_grad_enabled

OPERATIONS = {
    "add": lambda a, b: a + b,
    "radd": lambda a, b: 2 + a,
    "sub": lambda a, b: a - b,
    "rsub": lambda a, b: 1 - a,
    "mul": lambda a, b: a * b,
    "rmul": lambda a, b: 3 * a,
    "div": lambda a, b: a / b,
    "rdiv": lambda a, b: 1 / a,
    "pow": lambda a, b: a**b,
    "pow_c": lambda a, b: a**2,
    "rpow": lambda a, b: 2**a,
    "neg": lambda a, b: -a,
    "abs": lambda a, b: abs(a),
    "exp": lambda a, b: a.exp(),
    "log": lambda a, b: a.log(),
    "sqrt": lambda a, b: a.sqrt(),
    "tanh": lambda a, b: a.tanh(),
    "sigmoid": lambda a, b: a.sigmoid(),
    "relu": lambda a, b: a.relu(),
    "sin": lambda a, b: a.sin(),
    "cos": lambda a, b: a.cos(),
    "sum": lambda a, b: al.sum([a, b, 1.0]),
    "dot": lambda a, b: al.dot([a, b], [b, 2.0], bias=a),
}


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_no_grad_records_nothing(name):
    a, b = Value(1.5), Value(0.5)
    with no_grad():
        y = OPERATIONS[name](a, b)
    assert isinstance(y, Value)
    assert y.parents == () and y.op == ""  # a leaf: no parents, no rule
    assert y.data == OPERATIONS[name](a, b).data  # the same value as when recording
    y.backward()
    assert a.grad == 0.0 and b.grad == 0.0


def _tiny_model():
    ws = [Value(0.5, label="w0"), Value(-0.3, label="w1")]
    b = Value(0.1, label="b")
    data = [([1.0, 2.0], 1.0), ([-1.0, 0.5], -1.0)]

    def loss():
        return al.sum([(al.dot(ws, x, bias=b).tanh() - y) ** 2 for x, y in data])

    return [*ws, b], loss


def _graph_shape(root):
    return [(node.op, tuple(id(p) for p in node.parents)) for node in topological_order(root)]


def test_an_sgd_step_inside_no_grad_changes_no_graph():
    params, loss = _tiny_model()
    L = loss()
    L.backward()
    shape = _graph_shape(L)
    grads = [p.grad for p in params]
    with no_grad():
        for p in params:
            p.data -= 0.1 * p.grad
            p.grad = 0.0
        evaluation = loss()  # an evaluation pass inside no_grad
    assert _graph_shape(L) == shape  # the recorded graph is exactly as it was
    assert all(p.parents == () and p.op == "" for p in params)  # parameters stay leaves
    assert evaluation.parents == ()
    assert evaluation.data < L.data  # the step went downhill
    L2 = loss()
    L2.backward()  # the next step backpropagates normally
    assert all(p.grad != 0.0 for p in params) and [p.grad for p in params] != grads


def test_an_update_with_value_arithmetic_inside_no_grad_builds_no_nodes():
    # with create_graph the gradients are Values; an update written with them records nothing
    params, loss = _tiny_model()
    L = loss()
    al.backward(L, create_graph=True)
    grad_graphs = [len(topological_order(p.grad)) for p in params]
    with no_grad():
        updated = [p - 0.1 * p.grad for p in params]
    assert all(u.parents == () for u in updated)
    assert [len(topological_order(p.grad)) for p in params] == grad_graphs
    assert [u.data for u in updated] == [p.data - 0.1 * p.grad.data for p in params]


def test_no_grad_nests_and_restores():
    assert is_grad_enabled()
    x = Value(2.0)
    with no_grad():
        with no_grad():
            assert not is_grad_enabled()
        assert not is_grad_enabled()  # the inner exit keeps the outer setting
        assert (x * x).parents == ()
    assert is_grad_enabled()
    assert (x * x).parents == (x, x)


def test_no_grad_restores_recording_when_an_exception_escapes():
    with pytest.raises(ZeroDivisionError), no_grad(), no_grad():
        Value(1.0) / 0
    assert is_grad_enabled()
    with pytest.raises(ValueError, match=r"log\(\) of -1.0"), no_grad():
        Value(-1.0).log()
    assert is_grad_enabled()
    x = Value(3.0)
    assert (x + 1).parents == (x,)


def test_detach_makes_a_leaf_that_stops_gradients():
    x = Value(3.0, label="x")
    h = x * x
    d = h.detach()
    assert d.parents == () and d.data == 9.0 and d is not h
    y = d * x  # d is a constant: dy/dx = 9, not 27
    y.backward()
    assert x.grad == 9.0
    assert x.detach().label == "x"
