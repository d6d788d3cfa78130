"""Many files → one panel: ``read_all`` reads a folder into a ``Corpus``; ``write_clean`` writes data/clean/.

Every path under the input folder gets a ``documents`` row: read (status ok / partial), failed (with the error: a
broken file, one past a bound of ``juesuan.limits.Limits``, a dangling link, a link loop, a file or folder that cannot
be read) or skipped (why: not a format juesuan reads, a named pipe …). Hidden files and folders (".*") are left out
and counted in ``Corpus.stats["hidden"]``. File names are relative to the input folder whatever its spelling; names
that are not UTF-8 (GBK bytes, as unzip leaves Chinese archives) are shown with their bytes escaped ("\\xd6\\xd0.txt").

One file, one fate: files are read in worker processes (``juesuan.pool``: ``workers``, default the cores this process
may use) where a crash, a hang past ``limits.timeout_s`` or memory past ``limits.max_memory_mb`` fails that file only;
``workers=1`` reads in this process (PDFs and spreadsheets then in a guarded child, see ``readers.read_raw``);
``executor=`` submits the reads to any ``concurrent.futures.Executor`` (e.g. a ``dask.distributed`` client's
``get_executor()``; ``ship="paths"`` sends each task the file's path, which the workers must be able to open,
``ship="bytes"`` its bytes).

Bounded memory: each document's results are written as an *entry* (``juesuan.entries``: its rows of every table and
its whole Document, JSON, zlib, checked by a digest) as soon as it is read, by the worker that read it; the main
process keeps only the ``documents`` rows. ``Corpus`` tables are read from the entries when asked for, and
``write_clean`` streams them into the outputs. Rows come in a stable order (documents by file; every other table by
doc_id, then its own keys), so the same inputs give byte-identical outputs whatever the worker count, the file order,
or whether a file was read now or taken from the cache.

Cache: the entries are the cache. An entry is stored under the file's SHA-256 in a folder named by the *fingerprint*
of the code (juesuan's version, a hash of every source and data file of the package, the reader libraries'
versions): ``<cache>/<fingerprint>/<sha256>.entry``. Loading checks that it is intact and made for that file by that
code, so a wrong, damaged or truncated entry is read again, never served; entries hold no pickle and cannot run code.
Failures that depend on the bounds or the machine (past a bound, a lost worker, an I/O error) are not cached. Where:
``read_all(cache=True)`` uses ``$JUESUAN_CACHE_DIR``, else ``$XDG_CACHE_HOME/juesuan``, else ``~/.cache/juesuan``;
``juesuan build RAW CLEAN`` uses ``.juesuan-cache/`` beside CLEAN unless ``$JUESUAN_CACHE_DIR`` is set. A build that
stores entries removes those of all but the three most recently used fingerprints. Deleting the folder is safe.

Outputs (``write_clean``): each table of ``juesuan.schema.TABLES`` as CSV (UTF-8 with BOM, "\\n" line ends) and as
Parquet, and ``datapackage.json``, written to a staging folder and swapped in whole under a lock
(``juesuan.outputs``): an interrupted build leaves the previous outputs as they were.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import shutil
import stat
import sys
import tempfile
import time
import warnings
import weakref
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED as _FIRST
from concurrent.futures import Executor, wait
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .document import Document, raw_to_document
from .entries import BadEntry, Entry, encode
from .errors import JuesuanError, NotABudgetDocument, Unreadable
from .limits import LimitExceeded, Limits, check_size, resolve
from .pool import FORK_OK, Pool
from .readers import SUFFIXES, _sniff, read_raw, sha256_of
from .schema import TABLES, columns, conform, empty_frame, frame_from_records
from .textnorm import printable

FORMATS = ("csv", "parquet", "xlsx")  # xlsx: one workbook of every table (juesuan.workbook)
STATUSES = ("ok", "partial", "failed", "skipped", "not_disclosure")
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
_FORK_OK = FORK_OK
_FINGERPRINT = re.compile(r"^[0-9a-f]{16}$")
_FINGERPRINT_SUFFIXES = (".py", ".csv", ".json", ".yaml", ".yml", ".txt", ".tsv")
_ENTRY = ".entry"
# preferred row order of each table after doc_id (columns a table lacks are passed over; the rest follow in the
# schema's order, so any table the contract gains has a stable order too)
_SORT_KEYS = {
    "documents": ["file"],
    "tables": ["doc_id", "page", "table"],
    "cells": ["doc_id", "table", "page", "row", "classification", "code", "name", "measure"],
    "facts": ["doc_id", "row", "key", "period", "code"],
    "findings": ["doc_id", "check", "table", "code", "measure", "severity", "message"],
    "dropped": ["doc_id", "table", "page", "row", "column"],
}


def outputs() -> list[str]:
    """The output tables, as the contract (``juesuan.schema.TABLES``) names them."""
    return list(TABLES)


# ---------------------------------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class Input:
    """One path found under the input: to read (``status`` ""), a row without reading ("failed" / "skipped", with
    ``problem``), or left out ("hidden")."""

    path: Path
    label: str
    status: str = ""
    problem: str = ""


def _has_surrogates(s: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in s)


def find_inputs(source: str | Path | Iterable[str | Path]) -> tuple[list[Input], Path]:
    """Every path of the input, each to read or with why not, sorted by label; and the folder labels are relative to.

    A folder is walked recursively, following links to folders (a link back into an enclosing folder is a failed
    row: a loop); hidden entries (".*") come with status "hidden" (no row: ``read_all`` counts them). A list of
    paths is taken as given (labels as given)."""
    if isinstance(source, (str, Path)) and Path(source).is_dir():
        root = Path(source)
        found = sorted(_walk(root), key=lambda i: i.label)
        return found, root
    paths = [Path(source)] if isinstance(source, (str, Path)) else [Path(p) for p in source]
    found = [Input(p, printable(_label(p, Path(".")))) for p in paths]
    return sorted(found, key=lambda i: i.label), Path(".")


def _label(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, OSError):
        return path.as_posix()


def _walk(root: Path) -> Iterator[Input]:
    """The walk behind ``find_inputs``: (folder, label prefix, identities of the enclosing folders) on a stack."""
    top = os.stat(root)
    stack = [(root, "", frozenset({(top.st_dev, top.st_ino)}))]
    while stack:
        folder, prefix, above = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as err:
            why = "permission denied: cannot list the folder" if err.errno == errno.EACCES else _os_problem(err)
            yield Input(folder, prefix or "./", "failed", why)
            continue
        for e in entries:
            if e.name.startswith("."):
                yield Input(Path(e.path), prefix + printable(e.name), "hidden")
                continue
            path, label = Path(e.path), prefix + printable(e.name)
            try:
                st = os.stat(path)
            except OSError as err:
                yield Input(path, label, "failed", _link_problem(path, err))
                continue
            if stat.S_ISDIR(st.st_mode):
                ident = (st.st_dev, st.st_ino)
                if ident in above:
                    yield Input(path, label + "/", "failed", "a symbolic link loop: leads back to an enclosing folder")
                else:
                    stack.append((path, label + "/", above | {ident}))
                continue
            yield _classify(path, label, st)


def _link_problem(path: Path, err: OSError) -> str:
    if err.errno == errno.ELOOP:
        return "a symbolic link loop"
    if err.errno == errno.ENOENT and path.is_symlink():
        return f"a symbolic link to a missing file ({printable(os.readlink(path))})"
    return _os_problem(err)


def _os_problem(err: OSError) -> str:
    if err.errno == errno.EACCES:
        return "permission denied"
    return f"cannot be read: {err.strerror or err}"


def _classify(path: Path, label: str, st: os.stat_result) -> Input:
    if not stat.S_ISREG(st.st_mode):
        kind = "a named pipe" if stat.S_ISFIFO(st.st_mode) else "a socket" if stat.S_ISSOCK(st.st_mode) else "a device"
        return Input(path, label, "skipped", f"not read: not a regular file ({kind})")
    suffix = path.suffix.lower()
    if suffix in SUFFIXES:
        return Input(path, label)
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as err:
        return Input(path, label, "failed", _os_problem(err))
    if _sniff(head):
        return Input(path, label)
    known = ", ".join(sorted(SUFFIXES))
    what = f"{suffix!r} files" if suffix else "files without a suffix"
    return Input(path, label, "skipped", f"{what} are not a format juesuan reads ({known})")


# ---------------------------------------------------------------------------------------------------- one file


def failed_row(path: Path, label: str, err: Exception | str, status: str = "failed", sha: str | None = None) -> dict:
    """A documents row for a file that was not read (``status`` "failed" or "skipped"), with the problem only: the
    file is in its own column, and a path in the message would make outputs depend on the folder's spelling."""
    if sha is None:
        try:
            sha = sha256_of(path) if status == "failed" and path.is_file() else ""
        except OSError:
            sha = ""
    row = {f.name: None for f in TABLES["documents"]}
    row.update(
        {
            "doc_id": sha[:16],
            "file": label,
            "sha256": sha,
            "status": "not_disclosure" if isinstance(err, NotABudgetDocument) else status,
            "error": problem_text(err, path, label),
            "tables": None,
            "n_cells": 0,
            "n_errors": 0,
        }
    )
    return row


