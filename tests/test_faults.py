"""Faults: a build killed at any moment leaves its output folder whole (the previous complete build or the new one),
two builds into one folder take turns, Ctrl-C is one line, workers die with their parent, a full disk changes
nothing, and the next build recovers without a flag."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from juesuan.corpus import read_all, write_clean
from juesuan.datapackage import check_package
from juesuan.outputs import OutputError
from juesuan.testing.synth import make_document, to_text

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="kills and process groups: Linux")

# a build whose writing is slowed (a pause per document and table), so that kills land while outputs are written
_SLOW_BUILD = """
import sys, time
import juesuan.outputs as o
real = o.TableWriter.add
def slow(self, cols):
    time.sleep(float(sys.argv[1]))
    real(self, cols)
o.TableWriter.add = slow
from juesuan.cli import main
sys.exit(main(sys.argv[2:]))
"""


def _corpus(raw: Path, seeds: range) -> Path:
    raw.mkdir(parents=True, exist_ok=True)
    for s in seeds:
        (raw / f"doc{s:03d}.txt").write_text(to_text(make_document(seed=s, n_items=6 + s % 8)), encoding="utf-8")
    return raw


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()} if folder.is_dir() else {}


def _start(raw: Path, out: Path, cache: Path, pause: float = 0.0, **kw) -> subprocess.Popen:
    args = ["build", str(raw), str(out), "--workers", "2"]
    cmd = [sys.executable, "-c", _SLOW_BUILD, str(pause), *args]
    env = {**os.environ, "JUESUAN_CACHE_DIR": str(cache)}
    return subprocess.Popen(cmd, env=env, start_new_session=True, **kw)


def _children(pid: int) -> set[int]:
    kids = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            kids.add(int(stat.parent.name))
    return kids


def _wait_for_workers(proc: subprocess.Popen, within: float = 20.0) -> set[int]:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline and proc.poll() is None:
        kids = _children(proc.pid)
        if len(kids) >= 2:
            return kids
        time.sleep(0.02)
    raise AssertionError("the build started no worker processes")


def _gone(pids: set[int], within: float = 5.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        alive = set()
        for p in pids:
            try:
                state = (Path("/proc") / str(p) / "stat").read_text().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if state != "Z":
                alive.add(p)
        if not alive:
            return True
        time.sleep(0.05)
    return False


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    """Inputs before and after a change, and the outputs of a complete build of each (A, B)."""
    base = tmp_path_factory.mktemp("faults")
    before = _corpus(base / "before", range(20))
    after = base / "after"
    shutil.copytree(before, after)
    _corpus(after, range(15, 24))  # five changed, four new
    (after / "doc003.txt").unlink()
    refs = {}
    for name, raw in (("A", before), ("B", after)):
        c = read_all(raw, workers=1, cache=base / "cache")
        write_clean(c, base / f"ref{name}")
        refs[name] = _snapshot(base / f"ref{name}")
    assert refs["A"] != refs["B"]
    return base, before, after, refs


def _kill_at(base: Path, after: Path, refs: dict, delay: float, pause: float, cache: Path, tag: str):
    out = base / f"out-{tag}"
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(base / "refA", out)
    proc = _start(after, out, cache, pause, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    workers = _children(proc.pid)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    got = _snapshot(out)
    outcome = "A" if got == refs["A"] else "B" if got == refs["B"] else None
    assert outcome, f"killed after {delay} s: {out} is neither the previous nor the new build"
    assert check_package(out) == []
    assert _gone(workers), f"workers {workers} outlived their parent"
    return outcome


def test_a_build_killed_at_any_moment_leaves_the_previous_or_the_new_outputs(two_builds, tmp_path):
    base, _, after, refs = two_builds
    outcomes = []
    cold = tmp_path / "cold-cache"
    for k, delay in enumerate((0.4, 1.2, 2.0)):  # reading (cold cache: everything is read)
        shutil.rmtree(cold, ignore_errors=True)
        outcomes.append(_kill_at(base, after, refs, delay, 0.0, cold, f"cold{k}"))
    for k, delay in enumerate((0.8, 1.2, 1.6, 2.4, 4.0)):  # writing (warm cache, slowed writing)
        outcomes.append(_kill_at(base, after, refs, delay, 0.01, base / "cache", f"warm{k}"))
    print("kill outcomes:", outcomes)
    assert "A" in outcomes, outcomes  # some kill came before the swap
    # the next build, after all those kills, recovers without a flag and leaves nothing behind
    out = base / "out-warm0"
    r = subprocess.run(
        [sys.executable, "-m", "juesuan.cli", "build", str(after), str(out), "--workers", "2"],
        env={**os.environ, "JUESUAN_CACHE_DIR": str(base / "cache")},
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    assert _snapshot(out) == refs["B"]
    assert sorted(p.name for p in base.glob(".out-warm0*")) == [".out-warm0.lock"]


def test_two_builds_into_one_folder_take_turns(two_builds, tmp_path):
    base, before, after, refs = two_builds
    out = tmp_path / "out"
    first = _start(before, out, base / "cache", 0.05, stderr=subprocess.PIPE, text=True)  # writes for ~5 s
    deadline = time.monotonic() + 20
    lock = tmp_path / ".out.lock"
    while not (lock.exists() and lock.read_text().strip() == str(first.pid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    second = _start(after, out, base / "cache", 0.0, stderr=subprocess.PIPE, text=True)
    err2 = second.communicate(timeout=120)[1]
    err1 = first.communicate(timeout=120)[1]
    assert first.returncode == 0 and second.returncode == 0, (err1, err2)
    assert f"another build (pid {first.pid}) is writing here; waiting" in err2
    assert _snapshot(out) == refs["B"]  # the second build's outputs, whole: nothing of the first mixed in


def test_ctrl_c_is_one_line_and_changes_nothing(two_builds, tmp_path):
    base, _, after, refs = two_builds
    out = tmp_path / "out"
    shutil.copytree(base / "refA", out)
    # writing slowed (0.05 s per table written), so that a fast machine cannot finish before Ctrl-C lands
    proc = _start(after, out, tmp_path / "cache", 0.05, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    workers = _wait_for_workers(proc)
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal does: the whole foreground group
    err = proc.communicate(timeout=60)[1]
    assert proc.returncode == 130, err
    assert err.strip().splitlines()[-1] == "juesuan build: interrupted" and "Traceback" not in err
    assert _snapshot(out) == refs["A"] and _gone(workers)


def test_killed_build_leaves_no_worker_holding_its_output_pipe(two_builds, tmp_path):
    """`juesuan build | tee log` must end when the build is killed: its workers die with it."""
    base, _, after, _ = two_builds
    proc = _start(after, tmp_path / "out", tmp_path / "cache", 0.0, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    workers = _wait_for_workers(proc)
    proc.send_signal(signal.SIGKILL)
    t0 = time.monotonic()
    proc.stdout.read()  # returns at EOF: when no process holds the pipe any longer
    assert time.monotonic() - t0 < 5 and _gone(workers)
    proc.wait()


def test_a_full_disk_leaves_the_previous_outputs(two_builds, tmp_path, monkeypatch):
    import juesuan.outputs as outputs

    base, _, after, refs = two_builds
    out = tmp_path / "out"
    shutil.copytree(base / "refA", out)
    c = read_all(after, workers=1, cache=base / "cache")
    calls = []
    real = outputs.TableWriter.add

    def full(self, cols):
        calls.append(1)
        if len(calls) > 20:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(self, cols)

    monkeypatch.setattr(outputs.TableWriter, "add", full)
    with pytest.raises(OutputError) as err:
        write_clean(c, out)
    assert "No space left on device" in str(err.value) and "previous outputs are unchanged" in str(err.value)
    assert _snapshot(out) == refs["A"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.lock", "out"]


def test_the_next_build_recovers_what_an_interrupted_one_left(two_builds, tmp_path):
    base, _, after, refs = two_builds
    c = read_all(after, workers=1, cache=base / "cache")
    out = tmp_path / "out"
    # killed between setting the old outputs aside and renaming the new ones in (platforms without an exchange)
    shutil.copytree(base / "refA", tmp_path / ".out.previous-12345")
    (tmp_path / ".out.staging-12346").mkdir()
    (tmp_path / ".out.parts-12347-x1").mkdir()  # a --no-cache build's entries
    (tmp_path / ".out.staging-12346" / "cells.csv").write_text("half", encoding="utf-8")
    from juesuan.outputs import recover

    recover(out)
    assert _snapshot(out) == refs["A"]  # put back
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    (out / "README.md").write_text("notes of mine", encoding="utf-8")
    write_clean(c, out)
    assert {k: v for k, v in _snapshot(out).items() if k != "README.md"} == refs["B"]
    assert (out / "README.md").read_text(encoding="utf-8") == "notes of mine"  # carried over
