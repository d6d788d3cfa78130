"""The guarded reader process kept from file to file (``pool.Guard``, ``readers.read_raw``): reused while what it
inherited holds, replaced after a crash, a hang or a change, never shared with a forked process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from juesuan.pool import FORK_OK, Guard, WorkerLost, rss_mb

pytestmark = pytest.mark.skipif(not FORK_OK, reason="guarded readers need fork")


def _guard(state: dict) -> Guard:
    return Guard(lambda: dict(state))


def test_one_worker_serves_call_after_call_and_a_change_gets_a_fresh_one():
    state = {"cwd": "a"}
    g = _guard(state)
    try:
        first = g.run(os.getpid, (), None, None, {"cwd": "a"})
        assert first != os.getpid()
        assert g.run(os.getpid, (), None, None, {"cwd": "a"}) == first == g.pid()
        state["cwd"] = "b"
        changed = g.run(os.getpid, (), None, None, {"cwd": "b"})
        assert changed != first
        assert g.run(os.getpid, (), None, None, {"cwd": "b"}) == changed
    finally:
        g.close()
    assert g.pid() is None


def test_a_crash_or_a_hang_costs_its_call_only():
    g = _guard({})
    try:
        before = g.run(os.getpid, (), None, None, {})
        with pytest.raises(WorkerLost) as lost:
            g.run(os._exit, (3,), None, None, {})
        assert "exited unexpectedly (status 3)" in str(lost.value) and lost.value.bound == ""
        after = g.run(os.getpid, (), None, None, {})
        assert after not in (before, os.getpid())
        t = time.monotonic()
        with pytest.raises(WorkerLost) as lost:
            g.run(time.sleep, (30,), 0.5, None, {})
        assert lost.value.bound == "timeout_s" and time.monotonic() - t < 10
        assert g.run(os.getpid, (), None, None, {}) not in (after, os.getpid())
    finally:
        g.close()


def test_a_worker_that_grew_is_retired_after_its_call():
    g = Guard(dict, retire_mb=-1.0)  # any size counts as grown: every call gets a fresh worker
    try:
        pids = {g.run(os.getpid, (), None, None, {}) for _ in range(3)}
        assert len(pids) == 3
    finally:
        g.close()


def test_a_worker_past_half_its_memory_bound_is_retired():
    g = _guard({})
    try:
        first = g.run(os.getpid, (), None, 1e6, {})
        assert g.run(os.getpid, (), None, 1e6, {}) == first
        held = rss_mb(first)
        # a bound the worker is within (it is not stopped while it runs) but holds more than half of
        assert g.run(os.getpid, (), None, 1.5 * held, {}) == first
        assert g.pid() is None
    finally:
        g.close()


def test_a_forked_process_starts_its_own_worker():
    g = _guard({})
    try:
        parents = g.run(os.getpid, (), None, None, {})
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            try:
                got = g.run(os.getppid, (), None, None, {})  # the worker's parent: this process, not the test's
                os.write(w, str(int(got == os.getpid())).encode())
            finally:
                os._exit(0)
        os.close(w)
        with os.fdopen(r, "rb") as fh:
            answer = fh.read()
        os.waitpid(pid, 0)
        assert answer == b"1"
        assert g.run(os.getpid, (), None, None, {}) == parents  # the parent's worker was left alone
    finally:
        g.close()


def test_a_submitted_call_runs_at_once_and_the_next_run_collects_it():
    g = _guard({})
    try:
        t0 = time.time()
        g.submit(time.time, (), None, None, {})
        time.sleep(0.3)
        t1 = time.time()
        ran_at = g.run(time.time, (), None, None, {})
        assert t0 <= ran_at < t1  # it ran when submitted, not when collected
        g.submit(time.time, (), None, None, {})
        worker = g.pid()
        assert g.run(os.getpid, (), None, None, {}) not in (worker, os.getpid())  # another call: a fresh worker
    finally:
        g.close()


_SCRIPT = """
import faulthandler, os, pathlib, sys
import juesuan.readers as readers
faulthandler.disable()
pdfs = [pathlib.Path(p) for p in sys.argv[1:3]]
first = readers.read_raw(pdfs[0])
reader = readers.reader_process_id()
assert reader and reader != os.getpid()
assert readers.read_raw(pdfs[1]).lines == readers.read_raw(pdfs[1], isolate=False).lines
assert readers.reader_process_id() == reader, "the reader process was not reused"
from tests.aborting_reader import assert_reader_died, register
register(readers)
boom = pathlib.Path(sys.argv[3]) / "table.boom"
boom.write_bytes(b"anything")
assert_reader_died(readers, boom)
assert readers.read_raw(pdfs[0]).lines == first.lines
assert readers.reader_process_id() not in (reader, None)
# a read started ahead (juesuan show) is collected by the read of that file, unless the file changed meanwhile
readers.prefetch(pdfs[0])
ahead = readers.reader_process_id()
assert readers._GUARD.pending is not None
assert readers.read_raw(pdfs[0]).lines == first.lines
assert readers._GUARD.pending is None and readers.reader_process_id() == ahead, "the read ahead was not used"
readers.prefetch(pdfs[0])
pdfs[0].write_bytes(pdfs[1].read_bytes())
assert readers.read_raw(pdfs[0]).lines == readers.read_raw(pdfs[1], isolate=False).lines != first.lines
os.environ["JUESUAN_SOMETHING"] = "1"
again = readers.reader_process_id()
readers.read_raw(pdfs[0])
assert readers.reader_process_id() != again, "a changed environment kept the old reader"
print("survived")
"""


def test_read_raw_reuses_one_reader_process_and_survives_its_abort(tmp_path):
    from juesuan.testing import render
    from juesuan.testing.synth import make_document

    doc = make_document(seed=1, n_items=3)
    pdfs = [render.to_pdf(doc, tmp_path / f"{name}.pdf", ruled=name == "ruled") for name in ("ruled", "borderless")]
    root = Path(__file__).resolve().parents[1]
    r = subprocess.run(
        [sys.executable, "-c", _SCRIPT, *map(str, pdfs), str(tmp_path)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0 and "survived" in r.stdout, r.stderr[-2000:]


_SHOW_SCRIPT = """
import pathlib, sys
import juesuan.readers as readers
pdf = pathlib.Path(sys.argv[1])
readers.prefetch(pdf)
ahead = readers.reader_process_id()
assert ahead and "juesuan.geometry" not in sys.modules and "juesuan.readers.pdf" not in sys.modules, "imported here"
raw = readers.read_raw(pdf)
assert readers._GUARD.pending is None and readers.reader_process_id() == ahead, "the read ahead was not used"
assert "juesuan.readers.pdf" not in sys.modules
here = readers.read_raw(pdf, isolate=False)  # imports the PDF reader in this process
assert here.lines == raw.lines
readers.read_raw(pdf)
assert readers.reader_process_id() not in (ahead, None), "a reader imported here since did not get a fresh process"
print("ok")
"""


def test_a_read_ahead_leaves_the_reader_module_to_the_reader_process(tmp_path):
    """juesuan show's read ahead does not import the PDF reader (geometry, pdfium) in the calling process: the reader
    process imports it; the read collects the read ahead; once the module is imported here (it could be changed),
    the next guarded read gets a fresh reader process."""
    from juesuan.testing import render
    from juesuan.testing.synth import make_document

    pdf = render.to_pdf(make_document(seed=2, n_items=3), tmp_path / "doc.pdf")
    r = subprocess.run(
        [sys.executable, "-c", _SHOW_SCRIPT, str(pdf)],
        cwd=Path(__file__).resolve().parents[1],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0 and "ok" in r.stdout, r.stderr[-2000:]


_SIGINT_AT_START = """
import os, signal
from juesuan.pool import Pool
def double(x):
    return 2 * x
for i in range(20):
    with Pool(1, double) as pool:
        worker = pool._spawn()
        os.kill(worker.proc.pid, signal.SIGINT)
        (out,) = list(pool.run([(i, (i,))]))
        assert not out.lost and out.value == 2 * i, (out.lost, out.value)
assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, set())  # the caller's own is not left blocked
print("served", i + 1)
"""


@pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="signal masks are POSIX")
def test_sigint_at_a_workers_start_is_ignored():
    """A Ctrl-C reaches the whole foreground group, workers included. One that lands while a worker is still in
    multiprocessing's bootstrap, before the worker ignores SIGINT, printed a KeyboardInterrupt traceback under the
    build's one line (the fault test saw it once in many runs; sent at once after each start, as here, it did every
    time): SIGINT now stays blocked from before the fork until the worker ignores it."""
    run = subprocess.run([sys.executable, "-c", _SIGINT_AT_START], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "served 20"
    assert "Traceback" not in run.stderr and "KeyboardInterrupt" not in run.stderr, run.stderr
