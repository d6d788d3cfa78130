"""Readers: one module per input format, each with ``read(path) -> RawDocument``.

``READERS`` maps a format name to its reader; ``SUFFIXES`` maps file suffixes to format names. ``read_raw`` picks the
reader by sniffing the first bytes (a PDF named .txt is still a PDF) and falls back to the suffix. Adding a format is
one module and one entry here.
"""

from __future__ import annotations

import atexit
import hashlib
import importlib
import inspect
import os
import stat
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import FileMissing, JuesuanError, Unreadable, UnsupportedFormat
from ..limits import LimitExceeded, Limits, check_file, resolve
from ..pool import FORK_OK, Guard, WorkerLost
from ..raw import RawDocument

if TYPE_CHECKING:
    from ..geometry import Settings

# format name -> module (imported lazily: the PDF stack is slow to import and not needed for text exports)
READERS: dict[str, str] = {
    "text": "juesuan.readers.text",
    "pdf": "juesuan.readers.pdf",
    "xlsx": "juesuan.readers.excel",
    "xls": "juesuan.readers.excel",
    "html": "juesuan.readers.html",
    "docx": "juesuan.readers.docx",
    # legacy Word, WPS and RTF: converted with LibreOffice, then read by the docx/xlsx reader
    "doc": "juesuan.readers.office",
    "wps": "juesuan.readers.office",
    "et": "juesuan.readers.office",
    "rtf": "juesuan.readers.office",
    # a browser copy (one table cell per line): chosen by the text reader when the text has that shape
    "webcopy": "juesuan.readers.webcopy",
    "image": "juesuan.readers.ocr",  # pictures through OCR (the optional extra ``ocr``)
}

SUFFIXES: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".tsv": "text",
    ".pdf": "pdf",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xls": "xls",
    ".html": "html",
    ".htm": "html",
    ".shtml": "html",
    ".xhtml": "html",
    ".docx": "docx",
    ".docm": "docx",
    ".doc": "doc",
    ".wps": "wps",
    ".et": "et",
    ".rtf": "rtf",
    ".png": "image",
    ".jpg": "image",
    ".jpeg": "image",
    ".tif": "image",
    ".tiff": "image",
}
_OLE_SUFFIXES = {".doc": "doc", ".wps": "wps", ".et": "et", ".xls": "xls"}
_HTML_STARTS = (b"<!doctype html", b"<html", b"<?xml")


def register(format_name: str, module: str, suffixes: list[str]) -> None:
    """Register a reader module for a format and the suffixes that select it."""
    READERS[format_name] = module
    for s in suffixes:
        SUFFIXES[s.lower()] = format_name


def _sniff(head: bytes) -> str | None:
    """The format the first bytes announce (PDF, zip, OLE, RTF, HTML), None when they say nothing.

    A zip is "xlsx" and an OLE file "xls" here; ``detect_format`` looks inside to tell Word from Excel."""
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    start = head.removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    if start.startswith(_HTML_STARTS) and (not start.startswith(b"<?xml") or b"<html" in start):
        return "html"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")):
        return "image"
    return None


