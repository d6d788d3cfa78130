"""Worker processes that can be lost one at a time: a worker that dies, hangs or grows past its memory bound costs
its own task, never the others or the caller.

``concurrent.futures.ProcessPoolExecutor`` cannot do this: one dead worker breaks the whole pool (every pending
future fails with ``BrokenProcessPool``) and a running task cannot be stopped. Here each worker has its own pipe; the
caller waits on the pipes and on each process's sentinel, so it knows which task a death belongs to, and it stops a
worker (SIGKILL) whose task runs past ``timeout_s`` or whose resident memory passes ``max_memory_mb``, then starts a
fresh one for the next task.

Workers die with their parent: on Linux each asks the kernel for SIGKILL when its parent exits
(``prctl(PR_SET_PDEATHSIG)``), elsewhere a thread watches the parent's pid; so a killed build leaves no worker
holding its output pipe (``juesuan build | tee log`` ends). Workers ignore SIGINT: Ctrl-C reaches the caller, which
stops them.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import wait

# Linux forks (cheap, and workers inherit the modules and catalogs already loaded); elsewhere the platform default
FORK_OK = sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()
_TICK = 0.2  # seconds between checks of the running tasks' time and memory
_PR_SET_PDEATHSIG = 1


@dataclass
class Outcome:
    """What became of one task: ``value`` (what the function returned) or, when the worker was lost, ``lost`` (why,
    in words) and ``bound`` (the Limits field it passed, "" for a crash)."""

    key: object
    value: object = None
    pid: int = 0
    seconds: float = 0.0
    lost: str = ""
    bound: str = ""


class WorkerLost(Exception):
    """``run_guarded``: the process died or passed a bound; ``bound`` as in ``Outcome``."""

    def __init__(self, message: str, bound: str = ""):
        super().__init__(message)
        self.bound = bound


def die_with_parent(parent: int) -> None:
    """Make this (worker) process exit when ``parent`` does."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            _watch_parent(parent)
    else:
        _watch_parent(parent)
    if os.getppid() != parent:  # the parent was gone before we asked
        os._exit(1)


def _watch_parent(parent: int) -> None:
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="juesuan-parent-watch").start()


# signal masks (POSIX): not on Windows, where there is no fork and Ctrl-C reaches workers another way
_MASKS = hasattr(signal, "pthread_sigmask")


def _serve(conn, fn: Callable, parent: int) -> None:
    """A worker's life: run ``fn(*args)`` for each (key, args) received until None or the pipe closes."""
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the caller's handler (the CLI's raises in its main loop)
    if _MASKS:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # blocked since the fork (_Worker): ignored now
    # the objects inherited from the parent out of the collector's sight: its full passes no longer walk (and write
    # to, faulting in copies of) the parent's pages, only what this worker allocates
    gc.freeze()
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        key, args = msg
        t0 = time.perf_counter()
        try:
            reply = (key, True, fn(*args), time.perf_counter() - t0)
        except BaseException as err:  # noqa: BLE001 - the caller decides; this worker goes on with the next task
            reply = (key, False, f"{type(err).__name__}: {err}", time.perf_counter() - t0)
        conn.send(reply)


def rss_mb(pid: int) -> float | None:
    """Resident memory of a process in MB (Linux /proc; psutil elsewhere if installed; None if unknown)."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        pass
    try:
        import psutil

        return psutil.Process(pid).memory_info().rss / 2**20
    except Exception:  # noqa: BLE001 - psutil absent or the process gone: no reading this time
        return None


def death(exitcode: int | None) -> str:
    """A dead worker's exit status in words."""
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        hint = {
            "SIGKILL": "killed from outside, e.g. out of memory",
            "SIGABRT": "an abort in a reader library",
            "SIGSEGV": "a crash in a reader library",
        }.get(name, "a crash in a reader library?")
        return f"the process reading this file died ({name}: {hint})"
    return f"the process reading this file exited unexpectedly (status {exitcode})"