def problem_text(err: Exception | str, path: Path, label: str) -> str:
    """The problem in one line: a JuesuanError's problem, or what went wrong unexpectedly; any spelling of the
    file's path is replaced by its label, bytes that are not UTF-8 are escaped."""
    if isinstance(err, str):
        text = err
    elif isinstance(err, JuesuanError):
        text = err.problem
    elif isinstance(err, MemoryError):
        text = "ran out of memory while reading"
    else:
        text = f"unexpected {type(err).__name__}: {err}"
    for spelling in sorted({str(path), str(path.absolute()), os.path.realpath(path)}, key=len, reverse=True):
        text = text.replace(spelling, label)
    return printable(" ".join(text.split()))


def _cacheable(err: Exception) -> bool:
    """Failures that depend on the file and the code only (not on the bounds, the machine or a lost process)."""
    return not isinstance(err, (LimitExceeded, MemoryError, OSError)) and not getattr(err, "lost", False)


def _read(path: Path, label: str, limits: Limits | None, isolate: bool | None) -> tuple[Document | dict, bool]:
    try:
        raw = read_raw(path, limits=limits, isolate=isolate)
        return raw_to_document(raw, label), True
    except Exception as err:  # noqa: BLE001 - one bad file must not stop a batch; the row says what happened
        return failed_row(path, label, err), _cacheable(err)


