"""Model files under hostile conditions: odd files, huge or deep content, names, links, kills."""

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import autograd_lite._files as files
from nn import MLP

ROOT = Path(__file__).resolve().parent.parent
posix_only = pytest.mark.skipif(os.name != "posix", reason="needs POSIX files and signals")


def _model(seed=0):
    return MLP(2, [4, 1], seed=seed)


def _snapshot(model):
    return [(name, p.data) for name, p in model.named_parameters()]


def _python(code, *, timeout=60, cwd=None, **kwargs):
    """Run ``code`` in a fresh interpreter using this tree; never waits longer than ``timeout``."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        **kwargs,
    )


_LOAD = """
import sys
from nn import MLP
try:
    MLP(2, [4, 1]).load(sys.argv[-1] if len(sys.argv) > 1 else {path!r})
except ValueError as exc:
    print("ValueError:", exc)
"""


# ----------------------------------------------------------------- what is read


@posix_only
def test_a_fifo_is_refused_at_once_without_blocking(tmp_path):
    fifo = tmp_path / "model.json"
    os.mkfifo(fifo)
    r = _python(_LOAD.format(path=str(fifo)), timeout=60)  # it used to wait for a writer forever
    assert r.returncode == 0, r.stderr
    assert "ValueError:" in r.stdout and "FIFO" in r.stdout and "not a regular file" in r.stdout
    assert "model.json" in r.stdout


def _limit_memory():
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


@posix_only
@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_dev_zero_is_refused_without_reading_it():
    # It used to be read until memory ran out; with 1 GiB of address space that is a MemoryError.
    r = _python(_LOAD.format(path="/dev/zero"), timeout=60, preexec_fn=_limit_memory)
    assert r.returncode == 0, r.stderr
    assert "ValueError: model file '/dev/zero' is a character device, not a regular file" in r.stdout


def test_a_directory_is_an_os_error(tmp_path):
    with pytest.raises(IsADirectoryError):
        _model().load(tmp_path)


def test_a_file_over_the_size_cap_is_refused_before_it_is_read(tmp_path, monkeypatch):
    big = tmp_path / "big.json"
    with open(big, "wb") as f:
        f.truncate(200 * 1024 * 1024)  # sparse: 200 MB of zeros, no disk used
    monkeypatch.setattr(files.os, "read", lambda *a: pytest.fail("the file was read"))
    model = _model()
    before = _snapshot(model)
    with pytest.raises(
        ValueError,
        match=r"big.json' is 209,715,200 bytes, over the limit of "
        r"33,554,432 bytes; .*pass max_bytes=209715200",
    ):
        model.load(big)
    assert _snapshot(model) == before


def test_max_bytes_raises_or_lowers_the_cap(tmp_path):
    path = tmp_path / "m.json"
    _model(seed=1).save(path)
    size = path.stat().st_size
    with pytest.raises(ValueError, match=f"is {size:,} bytes, over the limit of 100 bytes"):
        _model().load(path, max_bytes=100)
    assert _model().load(path, max_bytes=size).state_dict() == _model(seed=1).state_dict()
    with pytest.raises(ValueError, match="max_bytes must be a positive integer"):
        _model().load(path, max_bytes=0)


# --------------------------------------------------------------- what is parsed


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"format": ' + "[" * 100_000 + "]" * 100_000 + "}",
        '{"a": ' * 100_000 + "1" + "}" * 100_000,
    ],
    ids=["list", "inside the object", "objects"],
)
def test_deep_nesting_is_the_documented_value_error(tmp_path, text):
    path = tmp_path / "deep.json"
    path.write_text(text)
    model = _model()
    with pytest.raises(ValueError, match=r"deep.json' nests its JSON too deeply to be read"):
        model.load(path)


def test_moderate_nesting_in_a_field_gives_a_short_message(tmp_path):
    path = tmp_path / "m.json"
    doc = {"format": "autograd-lite-model", "version": 1, "architecture": repr(_model()), "parameters": {}}
    doc["parameters"] = {name: [[[[[[[[1]]]]]]]] for name in _model().state_dict()}
    path.write_text(json.dumps(doc))
    with pytest.raises(ValueError, match="not a number") as info:
        _model().load(path)
    assert len(str(info.value)) < 300


@pytest.mark.parametrize("where", ["parameter", "version"])
def test_huge_integers_are_the_documented_value_error(tmp_path, where):
    model = _model()
    doc = {
        "format": "autograd-lite-model",
        "version": 1,
        "architecture": repr(model),
        "parameters": model.state_dict(),
    }
    text = json.dumps(doc)
    digits = "9" * 5000
    if where == "parameter":
        text = text.replace('"layers.0.neurons.0.b": 0.0', f'"layers.0.neurons.0.b": -{digits}')
        expected = "parameter 'layers.0.neurons.0.b' is an integer of 5,000 digits, not a finite number"
    else:
        text = text.replace('"version": 1', f'"version": {digits}')
        expected = "has version an integer of 5,000 digits; this autograd-lite reads version 1"
    path = tmp_path / "big-int.json"
    path.write_text(text)
    with pytest.raises(ValueError) as info:
        model.load(path)
    message = str(info.value)
    assert "big-int.json" in message and expected in message
    assert "int_max_str_digits" not in message


def test_messages_with_lone_surrogates_can_be_printed(tmp_path, capsys):
    model = _model()
    doc = {
        "format": "autograd-lite-model",
        "version": 1,
        "architecture": "MLP\ud800 \udcff",
        "parameters": model.state_dict(),
    }
    path = tmp_path / "surrogate.json"
    path.write_text(json.dumps(doc))  # ASCII JSON with \\ud800 escapes
    with pytest.raises(ValueError) as info:
        model.load(path)
    print(info.value)  # used to raise UnicodeEncodeError
    str(info.value).encode("utf-8")
    assert "\\ud800" in capsys.readouterr().out


@posix_only
def test_a_file_name_that_is_not_utf8_is_shown_escaped(tmp_path):
    name = os.path.join(os.fsencode(tmp_path), b"model-\xff.json")
    with open(name, "w") as f:
        f.write("{}")
    with pytest.raises(ValueError) as info:
        _model().load(name)
    str(info.value).encode("utf-8")


# ----------------------------------------------------------------- saving


def test_a_name_of_250_bytes_can_be_saved(tmp_path):
    limit = os.pathconf(tmp_path, "PC_NAME_MAX") if hasattr(os, "pathconf") else 255
    name = "m" * (min(limit, 255) - 5) + ".json"
    path = tmp_path / name
    _model(seed=2).save(path)  # the temp name used to be 14 bytes longer
    assert os.listdir(tmp_path) == [name]
    assert _model().load(path).state_dict() == _model(seed=2).state_dict()


def test_saving_through_a_symlink_writes_its_target(tmp_path):
    real = tmp_path / "models" / "real.json"
    real.parent.mkdir()
    link = tmp_path / "latest.json"
    link.symlink_to(real)
    _model(seed=3).save(link)  # target missing: it is created
    _model(seed=4).save(link)  # target present: it is replaced
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert _model().load(real).state_dict() == _model(seed=4).state_dict()
    assert sorted(os.listdir(real.parent)) == ["real.json"]


def test_no_space_left_names_the_path_and_leaves_no_temp_file(tmp_path, monkeypatch):
    path = tmp_path / "model.json"
    _model(seed=0).save(path)
    good = path.read_bytes()

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(files.os, "fsync", full)
    with pytest.raises(OSError, match=r"No space left on device: '.*model.json'") as info:
        _model(seed=1).save(path)
    assert info.value.errno == errno.ENOSPC
    assert path.read_bytes() == good
    assert os.listdir(tmp_path) == ["model.json"]


def test_a_missing_folder_is_named(tmp_path):
    target = tmp_path / "no" / "m.json"
    with pytest.raises(FileNotFoundError, match=r"no/m.json'"):
        _model().save(target)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf")])
def test_a_non_finite_parameter_is_refused_at_save_by_its_name(tmp_path, bad):
    path = tmp_path / "model.json"
    model = _model()
    model.save(path)
    good = path.read_bytes()
    w = dict(model.named_parameters())["layers.1.neurons.0.w.2"]
    with pytest.raises(ValueError, match=r"Value.data got .*: data must be a finite number"):
        w.data = bad  # refused where it happens
    w._d = bad  # a parameter corrupted behind the library's back
    with pytest.raises(
        ValueError,
        match=r"save\(\): parameter 'layers.1.neurons.0.w.2' is "
        r".*not a finite number, so '.*model.json' was not written",
    ):
        model.save(path)
    assert path.read_bytes() == good
    assert os.listdir(tmp_path) == ["model.json"]


_SLOW_SAVE = """
import json, sys, time
import nn.module
from nn import MLP

