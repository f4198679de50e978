"""The operators' static types: the Value method declarations match the registry, and mypy sees them."""

import shutil
import subprocess
import sys
import textwrap

import pytest

from autograd_lite.ops.signatures import value_ops_path, value_ops_source


def test_the_value_method_declarations_are_written_from_the_registry():
    assert value_ops_path().read_text() == value_ops_source(), (
        "autograd_lite/_value_ops.py is stale: run "
        "python -c 'from autograd_lite.ops.signatures import write_value_ops; write_value_ops()'"
    )


@pytest.mark.skipif(
    shutil.which("mypy") is None
    and subprocess.run([sys.executable, "-m", "mypy", "--version"], capture_output=True).returncode != 0,
    reason="mypy is not installed",
)
def test_a_users_code_gets_precise_types(tmp_path):
    code = tmp_path / "user.py"
    code.write_text(
        textwrap.dedent("""
        import autograd_lite as al
        from autograd_lite import Value
        x = Value(0.5)
        reveal_type(x.tan())
        reveal_type(al.tan(x))
        reveal_type(al.tan(0.5))
        reveal_type(al.atan2(x, 1.0))
        reveal_type(al.atan2(1.0, 2.0))
        reveal_type(al.clip(x, 0, 1))
        reveal_type(x * 2 + 1)
        reveal_type(2 ** x)
        reveal_type(al.sum([x, x]))
        x.backward()
        reveal_type(round(x.grad, 4))
    """)
    )
    r = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental", str(code)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    revealed = [
        line.split("Revealed type is ")[1].strip('"')
        for line in r.stdout.splitlines()
        if "Revealed type is" in line
    ]
    revealed = [r.replace("builtins.", "") for r in revealed]
    V = "autograd_lite.value.Value"
    assert revealed == [V, V, "float", V, "float", V, V, V, V, "float"], r.stdout