def read_one(
    path: Path, root: Path | None = None, label: str | None = None, limits: Limits | None = None
) -> Document | dict:
    """Read one file; a failure comes back as its documents row, never as an exception.

    The file is recorded as ``label`` when given, else as its path relative to ``root`` (default: as given)."""
    label = label if label is not None else printable(_label(path, root if root is not None else Path(".")))
    return _read(path, label, limits, None)[0]


def entry_of(path: Path, label: str, limits: Limits | None, isolate: bool | None) -> tuple[dict, bytes | None]:
    """Read one file into its documents row and its entry bytes (None when the failure should not be cached)."""
    try:
        result, cacheable = _read(path, label, limits, isolate)
        meta = result.meta if isinstance(result, Document) else result
        if not meta.get("sha256") or not cacheable:
            return meta, None
        doc = result if isinstance(result, Document) else None
        return meta, encode(meta["sha256"], fingerprint(), meta, doc, order=output_order)
    except Exception as err:  # noqa: BLE001 - past the reader (storing the result, memory): fails this file only
        return failed_row(path, label, err), None


def _work(path: Path, label: str, limits: Limits, folder: str | None) -> tuple[dict, bool, float]:
    """What a worker process runs: read, store the entry in ``folder``; returns (documents row, stored, peak MB)."""
    meta, blob = entry_of(path, label, limits, isolate=False)
    if blob is not None and folder is not None:
        Store(folder).put(meta["sha256"], blob)
    return meta, blob is not None, _peak_rss_mb()


def remote_read(
    source: str | bytes, label: str, limits: Limits, suffix: str = ""
) -> tuple[dict, bytes | None, int, float]:
    """What an executor's worker runs (``read_all(executor=…)``): read the file at path ``source`` (or its bytes)
    and return (documents row, entry bytes or None, pid, peak MB); the caller stores the entry."""
    if isinstance(source, bytes):
        with tempfile.TemporaryDirectory(prefix="juesuan-") as tmp:
            path = Path(tmp) / f"input{suffix}"
            path.write_bytes(source)
            meta, blob = entry_of(path, label, limits, isolate=False)
    else:
        meta, blob = entry_of(Path(source), label, limits, isolate=False)
    return meta, blob, os.getpid(), _peak_rss_mb()


def _peak_rss_mb() -> float:
    """This process's peak resident memory in MB (0 where the platform cannot say)."""
    try:
        import resource
    except ImportError:  # Windows
        return 0.0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 1024 / 1024 if sys.platform == "darwin" else rss / 1024


# ---------------------------------------------------------------------------------------------------- entries on disk


def default_cache_dir() -> Path:
    """Where ``read_all(cache=True)`` keeps results: ``$JUESUAN_CACHE_DIR``, else ``$XDG_CACHE_HOME/juesuan``, else
    ``~/.cache/juesuan``."""
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