def dump(obj, fp, **kw):
    fp.write(json.dumps(obj, **kw)[:100])
    fp.flush()
    print("writing", flush=True)
    time.sleep(600)

nn.module.json.dump = dump
MLP(2, [4, 1]).save(sys.argv[1])
"""


@posix_only
def test_temp_files_of_a_killed_save_are_removed_by_the_next_save(tmp_path):
    path = tmp_path / "model.json"
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    proc = subprocess.Popen(
        [sys.executable, "-c", _SLOW_SAVE, str(path)], env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout.readline() == "writing\n"  # the temp file exists and is being written
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        proc.stdout.close()
    left = os.listdir(tmp_path)
    assert len(left) == 1 and left[0].startswith(files.TEMP_PREFIX), left
    assert files.stale_temp_files(str(tmp_path)) == [str(tmp_path / left[0])]
    _model().save(tmp_path / "other.json")  # any later save into the folder cleans up
    assert sorted(os.listdir(tmp_path)) == ["other.json"]


@posix_only
def test_temp_files_of_running_processes_and_strangers_are_kept(tmp_path):
    mine = tmp_path / f"{files.TEMP_PREFIX}{files._HOST}-{os.getpid()}-abcdefgh.tmp"
    other_host = tmp_path / f"{files.TEMP_PREFIX}00000000-999999999-abcdefgh.tmp"
    unrelated = tmp_path / ".model.json.abcdefgh.tmp"
    for p in (mine, other_host, unrelated):
        p.write_text("partial")
    old = time.time() - 86400
    for p in (mine, other_host, unrelated):
        os.utime(p, (old, old))
    _model().save(tmp_path / "m.json")
    assert sorted(os.listdir(tmp_path)) == sorted([mine.name, other_host.name, unrelated.name, "m.json"])


def test_save_never_sets_the_process_umask(tmp_path, monkeypatch):
    # Setting the umask to read it would briefly give other threads' new files mode 0o666.
    monkeypatch.setattr(files.os, "umask", lambda mask: pytest.fail("save() set the umask"))
    _model().save(tmp_path / "new.json")
    assert (tmp_path / "new.json").stat().st_mode & 0o777 == 0o666 & ~files._read_umask()