def _zip_kind(path: Path) -> str | None:
    """ "docx" or "xlsx" by the parts a zip holds (a Word file named .xlsx is still Word); None if unreadable."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, OSError):
        return None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        return "xlsx"
    return None


def _ole_kind(path: Path) -> str:
    """An OLE compound file: an encrypted .docx/.xlsx (an EncryptedPackage stream), Word (.doc/.wps) when its
    directory names a WordDocument stream, Excel (.xls, or WPS Spreadsheets' .et) when it names a Workbook/Book
    stream; with neither (a damaged file whose directory is lost) by its suffix, else Excel. Directory entry names
    are UTF-16LE, so the names are looked for in that form."""
    suffixed = _OLE_SUFFIXES.get(path.suffix.lower())
    data = path.read_bytes()
    if "EncryptedPackage".encode("utf-16-le") in data and SUFFIXES.get(path.suffix.lower()) in ("docx", "xlsx"):
        return SUFFIXES[path.suffix.lower()]  # a password-protected .docx/.xlsx: its reader says so
    if "WordDocument".encode("utf-16-le") in data:
        return suffixed if suffixed in ("doc", "wps") else "doc"
    # a directory entry's name ends in a UTF-16 NUL ("Book" alone would match Word's "Book Title" style)
    workbook = any(f"{name}\0".encode("utf-16-le") in data for name in ("Workbook", "Book"))
    if suffixed in ("doc", "wps") and not workbook:
        return suffixed  # a damaged Word file: its reader says what is wrong (not "not a readable xls workbook")
    return suffixed if suffixed in ("et", "xls") else "xls"


def detect_format(path: Path) -> str:
    """The format name for ``path``: by content where the bytes say, else by suffix."""
    with path.open("rb") as fh:
        head = fh.read(512)
    sniffed = _sniff(head)
    if sniffed == "xlsx":
        named = SUFFIXES.get(path.suffix.lower())
        sniffed = _zip_kind(path) or (named if named in ("docx", "xlsx") else "xlsx")
    elif sniffed == "xls":
        sniffed = _ole_kind(path)
    suffixed = SUFFIXES.get(path.suffix.lower())
    fmt = sniffed or suffixed
    if fmt is None or fmt not in READERS:
        known = ", ".join(sorted(SUFFIXES))
        raise UnsupportedFormat(path, f"unsupported format {path.suffix or '(no suffix)'!r}; juesuan reads {known}")
    return fmt


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def get_reader(format_name: str) -> Callable[[Path], RawDocument]:
    return importlib.import_module(READERS[format_name]).read


# formats whose readers are native libraries that can abort the whole process on a hostile file (a Rust panic in the
# spreadsheet library, a crash in pdfium): outside a build's workers they read in a guarded child process
NATIVE = {"pdf", "xlsx", "xls"}


def read_raw(
    path: str | Path, limits: Limits | None = None, isolate: bool | None = None, settings: Settings | None = None
) -> RawDocument:
    """Read any supported file into a RawDocument.

    ``limits`` (default ``Limits.from_env()``): the bounds checked before the reader runs (``juesuan.limits``).
    ``settings``: the page-layout tolerances of the geometry readers (PDF, OCR; ``juesuan.geometry.Settings``),
    default ``Settings()``; the other readers have no such tolerances.
    ``isolate``: read in a guarded child process, so that an abort in a native reader library, a hang past
    ``limits.timeout_s`` or memory past ``limits.max_memory_mb`` cannot take this process down (one child serves
    file after file, ``pool.Guard``: a new one after a crash, a bound passed, or a change in what it inherited;
    ``stop_reader_process`` ends it). The default
    (None) isolates the native formats (``NATIVE``) where processes can be forked cheaply and this process runs a
    single thread and may have children (forking a threaded process, e.g. a notebook kernel, risks deadlocks, and a
    pool's daemonic worker may not fork: there only the pre-checks apply); a build's worker processes pass False,
    being disposable themselves.

    Raises a ``JuesuanError`` subclass naming the file and the problem: FileMissing, UnsupportedFormat, Unreadable
    (empty, truncated, corrupt, not a regular file, the reader's process died), Encrypted, NoTextLayer, GarbledText,
    LimitExceeded (past a bound; ``err.bound`` names it).
    """
    p = Path(path)
    _check_path(p)
    limits = resolve(limits)
    fmt = detect_format(p)
    if isolate is None:
        isolate = fmt in NATIVE and _can_fork()
    if not isolate:
        check_file(p, fmt, limits)
        return _reader_call(fmt, p, limits, settings)
    # isolated, the pre-checks run in the guarded process too: check_pdf opens the file with pdfium
    try:
        status, value = _guarded_read(fmt, p, limits, settings)
    except WorkerLost as lost:
        if lost.bound:
            raise LimitExceeded(p, str(lost), lost.bound) from None
        raise Unreadable(p, str(lost)) from None
    if status == "error":
        raise _uncarry(value)
    return value


def _fork_state() -> dict:
    """What the guarded reader process inherits that a read depends on: the working folder (relative paths), the
    environment (the bounds, the OCR settings) and which reader function each reader module holds, or that it was
    not imported (``_reader_identity``; one imported, registered or replaced after the process started differs)."""
    state = {"cwd": os.getcwd(), "env": tuple(os.environ.items())}
    for module in set(READERS.values()):
        state[module] = _reader_identity(module)
    return state


# a reader module this process has not imported: the reader process imports it itself, as shipped
_NOT_IMPORTED = "not imported"


def _reader_identity(module: str) -> object:
    """Which reader function ``module`` holds here: its ``read``'s id, or ``_NOT_IMPORTED``. A read does not import
    the module here (``juesuan show`` never needs the PDF reader's geometry in this process: the reader process reads);
    a module imported here after the reader process started, and maybe changed, gets a fresh reader process."""
    loaded = sys.modules.get(module)
    return _NOT_IMPORTED if loaded is None else id(getattr(loaded, "read", None))


# one reader process reused from file to file (forked at the first guarded read, again after a crash or a change),
# stopped at exit before multiprocessing's own exit handler would terminate it (atexit runs the last registered first)
_GUARD = Guard(_fork_state)
atexit.register(_GUARD.close)


def _guarded_call(fmt: str, p: Path, limits: Limits, settings: Settings | None = None) -> tuple:
    """The guarded reader's task for this file: (function, arguments, time bound, memory bound, what the process
    must have inherited). The file's identity is among the arguments: a prefetched read of a file changed since
    is not used."""
    needs = {"cwd": os.getcwd(), "env": tuple(os.environ.items()), READERS[fmt]: _reader_identity(READERS[fmt])}
    st = p.stat()
    args = (fmt, p, limits, settings, (st.st_ino, st.st_size, st.st_mtime_ns))
    return _read_carried, args, limits.timeout_s, limits.max_memory_mb, needs


def _guarded_read(fmt: str, p: Path, limits: Limits, settings: Settings | None = None) -> tuple[str, object]:
    return _GUARD.run(*_guarded_call(fmt, p, limits, settings))


def prefetch(path: str | Path, limits: Limits | None = None) -> None:
    """Start reading ``path`` in the guarded reader process and return at once, so that what the caller does next
    (``juesuan show``: importing pandas and the pipeline) overlaps the read; the next ``read_raw`` of the same path
    with the same bounds collects it. Does nothing where ``read_raw`` would not isolate the file, and says nothing
    of a bad file (``read_raw`` will)."""
    p = Path(path)
    try:
        _check_path(p)
        limits = resolve(limits)
        fmt = detect_format(p)
        if fmt in NATIVE and _can_fork():  # the guarded task runs the pre-checks
            _GUARD.submit(*_guarded_call(fmt, p, limits))
    except (JuesuanError, OSError, WorkerLost):
        return


def stop_reader_process() -> None:
    """End the guarded reader process, if one runs (the next guarded read starts another). It also ends with this
    process; a test that measures the reader's peak memory ends it first, so that its usage is counted."""
    _GUARD.close()


def reader_process_id() -> int | None:
    """The process id of the guarded reader process while one runs (benches read its CPU time), else None."""
    return _GUARD.pid()


def _can_fork() -> bool:
    """Fork is available, this process runs one thread and may have children (a daemonic process, such as a
    multiprocessing pool's worker, may not)."""
    import multiprocessing

    return FORK_OK and threading.active_count() == 1 and not multiprocessing.current_process().daemon


def _check_path(p: Path) -> None:
    try:
        st = p.stat()
    except FileNotFoundError:
        if p.is_symlink():
            raise FileMissing(p, f"a symbolic link to a missing file ({os.readlink(p)})") from None
        raise FileMissing(p, "no such file") from None
    except PermissionError:
        raise Unreadable(p, "permission denied: cannot look at the file") from None
    except OSError as err:  # ELOOP: a symbolic link loop; ENAMETOOLONG …
        raise Unreadable(p, f"cannot look at the file: {err.strerror or err}") from None
    if stat.S_ISDIR(st.st_mode):
        raise Unreadable(p, "is a folder, not a file")
    if not stat.S_ISREG(st.st_mode):
        raise Unreadable(p, f"not a regular file ({_file_kind(st.st_mode)}): not read")
    if st.st_size == 0:
        raise Unreadable(p, "empty file (0 bytes)")
    try:
        with p.open("rb"):
            pass
    except PermissionError:
        raise Unreadable(p, "permission denied: cannot read the file") from None


def _file_kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def _reader_call(fmt: str, p: Path, limits: Limits, settings: Settings | None = None) -> RawDocument:
    reader = get_reader(fmt)
    accepts = inspect.signature(reader).parameters
    kwargs: dict = {}
    if "limits" in accepts:
        kwargs["limits"] = limits
    if settings is not None and "settings" in accepts:
        kwargs["settings"] = settings
    return reader(p, **kwargs)


def _read_carried(
    fmt: str, p: Path, limits: Limits, settings: Settings | None = None, _identity: tuple = ()
) -> tuple[str, object]:
    """What the guarded child runs: the pre-checks (pdfium opens the file in check_pdf: a crash there must not take
    the caller down either), then the reader; the RawDocument, or the JuesuanError as (class name, path, problem,
    bound)."""
    try:
        check_file(p, fmt, limits)
        return "ok", _reader_call(fmt, p, limits, settings)
    except JuesuanError as err:
        return "error", (type(err).__name__, err.path, err.problem, getattr(err, "bound", ""))


def _uncarry(carried: tuple) -> JuesuanError:
    import juesuan.errors as errors_module

    name, path, problem, bound = carried
    cls = getattr(errors_module, name, None) or (LimitExceeded if name == "LimitExceeded" else JuesuanError)
    if not (isinstance(cls, type) and issubclass(cls, JuesuanError)):
        cls = JuesuanError
    err = cls.__new__(cls)
    JuesuanError.__init__(err, path or None, problem)  # the problem is whole already (LimitExceeded's hint included)
    if bound:
        err.bound = bound
    return err