class Store:
    """A folder of entries, one per file content (``<sha256>.entry``), each written atomically (a temporary file,
    then a rename), so an interrupted build leaves no half entry."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    def path(self, sha: str) -> Path:
        return self.folder / f"{sha}{_ENTRY}"

    def get(self, sha: str) -> Entry | None:
        """The intact entry for ``sha`` made by this code, or None (missing, damaged, foreign: read the file again)."""
        try:
            return Entry(self.path(sha).read_bytes(), sha, fingerprint())
        except (OSError, BadEntry):
            return None

    def put(self, sha: str, blob: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=f".{sha[:16]}-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(blob)
            os.replace(tmp, self.path(sha))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


class Cache(Store):
    """The entries of ``root`` for this code: ``<root>/<fingerprint()>/``."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        super().__init__(self.root / fingerprint())

    def touch(self) -> None:
        """Mark this fingerprint's folder as used now (``prune`` keeps the most recently used)."""
        if self.folder.is_dir():
            os.utime(self.folder)

    def prune(self, keep: int = 3) -> list[Path]:
        """Remove the entries of older code: all fingerprint folders but this one and the ``keep`` - 1 most recently
        used others (another checkout or version may share the folder); also temporary files an interrupted build
        left here. Returns the folders removed."""
        for tmp in self.folder.glob(".*.tmp"):
            if time.time() - tmp.stat().st_mtime > 3600:  # older than any entry still being written
                tmp.unlink(missing_ok=True)
        others = [
            p
            for p in self.root.iterdir()
            if p.is_dir()
            and p != self.folder
            and _FINGERPRINT.match(p.name)
            and all(f.suffix in (_ENTRY, ".tmp", ".pkl") for f in p.iterdir())
        ]
        others.sort(key=lambda p: p.stat().st_mtime, reverse=True)
        for p in others[max(0, keep - 1) :]:
            shutil.rmtree(p, ignore_errors=True)
        return others[max(0, keep - 1) :]


class MemoryStore:
    """Entries in memory (``assemble`` of Documents read one by one)."""

    def __init__(self):
        self.blobs: dict[str, bytes] = {}

    def get(self, sha: str) -> Entry | None:
        blob = self.blobs.get(sha)
        return Entry(blob, sha) if blob is not None else None

    def put(self, sha: str, blob: bytes) -> None:
        self.blobs[sha] = blob


# ---------------------------------------------------------------------------------------------------- the corpus


class Documents(Mapping):
    """``Corpus.docs``: doc_id → Document, each decoded from its entry when asked for."""

    def __init__(self, corpus: Corpus):
        self._corpus = corpus
        self._loaded: dict[str, Document] = {}

    def __getitem__(self, doc_id: str) -> Document:
        if doc_id not in self._loaded:
            entry = self._corpus.entry(doc_id)
            if entry is None or not entry.read:
                raise KeyError(doc_id)
            doc = entry.document()
            doc.meta = self._corpus.meta_of(doc_id)
            self._loaded[doc_id] = doc
        return self._loaded[doc_id]

    def __iter__(self):
        return iter(self._corpus.doc_ids)

    def __len__(self) -> int:
        return len(self._corpus.doc_ids)

    def __repr__(self) -> str:
        ids = self._corpus.doc_ids
        return f"<{len(ids)} documents: {', '.join(ids[:3])}{' …' if len(ids) > 3 else ''}>"