class _Worker:
    def __init__(self, context, fn: Callable):
        self.conn, child = context.Pipe()
        self.proc = context.Process(target=_serve, args=(child, fn, os.getpid()), daemon=True, name="juesuan-worker")
        # SIGINT blocked across the start: a Ctrl-C landing while the child is still in multiprocessing's bootstrap,
        # before _serve ignores it, would print the child's KeyboardInterrupt traceback under the caller's one line.
        # The child inherits the mask and unblocks once it ignores SIGINT; here a Ctrl-C that came meanwhile is
        # delivered as soon as the mask is restored.
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT}) if _MASKS else None
        try:
            self.proc.start()
        finally:
            if _MASKS:
                signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        child.close()
        self.task: tuple | None = None  # (key, started)

    def kill(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(timeout=5)
        self.conn.close()


class Pool:
    """``n`` worker processes running ``fn``; ``map(tasks)`` yields an ``Outcome`` per (key, args) as each ends.

    ``timeout_s`` and ``max_memory_mb`` (None: no bound) stop a worker past them. Use as a context manager: leaving
    it stops every worker (also on Ctrl-C).
    """

    def __init__(
        self,
        n: int,
        fn: Callable,
        timeout_s: float | None = None,
        max_memory_mb: float | None = None,
        context=None,
    ):
        self.n = max(1, n)
        self.fn = fn
        self.timeout_s = timeout_s
        self.max_memory_mb = max_memory_mb
        self.context = context or (multiprocessing.get_context("fork") if FORK_OK else multiprocessing.get_context())
        self.workers: list[_Worker] = []
        self.pids: set[int] = set()

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        for w in self.workers:
            w.kill()
        self.workers.clear()

    def map(self, tasks: Iterable[tuple[object, tuple]]) -> Iterator[Outcome]:
        try:
            yield from self.run(tasks)
        finally:
            self.close()

    def run(self, tasks: Iterable[tuple[object, tuple]]) -> Iterator[Outcome]:
        """As ``map``, but the workers stay for the next call (``close`` stops them)."""
        queue = deque(tasks)
        while queue or any(w.task for w in self.workers):
            self._assign(queue)
            yield from self._collect()
            yield from self._police()

    def _assign(self, queue: deque) -> None:
        for w in [w for w in self.workers if w.task is None and not w.proc.is_alive()]:
            w.kill()  # an idle worker that died (nothing of ours was running in it): replace it
            self.workers.remove(w)
        idle = [w for w in self.workers if w.task is None]
        while queue and (idle or len(self.workers) < self.n):
            w = idle.pop() if idle else self._spawn()
            key, args = queue.popleft()
            w.task = (key, time.monotonic())
            try:
                w.conn.send((key, args))
            except (BrokenPipeError, OSError):
                queue.appendleft((key, args))  # the worker died between the check and the send: not the task's fault
                w.task = None
                w.kill()
                self.workers.remove(w)

    def _spawn(self) -> _Worker:
        w = _Worker(self.context, self.fn)
        self.workers.append(w)
        self.pids.add(w.proc.pid)
        return w

    def _collect(self) -> Iterator[Outcome]:
        busy = [w for w in self.workers if w.task]
        ready = set(wait([w.conn for w in busy] + [w.proc.sentinel for w in busy], timeout=_TICK))
        for w in busy:
            if w.conn in ready:
                try:
                    key, ok, value, secs = w.conn.recv()
                except (EOFError, OSError):  # died while answering
                    yield self._lose(w, death(self._exitcode(w)))
                    continue
                w.task = None
                if ok:
                    yield Outcome(key, value, w.proc.pid, secs)
                else:
                    yield Outcome(key, None, w.proc.pid, secs, lost=f"unexpected {value}")
            elif w.proc.sentinel in ready:
                yield self._lose(w, death(self._exitcode(w)))

    @staticmethod
    def _exitcode(w: _Worker) -> int | None:
        w.proc.join(timeout=1)
        return w.proc.exitcode

    def _police(self) -> Iterator[Outcome]:
        now = time.monotonic()
        for w in [w for w in self.workers if w.task]:
            mb = rss_mb(w.proc.pid) if self.max_memory_mb is not None else None
            if mb is not None and mb > self.max_memory_mb:
                yield self._lose(w, f"reading took more than {self.max_memory_mb:g} MB of memory", "max_memory_mb")
            elif self.timeout_s is not None and now - w.task[1] > self.timeout_s:
                yield self._lose(w, f"reading took longer than {self.timeout_s:g} s", "timeout_s")

    def _lose(self, w: _Worker, why: str, bound: str = "") -> Outcome:
        key, started = w.task
        w.task = None
        w.kill()
        self.workers.remove(w)
        return Outcome(key, None, w.proc.pid, time.monotonic() - started, lost=why, bound=bound)


def run_guarded(fn: Callable, args: tuple, timeout_s: float | None, max_memory_mb: float | None):
    """``fn(*args)`` in a child process of its own, so that an abort in a native library (a Rust panic, a segfault),
    a hang or a memory blow-up ends the child, not this process. Returns what ``fn`` returned; raises
    ``WorkerLost`` (with the bound passed, if any) when the child was lost, and re-raises nothing else: ``fn``
    should return its errors (an exception raised in the child comes back as WorkerLost("unexpected …"))."""
    with Pool(1, fn, timeout_s, max_memory_mb) as pool:
        (out,) = list(pool.map([(0, args)]))
    if out.lost:
        raise WorkerLost(out.lost, out.bound)
    return out.value


def _apply(fn: Callable, args: tuple):
    return fn(*args)


class Guard:
    """One guarded worker process kept for many ``run_guarded``-like calls, so that each call costs a message each
    way instead of a fork (the copy-on-write faults of a fresh child on the parent's memory, its start and its end).

    The worker is forked at the first call, with ``snapshot()`` (a dict: what the worker inherits that a call may
    depend on, e.g. the working folder, the environment, the identity of the functions it will run) taken then; a
    call passes ``needs`` (a dict of the same keys) and gets a fresh worker when any of them differs from the
    snapshot. A worker that died, hung or grew past a bound costs its call (``WorkerLost``, as ``run_guarded``) and is
    replaced at the next; one whose resident memory grew by more than ``retire_mb`` since it started, or passed half
    the call's memory bound, is stopped after its call, so one large file does not weigh on the bound of the next. A
    worker forked by another process (this object inherited through a fork) is never used. Calls are serialised by a
    lock.
    """

    def __init__(self, snapshot: Callable[[], dict], retire_mb: float = 256.0):
        self.snapshot = snapshot
        self.retire_mb = retire_mb
        self.lock = threading.Lock()
        self.pool: Pool | None = None
        self.owner = 0
        self.state: dict = {}
        self.base_mb = 0.0
        self.pending: tuple | None = None  # what was submitted and not yet collected

    def run(self, fn: Callable, args: tuple, timeout_s: float | None, max_memory_mb: float | None, needs: dict):
        with self.lock:
            if self.pending != (fn, args, timeout_s, max_memory_mb, needs) or self.owner != os.getpid():
                self._submit(fn, args, timeout_s, max_memory_mb, needs)
            return self._collect()

    def submit(self, fn: Callable, args: tuple, timeout_s: float | None, max_memory_mb: float | None, needs: dict):
        """Start ``fn(*args)`` in the worker and return at once: the next ``run`` with the same arguments collects
        its result (one with others first stops the worker, leaving the result unread)."""
        with self.lock:
            self._submit(fn, args, timeout_s, max_memory_mb, needs)

    def _submit(self, fn: Callable, args: tuple, timeout_s, max_memory_mb, needs: dict) -> None:
        if self.pending is not None:
            self.close()  # a result nobody asked for is still coming: the worker is busy with it
        queue = deque([(0, (fn, args))])
        for _ in range(2):  # a second time when the worker died before it took the task
            pool = self._ready(needs)
            pool.timeout_s, pool.max_memory_mb = timeout_s, max_memory_mb
            pool._assign(queue)
            if not queue:
                break
            self.close()
        else:
            raise WorkerLost("the process reading this file could not be started")
        self.pending = (fn, args, timeout_s, max_memory_mb, needs)

    def _collect(self):
        try:
            outs = list(self.pool.run([]))
        except BaseException:  # Ctrl-C while the worker reads: it cannot be trusted with the next call
            self.close()
            raise
        finally:
            self.pending = None
        if not outs:  # not expected: the task was sent and nothing came back or died
            self.close()
            raise WorkerLost("the process reading this file was lost")
        (out,) = outs
        if out.lost:
            raise WorkerLost(out.lost, out.bound)
        self._maybe_retire(out.pid, self.pool.max_memory_mb)
        return out.value

    def _ready(self, needs: dict) -> Pool:
        pool = self.pool
        if pool is not None and self.owner != os.getpid():
            pool.workers.clear()  # inherited from the process that forked this one: its worker is not ours
            pool = self.pool = None
        alive = pool is not None and pool.workers and pool.workers[0].proc.is_alive()
        if alive and all(self.state.get(k, _MISSING) == v for k, v in needs.items()):
            return pool
        self.close()
        self.pool = Pool(1, _apply)
        self.owner = os.getpid()
        self.state = self.snapshot()
        worker = self.pool._spawn()
        self.base_mb = rss_mb(worker.proc.pid) or 0.0
        return self.pool

    def _maybe_retire(self, pid: int, max_memory_mb: float | None) -> None:
        """Stop a worker that kept more than ``retire_mb`` of what its last call took, or half its memory bound."""
        mb = rss_mb(pid)
        if mb is None:
            return
        if mb - self.base_mb > self.retire_mb or (max_memory_mb is not None and mb > max_memory_mb / 2):
            self.close()

    def pid(self) -> int | None:
        """The worker's process id while it runs in this process's care, else None."""
        pool = self.pool
        if pool is None or self.owner != os.getpid() or not pool.workers or not pool.workers[0].proc.is_alive():
            return None
        return pool.workers[0].proc.pid

    def close(self) -> None:
        """Stop the worker (the next call starts another)."""
        if self.pool is not None and self.owner == os.getpid():
            self.pool.close()
        self.pool = None
        self.pending = None


_MISSING = object()
