"""Writing data/clean/ so that a fault never leaves it half-written or mixed.

- ``output_lock(out)``: an exclusive lock (``flock`` on ``.<name>.lock`` beside the folder), so two builds into one
  folder take turns; the second says whom it waits for.
- ``staged(out)``: the whole output set is written into a staging folder beside ``out`` and swapped in at the end
  (``renameat2(RENAME_EXCHANGE)`` on Linux: one atomic step; elsewhere two renames, with the previous outputs kept
  aside until the new ones are in place). A build killed at any moment (Ctrl-C, SIGKILL, a full disk) leaves the
  previous outputs whole; what it leaves behind (a staging folder, outputs set aside) is cleared or put back by the
  next build, under the lock, without a flag. Files in ``out`` that a build does not write (a README of yours) are
  carried over into the new folder.
- ``TableWriter``: one output table written as CSV and/or Parquet a batch of rows at a time, so the whole corpus is
  never in memory.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import pandas as pd

from .errors import JuesuanError

_STAGING = ".staging-"
_ASIDE = ".previous-"
_BATCH_ROWS = 16_384  # rows per CSV write and per Parquet row group (7 tables × this many rows in memory)


class OutputError(JuesuanError):
    """The outputs could not be written (disk full, permissions …); the previous outputs are unchanged."""

    problem_kind = "cannot write outputs"


def _sibling(out: Path, kind: str, pid: int | str = "") -> Path:
    return out.parent / f".{out.name}{kind}{pid}"


@contextlib.contextmanager
def output_lock(out: str | Path, wait_message=None) -> Iterator[None]:
    """Hold the lock of output folder ``out`` (blocking; ``wait_message(text)`` is called once if another process
    holds it). Where ``fcntl`` is missing (Windows) there is no lock."""
    out = Path(out)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(_sibling(out, ".lock"), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "?"
            if wait_message is not None:
                wait_message(f"{out}: another build (pid {holder}) is writing here; waiting for it to finish")
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # closing releases the lock; the file stays (removing it would race with the next build)


def recover(out: Path) -> None:
    """Undo what an interrupted build left beside ``out`` (call with the lock held): outputs set aside are put back
    when ``out`` is missing, else removed; staging folders and other builds' entry folders are removed."""
    aside = sorted(out.parent.glob(f".{out.name}{_ASIDE}*"))
    if aside and not out.exists():
        os.rename(aside.pop(), out)
    leftovers = sorted(out.parent.glob(f".{out.name}{_STAGING}*"))
    # entries of a --no-cache build (``.<name>.parts-<pid>-…``): another process's are stale under the lock
    leftovers += [
        p for p in out.parent.glob(f".{out.name}.parts-*") if not p.name.startswith(f".{out.name}.parts-{os.getpid()}-")
    ]
    for p in aside + leftovers:
        shutil.rmtree(p, ignore_errors=True)


