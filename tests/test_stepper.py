"""The notebook stepper: driven from code, without a browser."""

import sys

import pytest

pytest.importorskip("ipywidgets")

import autograd_lite as al
import autograd_lite.notebook as notebook
from autograd_lite import Value
from autograd_lite.notebook import Stepper


def exp_sin_square():
    x = Value(0.5, label="x")
    return x, (x**2).sin().exp()


def test_setting_the_slider_updates_frame_and_row_in_place():
    x, y = exp_sin_square()
    stepper = Stepper(y)
    picture, row = stepper.picture, stepper.row
    assert stepper.step == -1 and "Before step 0" in row.value
    assert picture.value.count("grad ?") == 3  # x, x**2 and sin wait for their gradient
    for k in range(len(stepper.trace)):
        stepper.slider.value = k
        assert stepper.picture is picture and stepper.row is row  # same widgets, new content
        assert stepper.svg(k) in picture.value
        assert stepper.trace.row(k).splitlines()[-1] in row.value
        assert picture.value.count("grad ?") == 2 - k
    stepper.slider.value = 1
    assert "0.968912" in row.value and "Step 1 (of 0-2)" in row.value
    assert x.grad == 0.0 and y.grad == 0.0


def test_frames_change_with_the_step_and_highlight_one_edge():
    _, y = exp_sin_square()
    stepper = Stepper(y)
    seen = set()
    for k in range(-1, len(stepper.trace)):
        stepper.step = k
        seen.add(stepper.picture.value)
        # the highlighted edge is drawn in the highlight colour; before step 0 nothing is
        assert stepper.picture.value.count('stroke="#d62728"') == (0 if k == -1 else 2)  # line + arrowhead
    assert len(seen) == len(stepper.trace) + 1


def test_buttons_move_one_step_and_stop_at_the_ends():
    _, y = exp_sin_square()
    stepper = Stepper(y)
    assert stepper.previous.disabled and not stepper.next.disabled
    stepper.previous.click()
    assert stepper.step == -1
    for expected in (0, 1, 2, 2):
        stepper.next.click()
        assert stepper.step == expected
    assert stepper.next.disabled and not stepper.previous.disabled
    stepper.previous.click()
    assert stepper.step == 1 and "Step 1 (of 0-2)" in stepper.row.value
    with pytest.raises(IndexError, match="out of range"):
        stepper.step = 3


def test_frames_are_one_svg_per_state_for_static_pages():
    x = Value(2.0, label="x")
    y = x * x + x
    stepper = Stepper(y, rankdir="TB")
    frames = stepper.frames()
    assert len(frames) == len(stepper.trace) + 1 == 5
    assert all(f.startswith("<svg") and f.rstrip().endswith("</svg>") for f in frames)
    assert all('width="100%"' in f and "viewBox" in f for f in frames)
    assert frames == [stepper.svg(k) for k in range(-1, 4)]
    with pytest.raises(ValueError, match="format"):
        stepper.frames(format="png")


def test_it_shows_itself_with_a_static_frame_beside_the_widget():
    _, y = exp_sin_square()
    stepper = Stepper(y)
    stepper.step = 2
    bundle = stepper._repr_mimebundle_()
    assert bundle["text/plain"] == repr(stepper) == "<Stepper at step 2 of 3 steps over 4 nodes>"
    assert "Step 2 (of 0-2)" in bundle["text/html"]
    # the kernel-free stepper holds every frame, starts at the step shown, and needs no network
    html = bundle["text/html"]
    assert html.count("<svg") == len(stepper.trace) + 1 and "<script" in html
    assert (
        '<img class="agl-picture"' in html
    )  # the frame without scripts: an image and "http" not in html.replace("http://www.w3.org", "")
    assert bundle["image/svg+xml"].startswith("<svg") and 'stroke="#d62728"' in bundle["image/svg+xml"]
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_bad_input_is_refused():
    with pytest.raises(TypeError, match="needs a Value"):
        Stepper(1.0)
    with pytest.raises(ValueError, match="rankdir"):
        Stepper(Value(1.0) * 2, rankdir="sideways")


def test_without_ipywidgets_the_error_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "ipywidgets", None)
    with pytest.raises(ImportError, match=r'pip install "autograd-lite\[notebook\]"'):
        Stepper(Value(1.0) * 2)


def test_stepper_is_not_exported_from_the_package_root():
    assert not hasattr(al, "Stepper") and "Stepper" not in al.__all__
    assert notebook.__all__ == ["Stepper"]


def test_a_graph_over_the_limit_is_refused_before_it_is_traced(monkeypatch):
    x = Value(0.5, label="x")
    y = x
    for _ in range(30000):
        y = y * 1.0
    monkeypatch.setattr(notebook, "trace_backward", lambda *a, **k: pytest.fail("traced"))
    with pytest.raises(ValueError, match=r"Stepper\(\): the graph has more than 5000 nodes"):
        Stepper(y)
    monkeypatch.undo()
    small = x
    for _ in range(300):
        small = small * 1.0
    stepper = Stepper(small, max_nodes=700)  # the frames are drawn under the same limit
    assert len(stepper.trace) == 300 and "<svg" in stepper.svg(299)
