"""Readers: one module per input format, each with ``read(path) -> RawDocument``.

``READERS`` maps a format name to its reader; ``SUFFIXES`` maps file suffixes to format names. ``read_raw`` picks the
reader by sniffing the first bytes (a PDF named .txt is still a PDF) and falls back to the suffix. Adding a format is
one module and one entry here.
"""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Callable
from pathlib import Path

from ..errors import FileMissing, Unreadable, UnsupportedFormat
from ..raw import RawDocument

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
    directory names a WordDocument stream, else by suffix (WPS Spreadsheets' .et), else Excel. Directory entry names are UTF-16LE, so the name is looked for in that form."""
    suffixed = _OLE_SUFFIXES.get(path.suffix.lower())
    data = path.read_bytes()
    if "EncryptedPackage".encode("utf-16-le") in data and SUFFIXES.get(path.suffix.lower()) in ("docx", "xlsx"):
        return SUFFIXES[path.suffix.lower()]  # a password-protected .docx/.xlsx: its reader says so
    if "WordDocument".encode("utf-16-le") in data:
        return suffixed if suffixed in ("doc", "wps") else "doc"
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


def read_raw(path: str | Path) -> RawDocument:
    """Read any supported file into a RawDocument.

    Raises a ``JuesuanError`` subclass naming the file and the problem: FileMissing, UnsupportedFormat, Unreadable
    (empty, truncated, corrupt), Encrypted, NoTextLayer, GarbledText.
    """
    p = Path(path)
    if not p.exists():
        raise FileMissing(p, "no such file")
    if p.is_dir():
        raise Unreadable(p, "is a folder, not a file")
    if p.stat().st_size == 0:
        raise Unreadable(p, "empty file (0 bytes)")
    fmt = detect_format(p)
    return get_reader(fmt)(p)
