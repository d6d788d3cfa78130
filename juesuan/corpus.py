"""Many files → one panel: ``read_all`` concatenates the contract's tables; ``write_clean`` writes data/clean/.

Each file is read on its own: a file that fails becomes a ``documents`` row with status "failed" and its error, and
the others go through. Every output table is sorted on stable keys and file names are relative to the input folder,
so the same inputs give byte-identical outputs whatever the worker count or the order the files come in.

Parallel: files are read in worker processes (``workers``, default: the cores this process may use) or on any
``concurrent.futures.Executor`` you pass (``executor=``; e.g. ``dask.distributed.Client().get_executor()``).

Cache: a file's result is stored under a key made of the file's SHA-256 and a *fingerprint* of the code that read it
(juesuan's version, a hash of every source and data file in the package, and the versions of the libraries the
readers use), so an unchanged file is not read again and any change to code, data or readers reads everything afresh.
Entries are compressed pickles of each file's ``Result`` (its rows of each table, and the pickled ``Document``, loaded
only when ``Corpus.docs`` asks for it) in ``<cache>/<fingerprint>/<sha256>.pkl``.
Where: ``read_all(cache=True)`` uses ``$JUESUAN_CACHE_DIR``, else ``$XDG_CACHE_HOME/juesuan``, else
``~/.cache/juesuan``; ``juesuan build RAW CLEAN`` uses ``.juesuan-cache/`` beside CLEAN (``data/.juesuan-cache`` for
the default ``data/clean``) unless ``$JUESUAN_CACHE_DIR`` is set. A build that stores entries removes those of all but
the three most recently used fingerprints. Deleting the folder is always safe. Only use a cache folder you wrote
yourself: entries are pickles.

Outputs (``write_clean``): each table as CSV (UTF-8 with BOM, "\\n" line ends) and as Parquet (pyarrow, a main
dependency; skipped with a warning when it cannot be imported), and ``datapackage.json`` describing every resource
and field, generated from ``juesuan.schema`` (see ``juesuan.datapackage``).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import pickle
import re
import sys
import tempfile
import time
import warnings
import zlib
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .document import Document, read
from .errors import JuesuanError, NotABudgetDocument
from .readers import SUFFIXES, _sniff, sha256_of
from .schema import TABLES, columns, conform, empty_frame

OUTPUTS = tuple(TABLES)  # documents first, then every table the contract defines
FORMATS = ("csv", "parquet")
# libraries whose version changes what a file reads into: part of the cache fingerprint (the OCR extra's too: a scan
# cached as "OCR is needed" must be read again once it is installed)
_READER_LIBS = (
    "pandas",
    "numpy",
    "pypdfium2",
    "python-calamine",
    "openpyxl",
    "rapidocr-onnxruntime",
    "onnxruntime",
    "opencv-python",
)
# Linux forks worker processes (cheap, and they inherit what the first read loaded); elsewhere the platform default
_FORK_OK = sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()
_FINGERPRINT = re.compile(r"^[0-9a-f]{16}$")
_FINGERPRINT_SUFFIXES = (".py", ".csv", ".json", ".yaml", ".yml", ".txt", ".tsv")


@dataclass
class Result:
    """One file's outcome as workers send it and the cache stores it: its ``documents`` row (``meta``), the rows of
    the other tables (``rows``: table → column → values) and the whole Document pickled (``document``; None for a
    failed file), unpickled only when asked for, so a warm build loads just the rows it writes."""

    meta: dict
    rows: dict[str, dict[str, list]] = field(default_factory=dict)
    document: bytes | None = None

    @classmethod
    def of(cls, result: Document | dict) -> Result:
        """The Result of a read (a Document, or the documents row of a failed file)."""
        if not isinstance(result, Document):
            return cls(meta=dict(result))
        rows = {name: getattr(result, name).to_dict("list") for name in OUTPUTS[1:] if len(getattr(result, name))}
        return cls(meta=dict(result.meta), rows=rows, document=pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))

    def load(self) -> Document | None:
        """The Document (its ``meta`` is this Result's, so it carries the file name of this build)."""
        if self.document is None:
            return None
        doc = pickle.loads(self.document)
        doc.meta = dict(self.meta)
        return doc


class Documents(Mapping):
    """``Corpus.docs``: doc_id → Document, each unpickled from its cached Result the first time it is asked for."""

    def __init__(self, items: dict[str, Document | Result]):
        self._items = items

    def __getitem__(self, doc_id: str) -> Document:
        item = self._items[doc_id]
        if isinstance(item, Result):
            item = self._items[doc_id] = item.load()
        return item

    def __iter__(self):
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"<{len(self)} documents: {', '.join(list(self._items)[:3])}{' …' if len(self) > 3 else ''}>"


@dataclass
class Corpus:
    """The contract's tables for many documents, plus the Documents themselves (``docs``, by doc_id, loaded from the
    cache when first asked for), and ``stats`` about the build (files read, taken from the cache, failed, timings,
    each worker's peak memory)."""

    documents: pd.DataFrame
    tables: pd.DataFrame
    cells: pd.DataFrame
    facts: pd.DataFrame
    findings: pd.DataFrame
    checks: pd.DataFrame
    dropped: pd.DataFrame
    docs: Mapping[str, Document] = field(default_factory=dict, repr=False)
    stats: dict = field(default_factory=dict, repr=False)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return getattr(self, name)

    def table(self, family: str) -> pd.DataFrame:
        """The cells of one table family ("05", "2", "政府采购") across documents, with each document's year,
        department, kind and region beside them (江苏's 收入预算总表 is family 02)."""
        key = f"{int(family):02d}" if str(family).isdigit() else str(family)
        cells = self.cells[self.cells["table"] == key]
        docs = self.documents[["doc_id", "kind", "department_norm", "province", "city", "county", "region"]]
        return cells.merge(docs, on="doc_id", how="left").reset_index(drop=True)

    @property
    def errors(self) -> pd.DataFrame:
        """Error findings, and the files that failed (as findings with check "failed")."""
        return self.findings[self.findings["severity"] == "error"]

    def __repr__(self) -> str:
        status = self.documents["status"].value_counts().to_dict() if len(self.documents) else {}
        return (
            f"<Corpus {len(self.documents)} documents {status}, {len(self.cells)} cells, "
            f"{int((self.findings['severity'] == 'error').sum())} error findings>"
        )


def find_inputs(source: str | Path | Iterable[str | Path]) -> tuple[list[Path], Path]:
    """The files to read and the folder their names are relative to.

    A folder is searched recursively for files juesuan can read (known suffixes, or PDF/Excel by their first
    bytes); hidden files and folders are skipped. A list of paths is taken as given.
    """
    if isinstance(source, (str, Path)) and Path(source).is_dir():
        root = Path(source)
        files = []
        for p in sorted(root.rglob("*")):
            rel = p.relative_to(root)
            if any(part.startswith(".") for part in rel.parts) or not p.is_file():
                continue
            if p.suffix.lower() in SUFFIXES or p.suffix.lower() in (".pdf", ".xlsx", ".xls", ".xlsm"):
                files.append(p)
            else:
                with p.open("rb") as fh:
                    if _sniff(fh.read(8)):
                        files.append(p)
        return files, root
    paths = [Path(source)] if isinstance(source, (str, Path)) else [Path(p) for p in source]
    return sorted(paths, key=lambda p: p.as_posix()), Path(".")


def _label(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def failed_row(path: Path, label: str, err: Exception) -> dict:
    """A documents row for a file that could not be read."""
    try:
        sha = sha256_of(path) if path.is_file() else ""
    except OSError:
        sha = ""
    # the problem only: the file is in its own column, and an absolute path would make outputs machine-dependent
    message = err.problem if isinstance(err, JuesuanError) else f"unexpected {type(err).__name__}: {err}"
    row = {f.name: None for f in TABLES["documents"]}
    row.update(
        {
            "doc_id": sha[:16],
            "file": label,
            "sha256": sha,
            "status": "not_disclosure" if isinstance(err, NotABudgetDocument) else "failed",
            "error": message,
            "tables": None,
            "n_cells": 0,
            "n_errors": 0,
        }
    )
    return row


def read_one(path: Path, root: Path | None = None, label: str | None = None) -> Document | dict:
    """Read one file; a failure comes back as its documents row, never as an exception.

    The file is recorded as ``label`` when given, else as its path relative to ``root`` (default: as given).
    """
    label = label if label is not None else _label(path, root if root is not None else Path("."))
    try:
        return read(path, file_label=label)
    except JuesuanError as err:
        return failed_row(path, label, err)
    except Exception as err:  # noqa: BLE001 - one bad file must not stop a batch; the row says what happened
        return failed_row(path, label, err)


def _sorted(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """Documents by file; every other table by document, each document's rows in the order it gives them (that
    order is the document's own, so it does not depend on which worker read it or when)."""
    keys = ["file"] if name == "documents" else ["doc_id"]
    return df.sort_values(keys, kind="stable", na_position="first").reset_index(drop=True)


def assemble(results: list[Document | dict | Result]) -> Corpus:
    """Concatenate per-file results (Documents, failed documents rows, or cached Results) into a Corpus with stable
    row order. A content read twice (two paths) gives two documents rows and its table rows once."""
    metas: list[dict] = []
    unique: dict[str, tuple[dict, Document | Result]] = {}
    for r in results:
        if isinstance(r, Document):
            metas.append(r.meta)
            unique.setdefault(r.doc_id, (None, r))
        elif isinstance(r, Result):
            metas.append(r.meta)
            if r.document is not None:
                unique.setdefault(r.meta["doc_id"], (r.rows, r))
        else:
            metas.append(r)
    frames: dict[str, pd.DataFrame] = {
        "documents": conform(pd.DataFrame(metas, columns=columns("documents")), "documents")
        if metas
        else empty_frame("documents")
    }
    for name in OUTPUTS[1:]:
        data: dict[str, list] = {c: [] for c in columns(name)}
        for rows, item in unique.values():
            if rows is None:  # a Document read in this process
                frame = getattr(item, name)
                part = frame.to_dict("list") if len(frame) else None
            else:
                part = rows.get(name)
            if part:
                for c in data:
                    data[c].extend(part[c])
        frames[name] = conform(pd.DataFrame(data), name) if data[columns(name)[0]] else empty_frame(name)
    frames = {k: _sorted(v, k) for k, v in frames.items()}
    return Corpus(**frames, docs=Documents({doc_id: item for doc_id, (_, item) in unique.items()}))


def default_workers() -> int:
    """The cores this process may use (its CPU affinity where the platform tells, else the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)


def default_cache_dir() -> Path:
    """Where ``read_all(cache=True)`` keeps its cache: $JUESUAN_CACHE_DIR, $XDG_CACHE_HOME/juesuan or ~/.cache/juesuan."""
    if os.environ.get("JUESUAN_CACHE_DIR"):
        return Path(os.environ["JUESUAN_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "juesuan"


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """A hash of what decides a file's result: juesuan's version, every source/data file of the package, the
    versions of the reader libraries and Python's minor version. Any change gives a new cache key.

    Computed once per process: a running process keeps the code it imported, so its key stays that code's.
    """
    from importlib import metadata

    from . import __version__

    versions = {}
    for lib in _READER_LIBS:
        try:
            versions[lib] = metadata.version(lib)
        except metadata.PackageNotFoundError:
            versions[lib] = "-"
    return code_fingerprint(Path(__file__).resolve().parent, __version__, versions)


def code_fingerprint(package: Path, version: str, libraries: dict[str, str]) -> str:
    """16 hex digits hashing ``version``, ``libraries`` (name → version), Python's minor version and every source or
    data file under ``package`` (names and bytes; ``__pycache__`` and hidden files left out)."""
    h = hashlib.sha256()
    h.update(f"juesuan {version}\npython {sys.version_info[0]}.{sys.version_info[1]}\n".encode())
    for lib, v in sorted(libraries.items()):
        h.update(f"{lib} {v}\n".encode())
    for p in sorted(package.rglob("*")):
        rel = p.relative_to(package)
        if (
            p.is_file()
            and p.suffix in _FINGERPRINT_SUFFIXES
            and "__pycache__" not in rel.parts
            and not any(part.startswith(".") for part in rel.parts)
        ):
            h.update(rel.as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()[:16]


class Cache:
    """Per-document results on disk, keyed by file content and the code's ``fingerprint()``.

    ``get(sha256)`` returns the stored ``Result`` or None; ``put(sha256, result)`` stores one atomically (write to a temporary file, then rename), so an interrupted build leaves no half entries.
    A damaged entry is treated as missing.
    """

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.folder = self.root / fingerprint()

    def _path(self, sha: str) -> Path:
        return self.folder / f"{sha}.pkl"

    def touch(self) -> None:
        """Mark this fingerprint's folder as used now (``prune`` keeps the most recently used)."""
        if self.folder.is_dir():
            os.utime(self.folder)

    def prune(self, keep: int = 3) -> list[Path]:
        """Remove the entries of older code: all fingerprint folders but this one and the ``keep`` - 1 most recently
        used others (another checkout or version may share the folder). Returns the folders removed."""
        import shutil

        # only folders this class writes: a fingerprint's name, holding nothing but entries
        others = [
            p
            for p in self.root.iterdir()
            if p.is_dir()
            and p != self.folder
            and _FINGERPRINT.match(p.name)
            and all(f.suffix in (".pkl", ".tmp") for f in p.iterdir())
        ]
        others.sort(key=lambda p: p.stat().st_mtime, reverse=True)
        for p in others[max(0, keep - 1) :]:
            shutil.rmtree(p, ignore_errors=True)
        return others[max(0, keep - 1) :]

    def get(self, sha: str) -> Result | None:
        path = self._path(sha)
        try:
            found = unpack(path.read_bytes())
        except FileNotFoundError:
            return None
        except Exception:  # noqa: BLE001 - a damaged or foreign entry: read the file again
            return None
        return found if isinstance(found, Result) else None

    def put(self, sha: str, result: Result | bytes) -> None:
        """Store a Result (or its ``pack``ed bytes)."""
        blob = result if isinstance(result, bytes) else pack(result)
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(blob)
            os.replace(tmp, self._path(sha))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def pack(result: Result) -> bytes:
    """A Result as bytes: pickled, then zlib level 1 (a sixth of the size for ~1 ms)."""
    return zlib.compress(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL), 1)


def unpack(blob: bytes) -> Result:
    """The Result ``pack`` made."""
    return pickle.loads(zlib.decompress(blob))


def _relabel(result: Result, label: str) -> Result:
    """A cached result under this build's file name (the same content may sit at another path)."""
    result.meta = {**result.meta, "file": label}
    return result


def _peak_rss_mb() -> float:
    """This process's peak resident memory in MB (0 where the platform cannot say)."""
    try:
        import resource
    except ImportError:  # Windows
        return 0.0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 1024 / 1024 if sys.platform == "darwin" else rss / 1024


def _task(path: Path, label: str, pickled: bool = False) -> tuple[Document | dict | bytes, int, float, float]:
    """What a worker runs: read one file; returns (result, worker pid, seconds, the worker's peak RSS in MB).

    ``pickled``: the result comes back as its ``Result``, ``pack``ed, which the main process both stores in the cache
    and loads (one pickling per file instead of two, and a sixth of the bytes to send)."""
    t0 = time.perf_counter()
    result = read_one(path, label=label)
    if pickled:
        result = pack(Result.of(result))
    return result, os.getpid(), time.perf_counter() - t0, _peak_rss_mb()


def _warm_up_file(files: list[Path], pending: list[int]) -> int | None:
    """The first pending file that is a text export (read in the main process before forking), if any."""
    from .readers import detect_format

    for i in pending:
        try:
            if detect_format(files[i]) == "text" and files[i].stat().st_size > 0:
                return i
        except (OSError, JuesuanError):
            continue
    return None


def _isolated(path: Path, label: str, context) -> tuple[bytes | dict, int, float, float]:
    """Read one file in a process of its own; if that process dies, the file is a failed row (not cached)."""
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        try:
            return pool.submit(_task, path, label, True).result()
        except BrokenProcessPool:
            err = JuesuanError(None, "the process reading this file died (a crash in a reader library?)")
            return failed_row(path, label, err), 0, 0.0, 0.0


def _resolve_cache(cache: bool | str | Path | Cache | None) -> Cache | None:
    if cache is None or cache is False:
        return None
    if isinstance(cache, Cache):
        return cache
    return Cache(default_cache_dir() if cache is True else cache)


def read_all(  # noqa: C901 (to be split)
    source: str | Path | Iterable[str | Path],
    progress: bool = False,
    workers: int | None = None,
    executor: Executor | None = None,
    cache: bool | str | Path | Cache | None = True,
) -> Corpus:
    """Read every document in a folder (recursively) or a list of paths into one Corpus.

    ``workers``: processes to read in (default: the cores this process may use; 1 reads in this process). ``executor``: any
    ``concurrent.futures.Executor`` to submit the reads to instead (it is not shut down; e.g. a
    ``dask.distributed`` client's ``get_executor()``). ``cache``: True for the default folder
    (``default_cache_dir()``), a folder, or False for none. ``progress`` shows a tqdm bar.

    Never raises for a bad file: it becomes a failed row in ``documents`` with the error. ``Corpus.stats`` says how
    many files were read, taken from the cache, failed, and each worker's peak memory.
    """
    t0 = time.perf_counter()
    files, root = find_inputs(source)
    labels = [_label(p, root) for p in files]
    store = _resolve_cache(cache)
    results: dict[int, Document | dict | Result] = {}
    shas: dict[int, str] = {}
    todo: list[int] = []
    for i, path in enumerate(files):
        if store is not None:
            try:
                shas[i] = sha256_of(path)
            except OSError:
                todo.append(i)
                continue
            hit = store.get(shas[i])
            if hit is not None:
                results[i] = _relabel(hit, labels[i])
                continue
        todo.append(i)
    n_workers = max(1, workers if workers is not None else default_workers())
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(files), initial=len(results), unit="file")
    peaks: dict[int, float] = {}
    seconds = 0.0
    stored: list[int] = []

    def done(i: int, result: Document | dict | bytes, pid: int, secs: float, peak: float, keep: bool = True) -> None:
        nonlocal seconds
        blob = result if isinstance(result, bytes) else None
        result = results[i] = unpack(blob) if blob is not None else result
        peaks[pid] = max(peaks.get(pid, 0.0), peak)
        seconds += secs
        # what the content decides is kept; not a file that vanished mid-build nor a worker that died
        meta = result.meta if isinstance(result, (Document, Result)) else result
        if keep and store is not None and i in shas and meta.get("sha256") == shas[i]:
            if blob is None:  # read in this process: keep the light Result, as the cache does
                result = results[i] = Result.of(result)
            store.put(shas[i], blob if blob is not None else result)
            stored.append(i)
        if bar is not None:
            bar.update(1)

    own_pool = executor is None and n_workers > 1 and len(todo) > 2
    try:
        if executor is None and not own_pool:
            for i in todo:
                done(i, *_task(files[i], labels[i]))
        else:
            context = multiprocessing.get_context("fork") if own_pool and _FORK_OK else None
            pending = list(todo)
            first = _warm_up_file(files, pending) if context is not None else None
            if first is not None:
                # Read one text export here, then fork: the workers start with the modules imported and the catalogs
                # and specs loaded. A text export, because the pure-Python reader cannot crash this process.
                pending.remove(first)
                done(first, *_task(files[first], labels[first]))
            pool = executor or ProcessPoolExecutor(max_workers=min(n_workers, len(pending)), mp_context=context)
            broken: list[int] = []
            try:
                futures: dict[Future, int] = {pool.submit(_task, files[i], labels[i], True): i for i in pending}
                for fut in as_completed(futures):
                    i = futures[fut]
                    try:
                        done(i, *fut.result())
                    except BrokenProcessPool:
                        broken.append(i)
                    except Exception as err:  # noqa: BLE001 - a lost worker (dask node, pickling) fails its file only
                        done(
                            i,
                            failed_row(files[i], labels[i], RuntimeError(f"worker failed: {err!r}")),
                            0,
                            0.0,
                            0.0,
                            keep=False,
                        )
            finally:
                if own_pool:
                    pool.shutdown(cancel_futures=True)  # on Ctrl-C, do not read the rest first
            # A worker process died (a crash in a native library): the files it took down with it are read again,
            # each in a process of its own, so only the file that crashes fails.
            for i in sorted(broken, key=lambda i: labels[i]):
                result, pid, secs, peak = _isolated(files[i], labels[i], context)
                done(i, result, pid, secs, peak, keep=pid != 0)  # pid 0: the process died; not kept
    finally:
        if bar is not None:
            bar.close()
    if store is not None:
        store.touch()
        if stored:
            store.prune()
    ordered = [results[i] for i in sorted(results, key=lambda i: labels[i])]
    corpus = assemble(ordered)
    corpus.stats = {
        "files": len(files),
        "read": len(todo),
        "cached": len(files) - len(todo),
        "failed": int((corpus.documents["status"] == "failed").sum()),
        "workers": 1 if executor is None and not own_pool else (n_workers if own_pool else None),
        "read_seconds": seconds,
        "wall_seconds": time.perf_counter() - t0,
        "pages": int(pd.to_numeric(corpus.documents["pages"], errors="coerce").fillna(0).sum()),
        "peak_rss_mb": {pid: round(mb, 1) for pid, mb in peaks.items() if pid},
    }
    return corpus


def write_clean(corpus: Corpus, out: str | Path, formats: Sequence[str] = FORMATS) -> dict[str, Path]:
    """Write the corpus's tables into ``out`` and describe them in ``datapackage.json``; returns file name → path.

    ``formats``: "csv" (UTF-8 with BOM, "\\n" line ends, stable row order) and/or "parquet" (pyarrow, column types
    and field descriptions from the schema). Parquet is skipped with a warning when pyarrow cannot be imported.
    Same corpus → byte-identical files. Files of a format not written this time are removed, so the folder always
    matches its datapackage.json.
    """
    from .datapackage import parquet_available, write_datapackage, write_parquet

    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise ValueError(f"unknown output format(s) {sorted(unknown)}; choose from {', '.join(FORMATS)}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    formats = [f for f in FORMATS if f in formats]
    if "parquet" in formats and not parquet_available():
        warnings.warn(
            "pyarrow is not installed: Parquet outputs skipped (pip install pyarrow); CSVs written", stacklevel=2
        )
        formats.remove("parquet")
    written: dict[str, Path] = {}
    for name in OUTPUTS:
        for fmt in FORMATS:  # a format not written now must not linger from an earlier build
            if fmt not in formats:
                (out / f"{name}.{fmt}").unlink(missing_ok=True)
        if "csv" in formats:
            path = out / f"{name}.csv"
            corpus[name].to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")
            written[path.name] = path
        if "parquet" in formats:
            path = out / f"{name}.parquet"
            write_parquet(corpus[name], name, path)
            written[path.name] = path
    path = write_datapackage(out, formats)
    written[path.name] = path
    return written
