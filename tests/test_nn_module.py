"""state_dict / load_state_dict and the model file: round trip, validation, atomic save."""

import json
import os

import pytest

import autograd_lite._files
import nn.module
from nn import MLP, fit, make_moons, predict


def _model(seed=0, sizes=(4, 1)):
    return MLP(2, list(sizes), seed=seed)


def _snapshot(model):
    return [(name, p.data, p.label) for name, p in model.named_parameters()]


def test_round_trip_gives_identical_predictions(tmp_path):
    X, y = make_moons(30, noise=0.1, seed=1)
    model = MLP(2, [8, 8, 1], seed=1)
    fit(model, X, [2 * t - 1 for t in y], steps=5, progress=False)
    path = tmp_path / "model.json"
    model.save(path)
    other = MLP(2, [8, 8, 1], seed=99)
    assert predict(other, X) != predict(model, X)
    assert other.load(path) is other
    assert predict(other, X) == predict(model, X)  # exact, float for float
    assert other.state_dict() == model.state_dict()


def test_file_is_small_versioned_json(tmp_path):
    path = tmp_path / "m.json"
    model = _model()
    model.save(str(path))
    doc = json.loads(path.read_text())
    assert doc["format"] == "autograd-lite-model" and doc["version"] == 1
    assert doc["architecture"] == repr(model)
    assert doc["parameters"] == model.state_dict()
    assert list(doc["parameters"]) == [n for n, _ in model.named_parameters()]