class Corpus:
    """The contract's tables for many documents. ``documents`` is in memory; every other table of
    ``juesuan.schema.TABLES`` (``corpus.cells``, ``corpus["facts"]`` …) is read from the documents' entries the
    first time it is asked for. ``docs`` maps doc_id → Document (decoded from its entry); ``stats`` says what the
    build did (files read, from the cache, failed, skipped, hidden, timings, each worker's peak memory)."""

    def __init__(self, documents: pd.DataFrame, store, shas: dict[str, str], stats: dict | None = None):
        self.documents = documents
        self._store = store
        self._shas = shas  # doc_id → sha256 of the entry holding its tables (read documents only)
        self._tables: dict[str, pd.DataFrame] = {}
        self.docs: Mapping[str, Document] = Documents(self)
        self.stats = stats or {}

    @property
    def doc_ids(self) -> list[str]:
        return sorted(self._shas)

    def entry(self, doc_id: str) -> Entry | None:
        return self._store.get(self._shas[doc_id]) if doc_id in self._shas else None

    def meta_of(self, doc_id: str) -> dict:
        rows = self.documents[self.documents["doc_id"] == doc_id]
        return rows.iloc[0].to_dict() if len(rows) else {}

    def set_corrections(self, fixes: pd.DataFrame | None) -> None:
        """Corrections (``juesuan.corrections``) applied to each document's tables as they are read."""
        self._corrections = fixes
        self._tables.clear()

    def columns(self) -> Iterator[tuple[str, dict[str, dict[str, list]]]]:
        """(doc_id, table name → column → values in output order) for each document read, in doc_id order."""
        fixes = getattr(self, "_corrections", None)
        for doc_id in self.doc_ids:
            entry = self.entry(doc_id)
            if entry is None:
                raise JuesuanError(None, f"the entry of document {doc_id} is gone (cache folder removed?): build again")
            tables = entry.columns()
            if fixes is not None:
                from .corrections import apply_to_columns

                tables = apply_to_columns(tables, doc_id, self._shas[doc_id], fixes)
            yield doc_id, tables

    def table(self, family: str) -> pd.DataFrame:
        """The cells of one table family ("05", "2", "政府采购") across documents, with each document's kind,
        canonical department and region beside them (江苏's 收入预算总表 is family 02)."""
        key = f"{int(family):02d}" if str(family).isdigit() else str(family)
        cells = self.frame("cells")
        cells = cells[cells["table"] == key]
        docs = self.documents[["doc_id", "kind", "department_norm", "province", "city", "county", "region"]]
        return cells.merge(docs.drop_duplicates("doc_id"), on="doc_id", how="left").reset_index(drop=True)

    @property
    def errors(self) -> pd.DataFrame:
        """The error findings of every document (files that failed are the failed rows of ``documents``)."""
        f = self.frame("findings")
        return f[f["severity"] == "error"]

    def frame(self, name: str) -> pd.DataFrame:
        """One contract table (``cells``, ``facts`` …) of every document, read from the entries when first asked."""
        if name == "documents":
            return self.documents
        if name not in TABLES:
            raise KeyError(f"no table {name!r}; the tables are {', '.join(TABLES)}")
        if name not in self._tables:
            merged: dict[str, list] = {c: [] for c in columns(name)}
            for _, tables in self.columns():
                for c, values in tables.get(name, {}).items():
                    if c in merged:
                        merged[c].extend(values)
            self._tables[name] = (
                conform(pd.DataFrame(merged), name) if merged and any(merged.values()) else empty_frame(name)
            )
        return self._tables[name]

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.frame(name)

    def __getattr__(self, name: str) -> pd.DataFrame:
        if name.startswith("_") or name not in TABLES:
            raise AttributeError(name)
        return self.frame(name)

    def __repr__(self) -> str:
        d = self.documents
        status = d["status"].value_counts().to_dict() if len(d) else {}
        cells = int(pd.to_numeric(d["n_cells"], errors="coerce").fillna(0).sum()) if len(d) else 0
        errors = int(pd.to_numeric(d["n_errors"], errors="coerce").fillna(0).sum()) if len(d) else 0
        return f"<Corpus {len(d)} documents {status}, {cells} cells, {errors} error findings>"