@contextlib.contextmanager
def staged(out: str | Path, ours: set[str]) -> Iterator[Path]:
    """A staging folder for the new outputs; swapped in for ``out`` when the block ends without an error, removed
    otherwise. ``ours``: the file names a build writes (any other file in ``out`` is carried over)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    recover(out)
    stage = _sibling(out, _STAGING, os.getpid())
    stage.mkdir()
    try:
        yield stage
        if out.is_dir():
            _carry_over(out, stage, ours)
        _sync_folder(stage)
        _swap(stage, out)
    except OSError as err:
        raise OutputError(
            out, f"could not write the outputs ({err.strerror or err}); the previous outputs are unchanged"
        ) from err
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _carry_over(out: Path, stage: Path, ours: set[str]) -> None:
    for p in sorted(out.iterdir()):
        if p.name in ours or (stage / p.name).exists():
            continue
        if p.is_dir() and not p.is_symlink():
            shutil.copytree(p, stage / p.name, symlinks=True, copy_function=_link_or_copy)
        else:
            _link_or_copy(p, stage / p.name)


def _link_or_copy(src, dst) -> None:
    try:
        os.link(src, dst, follow_symlinks=False)
    except OSError:
        shutil.copy2(src, dst, follow_symlinks=False)


def _sync_folder(folder: Path) -> None:
    for p in folder.iterdir():
        if p.is_file():
            with open(p, "rb") as fh:
                os.fsync(fh.fileno())
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms that cannot open a folder
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _swap(stage: Path, out: Path) -> None:
    """Put ``stage`` in place of ``out``: one atomic exchange where the platform has it, else set the old outputs
    aside, rename, remove them (``recover`` puts them back if this is interrupted in between)."""
    if not out.exists():
        os.rename(stage, out)
    elif not _exchange(stage, out):
        aside = _sibling(out, _ASIDE, os.getpid())
        os.rename(out, aside)
        os.rename(stage, out)
        shutil.rmtree(aside, ignore_errors=True)
    # after an exchange, stage holds the previous outputs: the caller removes it
    _fsync_dir(out.parent)


def _exchange(a: Path, b: Path) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):  # a file system without exchange: two renames
        return False
    raise OSError(code, os.strerror(code), str(b))


class TableWriter:
    """One output table in ``folder``: ``add(columns)`` per document, ``close()`` at the end. CSV is UTF-8 with a BOM
    and "\\n" line ends; Parquet has the schema's column types and descriptions; both get the same rows in the same
    order, written every ``_BATCH_ROWS`` rows, so the same frames give the same bytes."""

    def __init__(self, folder: Path, name: str, formats: Sequence[str]):
        from .schema import columns

        self.name = name
        self.columns = columns(name)
        self.paths = {fmt: folder / f"{name}.{fmt}" for fmt in formats}
        self._pending: dict[str, list] = {c: [] for c in self.columns}
        self._n = 0
        self._csv = None
        self._parquet = None
        if "csv" in formats:
            self._csv = open(self.paths["csv"], "w", encoding="utf-8-sig", newline="")  # noqa: SIM115 - closed in close()
            self._csv.write(",".join(_csv_header(self.columns)) + "\n")
        if "parquet" in formats:
            import pyarrow.parquet as pq

            from .datapackage import arrow_schema

            self._schema = arrow_schema(name)
            self._parquet = pq.ParquetWriter(self.paths["parquet"], self._schema, compression="zstd")

    def add(self, cols: dict[str, list]) -> None:
        """Append rows given as column → values (the contract's columns; others are ignored, missing ones blank)."""
        n = max((len(v) for v in cols.values()), default=0)
        if not n:
            return
        for c in self.columns:
            self._pending[c].extend(cols[c] if c in cols else [None] * n)
        self._n += n
        if self._n >= _BATCH_ROWS:
            self._flush()

    def _flush(self) -> None:
        if not self._n:
            return
        from .schema import conform

        df = conform(pd.DataFrame(self._pending), self.name)
        self._pending, self._n = {c: [] for c in self.columns}, 0
        if self._csv is not None:
            df.to_csv(self._csv, index=False, header=False, lineterminator="\n")
        if self._parquet is not None:
            self._parquet.write_table(_arrow_table(df, self._schema))

    def close(self) -> None:
        try:
            self._flush()
            if self._parquet is not None and self._parquet.is_open:
                self._parquet.close()
        finally:
            if self._csv is not None:
                self._csv.close()


def _csv_header(columns: list[str]) -> list[str]:
    return [f'"{c}"' if any(ch in c for ch in ',"\n') else c for c in columns]


def _arrow_table(df: pd.DataFrame, schema):
    import pyarrow as pa

    arrays = [pa.array(df[f.name].tolist(), type=f.type, from_pandas=True) for f in schema]
    return pa.Table.from_arrays(arrays, schema=schema)


def wait_note(text: str) -> None:
    """The default ``wait_message``: one line on stderr."""
    print(text, file=sys.stderr, flush=True)