def test_saved_file_gets_ordinary_permissions(tmp_path):
    path = tmp_path / "m.json"
    _model().save(path)
    mask = os.umask(0)
    os.umask(mask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~mask
    assert os.listdir(tmp_path) == ["m.json"]


def _doc(model):
    return {
        "format": "autograd-lite-model",
        "version": 1,
        "architecture": repr(model),
        "parameters": model.state_dict(),
    }


def _edit(model, change):
    doc = _doc(model)
    change(doc)
    return json.dumps(doc)


def _first(doc):
    return next(iter(doc["parameters"]))


BAD_FILES = {
    "invalid JSON": (lambda m: '{"format": "autograd-lite-model", ', "not valid JSON"),
    "not UTF-8": (lambda m: b'{"format": "\xff\xfe"}', "not UTF-8"),
    "not an object": (lambda m: "[1, 2, 3]", "must hold a JSON object"),
    "other format": (lambda m: _edit(m, lambda d: d.update(format="pickle")), "not an autograd-lite model"),
    "wrong version": (
        lambda m: _edit(m, lambda d: d.update(version=2)),
        "has version 2; this autograd-lite reads version 1",
    ),
    "version as text": (lambda m: _edit(m, lambda d: d.update(version="1")), "has version '1'"),
    "wrong architecture": (
        lambda m: _edit(m, lambda d: d.update(architecture=repr(MLP(2, [5, 1])))),
        r"is for MLP\(2, \[5, 1\].*, but this model is MLP\(2, \[4, 1\]",
    ),
    "no parameters": (lambda m: _edit(m, lambda d: d.pop("parameters")), "has no 'parameters'"),
    "parameters not a mapping": (
        lambda m: _edit(m, lambda d: d.update(parameters=[1.0] * 17)),
        "must map parameter names to numbers, not list",
    ),
    "one number too few": (
        lambda m: _edit(m, lambda d: d["parameters"].pop(_first(d))),
        "has 16 parameters, the model has 17",
    ),
    "one number too many": (
        lambda m: _edit(m, lambda d: d["parameters"].update(extra=1.0)),
        "has 18 parameters, the model has 17",
    ),
    "renamed parameter": (
        lambda m: _edit(
            m, lambda d: d["parameters"].update({"layers.9.w": d["parameters"].pop("layers.0.neurons.0.b")})
        ),
        r"names do not match: missing \['layers.0.neurons.0.b'\], unexpected \['layers.9.w'\]",
    ),
    "a string": (
        lambda m: _edit(m, lambda d: d["parameters"].update({_first(d): "0.5"})),
        r"parameter 'layers.0.neurons.0.w.0' is '0.5', not a number",
    ),
    "a boolean": (
        lambda m: _edit(m, lambda d: d["parameters"].update({_first(d): True})),
        "is True, not a number",
    ),
    "null": (
        lambda m: _edit(m, lambda d: d["parameters"].update({_first(d): None})),
        "is None, not a number",
    ),
    "NaN": (
        lambda m: _edit(m, lambda d: d["parameters"].update({_first(d): float("nan")})),
        "is nan, not a finite number",
    ),
    "Infinity": (
        lambda m: _edit(m, lambda d: d["parameters"].update({_first(d): float("inf")})),
        "is inf, not a finite number",
    ),
    "overflowing literal": (
        lambda m: _edit(m, lambda d: d["parameters"].update({_first(d): 1.0})).replace(": 1.0", ": 1e999", 1),
        "not a finite number",
    ),
    "huge integer": (
        lambda m: _edit(m, lambda d: d["parameters"].update({_first(d): 10**400})),
        "not a finite number",
    ),
    "duplicate name": (
        lambda m: _edit(m, lambda d: None).replace('"layers.0.neurons.0.w.1"', '"layers.0.neurons.0.w.0"', 1),
        "names 'layers.0.neurons.0.w.0' twice",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_file_raises_a_clear_error_and_leaves_the_model_untouched(tmp_path, case):
    make, match = BAD_FILES[case]
    model = _model()
    text = make(model)
    path = tmp_path / "bad.json"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    before = _snapshot(model)
    with pytest.raises(ValueError, match=match) as info:
        model.load(path)
    assert "bad.json" in str(info.value)
    assert _snapshot(model) == before


def test_the_bad_value_is_checked_even_when_it_is_the_last_one(tmp_path):
    model = _model()
    doc = _doc(model)
    last = list(doc["parameters"])[-1]
    doc["parameters"] = {k: v + 1.0 for k, v in doc["parameters"].items()}
    doc["parameters"][last] = "x"
    path = tmp_path / "m.json"
    path.write_text(json.dumps(doc))
    before = _snapshot(model)
    with pytest.raises(ValueError, match=f"parameter '{last}'"):
        model.load(path)
    assert _snapshot(model) == before  # not even the earlier, valid numbers were applied


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        _model().load(tmp_path / "nope.json")


def test_load_state_dict_checks_before_changing():
    model, other = _model(seed=0), _model(seed=1)
    state = other.state_dict()
    model.load_state_dict(state)
    assert model.state_dict() == state
    before = _snapshot(model)
    broken = dict(state, **{"layers.1.neurons.0.b": float("nan")})
    with pytest.raises(ValueError, match="layers.1.neurons.0.b"):
        model.load_state_dict({k: v + 1 for k, v in broken.items()})
    with pytest.raises(ValueError, match="the state has 16 parameters, the model has 17"):
        model.load_state_dict(dict(list(state.items())[1:]))
    assert _snapshot(model) == before


@pytest.mark.parametrize("error", [OSError, KeyboardInterrupt])
def test_interrupted_save_keeps_the_old_file_and_leaves_no_temp_file(tmp_path, monkeypatch, error):
    path = tmp_path / "model.json"
    model = _model(seed=0)
    model.save(path)
    good = path.read_bytes()

    def dump(obj, fp, **kwargs):
        text = json.dumps(obj, **kwargs)
        fp.write(text[: len(text) // 2])
        raise error("interrupted")

    monkeypatch.setattr(nn.module.json, "dump", dump)
    for p in model.parameters():
        p.data += 1.0
    with pytest.raises(error):
        model.save(path)
    assert path.read_bytes() == good
    assert os.listdir(tmp_path) == ["model.json"]
    monkeypatch.undo()
    assert _model(seed=5).load(path).state_dict() == _model(seed=0).state_dict()


def test_failed_rename_leaves_no_temp_file_and_no_new_file(tmp_path, monkeypatch):
    def fail(src, dst):
        raise PermissionError("rename refused")

    monkeypatch.setattr(autograd_lite._files.os, "replace", fail)
    with pytest.raises(PermissionError):
        _model().save(tmp_path / "m.json")
    assert os.listdir(tmp_path) == []


def test_save_into_a_missing_folder_fails_cleanly(tmp_path):
    with pytest.raises(FileNotFoundError):
        _model().save(tmp_path / "no" / "such" / "m.json")
    assert os.listdir(tmp_path) == []


def test_a_subclass_that_extends_a_model_is_labelled_with_full_names_once_built():
    import inspect

    from autograd_lite import Value

    class Scaled(MLP):
        def __init__(self, nin: int, sizes: list) -> None:
            super().__init__(nin, sizes, seed=0)
            self.scale = Value(2.0)

        def __call__(self, x):
            return self.scale * super().__call__(x)

    m = Scaled(2, [3, 1])
    labels = [p.label for p in m.parameters()]
    assert labels == [name for name, _ in m.named_parameters()]
    assert labels[0] == "layers.0.neurons.0.w.0" and labels[-1] == "scale"
    assert type(m) is Scaled  # a plain class: no metaclass
    assert list(inspect.signature(MLP).parameters)[:2] == ["nin", "sizes"]