def sort_rows(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """One table's rows in output order (``output_order``)."""
    order = output_order(df, name)
    return (df.iloc[order] if order is not None else df).reset_index(drop=True)


def output_order(df: pd.DataFrame, name: str) -> list[int] | None:
    """The permutation that puts one table's rows in output order (None: they are in it): the preferred keys
    (``_SORT_KEYS``) the table has, then its other columns in the schema's order; stable, missing values first.
    Computed by the worker that read the document and stored in its entry."""
    if len(df) < 2:
        return None
    keys = [k for k in _SORT_KEYS.get(name, ["doc_id"]) if k in df.columns]
    keys += [c for c in columns(name) if c in df.columns and c not in keys]
    order = sorted(range(len(df)), key=_row_keys(df, keys).__getitem__)
    return None if order == list(range(len(df))) else order


def _row_keys(df: pd.DataFrame, keys: list[str]) -> list[tuple]:
    """Per row, a tuple that sorts as pandas' stable multi-column sort with missing values first would (Python's
    sort of these tuples is ten times faster than ``sort_values`` on the few hundred rows of one document)."""
    parts = []
    for k in keys:
        values = df[k].tolist()
        missing = [v is None or v is pd.NA or (type(v) is float and v != v) for v in values]
        present = [v for v, m in zip(values, missing) if not m]
        blank = present[0] if present else 0  # any value of the column's own type stands in for a missing one
        parts.append([not m for m in missing])
        parts.append([blank if m else v for v, m in zip(values, missing)])
    return list(zip(*parts))


def _documents_frame(rows: list[dict]) -> pd.DataFrame:
    df = frame_from_records(rows, "documents")
    return df.sort_values("file", kind="stable").reset_index(drop=True)


def assemble(results: list[Document | dict]) -> Corpus:
    """A Corpus of per-file results read one by one (Documents, or documents rows of failed files), kept in memory.
    A content read twice (two paths) gives two documents rows and its table rows once."""
    store = MemoryStore()
    metas, shas = [], {}
    for r in results:
        meta = r.meta if isinstance(r, Document) else r
        metas.append(dict(meta))
        if isinstance(r, Document) and r.doc_id not in shas:
            store.put(meta["sha256"], encode(meta["sha256"], fingerprint(), meta, r, order=output_order))
            shas[r.doc_id] = meta["sha256"]
    return Corpus(_documents_frame(metas), store, shas)


# ---------------------------------------------------------------------------------------------------- a build


class _Build:
    """The state of one ``read_all``: the inputs, the documents rows so far, where the entries go."""

    def __init__(self, inputs: list[Input], store, limits: Limits, bar):
        self.inputs = inputs
        self.store = store
        self.limits = limits
        self.bar = bar
        self.rows: dict[int, dict] = {}
        self.shas: dict[str, str] = {}
        self.copies: dict[int, list[int]] = {}  # first index of a content → other indexes of the same content
        self.peaks: dict[int, float] = {}
        self.seconds = 0.0
        self.stored = 0
        self.hits = 0

    def look_up(self) -> list[int]:
        """Rows for what needs no reading, cache hits; returns the indexes to read (one per content)."""
        todo, first = [], {}
        for i, inp in enumerate(self.inputs):
            if inp.status:
                self._finish(i, failed_row(inp.path, inp.label, inp.problem, inp.status, sha=""))
                continue
            try:
                check_size(inp.path, self.limits)  # past the bound: not worth reading even to hash it
                sha = sha256_of(inp.path)
            except LimitExceeded as err:
                self._finish(i, failed_row(inp.path, inp.label, err, sha=""))
                continue
            except OSError:
                todo.append(i)  # read_raw says what is wrong with it
                continue
            if sha in first:
                self.copies.setdefault(first[sha], []).append(i)
                continue
            hit = self.store.get(sha)
            if hit is not None:
                self.hits += 1
                self._finish(i, hit.meta, sha if hit.read else None)
                continue
            first[sha] = i
            todo.append(i)
        return todo

    def done(
        self,
        i: int,
        meta: dict,
        blob: bytes | None = None,
        stored: bool = False,
        pid: int = 0,
        secs: float = 0.0,
        peak: float = 0.0,
    ) -> None:
        """A file read (or failed): store its entry (``blob``) unless the worker did (``stored``), keep its row."""
        sha = meta.get("sha256") or ""
        if blob is not None:
            self.store.put(sha, blob)
        kept = blob is not None or stored
        self.stored += kept
        if pid:
            self.peaks[pid] = max(self.peaks.get(pid, 0.0), peak)
        self.seconds += secs
        read = kept and meta.get("status") != "failed"
        if not kept and meta.get("status") != "failed":
            # a read document whose entry could not be kept (it cannot happen for a document: guard anyway)
            meta = failed_row(self.inputs[i].path, self.inputs[i].label, "its results could not be stored", sha=sha)
        self._finish(i, meta, sha if read else None)
        for j in self.copies.pop(i, []):
            self._finish(j, meta, sha if read else None)

    def _finish(self, i: int, meta: dict, entry_sha: str | None = None) -> None:
        self.rows[i] = {**meta, "file": self.inputs[i].label}
        if entry_sha:
            self.shas[meta["doc_id"]] = entry_sha
        if self.bar is not None:
            self.bar.update(1)

    def lost(self, i: int, why: str, bound: str, secs: float = 0.0) -> None:
        inp = self.inputs[i]
        err = LimitExceeded(inp.path, why, bound) if bound else Unreadable(inp.path, why)
        self.done(i, failed_row(inp.path, inp.label, err), secs=secs)


def _store_for(cache) -> tuple[Store | None, object]:
    """(the store entries go to, the object whose lifetime a temporary store follows or None)."""
    if cache is None or cache is False:
        folder = tempfile.mkdtemp(prefix="juesuan-parts-")
        return Store(folder), folder
    if isinstance(cache, Store):
        return cache, None
    return Cache(default_cache_dir() if cache is True else cache), None


def read_all(
    source: str | Path | Iterable[str | Path],
    progress: bool = False,
    workers: int | None = None,
    executor: Executor | None = None,
    cache: bool | str | Path | Store | None = True,
    limits: Limits | None = None,
    ship: str = "paths",
) -> Corpus:
    """Read every document in a folder (recursively) or a list of paths into one Corpus.

    ``workers``: processes to read in (default: the cores this process may use; 1 reads in this process).
    ``executor``: any ``concurrent.futures.Executor`` to submit the reads to instead (not shut down), sent each
    file's path (``ship="paths"``: the workers must see the same files) or bytes (``ship="bytes"``). ``cache``: True
    for the default folder (``default_cache_dir()``), a folder, or False for none (entries then go to a temporary
    folder removed with the Corpus). ``limits``: the bounds per file (default ``Limits.from_env()``). ``progress``
    shows a tqdm bar.

    Never raises for a bad file: it becomes a failed row in ``documents`` with the error. ``Corpus.stats`` says how
    many files were read, taken from the cache, failed, skipped, hidden, and each worker's peak memory.
    """
    if ship not in ("paths", "bytes"):
        raise ValueError(f"ship={ship!r}: give 'paths' or 'bytes'")
    t0 = time.perf_counter()
    limits = resolve(limits)
    found, _root = find_inputs(source)
    inputs = [i for i in found if i.status != "hidden"]
    store, temporary = _store_for(cache)
    bar = _progress_bar(len(inputs)) if progress else None
    build = _Build(inputs, store, limits, bar)
    try:
        todo = build.look_up()
        n_workers = max(1, workers if workers is not None else default_workers())
        if executor is not None:
            _run_executor(build, todo, executor, ship, n_workers)
        elif n_workers > 1 and todo:  # even a lone file: in a worker, where the time and memory bounds hold
            _run_pool(build, todo, n_workers)
        else:
            for i in todo:
                meta, blob = entry_of(build.inputs[i].path, build.inputs[i].label, limits, None)
                build.done(i, meta, blob)
    finally:
        if bar is not None:
            bar.close()
    if isinstance(store, Cache):
        store.touch()
        if build.stored:
            store.prune()
    rows = [build.rows[i] for i in range(len(inputs))]
    corpus = Corpus(_documents_frame(rows), store, build.shas)
    if temporary is not None:
        weakref.finalize(corpus, shutil.rmtree, temporary, True)
    workers_used = None if executor is not None else min(n_workers, max(1, len(todo)))
    corpus.stats = _stats(corpus, build, len(todo), len(found) - len(inputs), workers_used, t0)
    return corpus


def _stats(corpus: Corpus, build: _Build, n_read: int, hidden: int, workers: int | None, t0: float) -> dict:
    statuses = corpus.documents["status"].value_counts().to_dict()
    return {
        "files": len(build.inputs),
        "read": n_read,
        "cached": build.hits,
        "failed": int(statuses.get("failed", 0)),
        "skipped": int(statuses.get("skipped", 0)),
        "hidden": hidden,
        "workers": workers,
        "read_seconds": build.seconds,
        "wall_seconds": time.perf_counter() - t0,
        "pages": int(pd.to_numeric(corpus.documents["pages"], errors="coerce").fillna(0).sum()),
        "peak_rss_mb": {pid: round(mb, 1) for pid, mb in build.peaks.items() if pid},
    }


def _progress_bar(total: int):
    from tqdm import tqdm

    return tqdm(total=total, unit="file")


def default_workers() -> int:
    """The cores this process may run on (its CPU affinity, where the platform tells)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def _run_pool(build: _Build, todo: list[int], n_workers: int) -> None:
    """Read in worker processes that write each entry themselves; a lost worker fails its file only."""
    pending = list(todo)
    first = _warm_up_file(build.inputs, pending) if FORK_OK and len(pending) > n_workers else None
    if first is not None:
        # one text export read here before forking: the workers start with the modules imported and the catalogs
        # and specs loaded (a text export, because the pure-Python reader cannot crash this process)
        pending.remove(first)
        meta, blob = entry_of(build.inputs[first].path, build.inputs[first].label, build.limits, False)
        build.done(first, meta, blob)
    folder = str(build.store.folder)
    lim = build.limits
    tasks = [(i, (build.inputs[i].path, build.inputs[i].label, lim, folder)) for i in pending]
    with Pool(min(n_workers, len(pending) or 1), _work, lim.timeout_s, lim.max_memory_mb) as pool:
        for out in pool.map(tasks):
            if out.lost:
                build.lost(out.key, out.lost, out.bound, out.seconds)
            else:
                meta, stored, peak = out.value
                build.done(out.key, meta, stored=stored, pid=out.pid, secs=out.seconds, peak=peak)


def _warm_up_file(inputs: list[Input], pending: list[int]) -> int | None:
    """The first pending file that is a small text export (read in the main process before forking), if any."""
    from .readers import detect_format

    for i in pending:
        try:
            if detect_format(inputs[i].path) == "text" and 0 < inputs[i].path.stat().st_size < 2**20:
                return i
        except (OSError, JuesuanError):
            continue
    return None


def _run_executor(build: _Build, todo: list[int], executor: Executor, ship: str, window: int) -> None:
    """Submit the reads, at most ``2 × window`` at a time (so neither the executor's queue nor the bytes shipped
    pile up); each result's entry is checked and stored here as it comes."""
    queue = list(reversed(todo))
    running: dict = {}
    while queue or running:
        while queue and len(running) < 2 * window:
            i = queue.pop()
            running[_submit(executor, build, i, ship)] = i
        finished, _ = wait(running, return_when=_FIRST)
        for fut in finished:
            i = running.pop(fut)
            inp = build.inputs[i]
            try:
                meta, blob, pid, peak = fut.result()
                if blob is not None:
                    Entry(blob, meta["sha256"], fingerprint())
            except Exception as err:  # noqa: BLE001 - a lost worker (a dask node, pickling) fails its file only
                build.done(i, failed_row(inp.path, inp.label, f"worker failed: {type(err).__name__}: {err}"))
                continue
            build.done(i, {**meta, "file": inp.label}, blob, pid=pid, peak=peak)


def _submit(executor: Executor, build: _Build, i: int, ship: str):
    inp = build.inputs[i]
    if ship == "bytes":
        try:
            data = inp.path.read_bytes() if inp.path.stat().st_size <= build.limits.max_file_mb * 2**20 else None
        except OSError:
            data = None
        if data is not None:
            return executor.submit(remote_read, data, inp.label, build.limits, inp.path.suffix)
    return executor.submit(remote_read, str(inp.path), inp.label, build.limits)


# ---------------------------------------------------------------------------------------------------- outputs


def write_clean(
    corpus: Corpus, out: str | Path, formats: Sequence[str] = ("csv", "parquet"), lock: bool = True
) -> dict[str, Path]:
    """Write the corpus's tables into ``out`` and describe them in ``datapackage.json``; returns file name → path.

    ``formats``: "csv" (UTF-8 with BOM, "\\n" line ends, stable row order) and/or "parquet" (pyarrow, column types
    and field descriptions from the schema; skipped with a warning when pyarrow cannot be imported) and/or "xlsx"
    (one workbook, ``juesuan.workbook``). Same corpus →
    byte-identical files. The set is written to a staging folder and swapped in whole (``juesuan.outputs``), under
    the folder's lock (``lock=False`` when the caller holds it); files of a format not written this time are gone
    afterwards, so the folder always matches its datapackage.json. Raises OutputError when the outputs cannot be
    written (the previous ones are then unchanged).
    """
    import contextlib

    from .datapackage import parquet_available, write_datapackage
    from .outputs import output_lock, staged, wait_note

    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise ValueError(f"unknown output format(s) {sorted(unknown)}; choose from {', '.join(FORMATS)}")
    formats = [f for f in FORMATS if f in formats]
    if "parquet" in formats and not parquet_available():
        warnings.warn(
            "pyarrow is not installed: Parquet outputs skipped (pip install pyarrow); CSVs written", stacklevel=2
        )
        formats.remove("parquet")
    out = Path(out)
    names = outputs()
    from .workbook import WORKBOOK, write_workbook

    ours = {f"{n}.{fmt}" for n in names for fmt in ("csv", "parquet")} | {"datapackage.json", WORKBOOK}
    held = output_lock(out, wait_note) if lock else contextlib.nullcontext()
    with held, staged(out, ours) as stage:
        _write_tables(corpus, stage, names, [f for f in formats if f != "xlsx"])
        if "xlsx" in formats:
            write_workbook(corpus, stage / WORKBOOK)
        write_datapackage(stage, formats)
        written = sorted(p.name for p in stage.iterdir() if p.name in ours)
    return {name: out / name for name in written}


def _write_tables(corpus: Corpus, folder: Path, names: list[str], formats: list[str]) -> None:
    from .outputs import TableWriter

    writers = {}
    try:
        for n in names:
            writers[n] = TableWriter(folder, n, formats)
        writers["documents"].add(corpus.documents.to_dict("list"))
        for _, tables in corpus.columns():
            for n in names[1:]:
                if n in tables:
                    writers[n].add(tables[n])
    finally:
        for w in writers.values():
            w.close()
