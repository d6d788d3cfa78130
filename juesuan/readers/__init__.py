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
    ".png": "image",
    ".jpg": "image",
    ".jpeg": "image",
    ".tif": "image",
    ".tiff": "image",
}


def register(format_name: str, module: str, suffixes: list[str]) -> None:
    """Register a reader module for a format and the suffixes that select it."""
    READERS[format_name] = module
    for s in suffixes:
        SUFFIXES[s.lower()] = format_name


def _sniff(head: bytes) -> str | None:
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")):
        return "image"
    return None


def detect_format(path: Path) -> str:
    """The format name for ``path``: by content where the bytes say, else by suffix."""
    with path.open("rb") as fh:
        head = fh.read(8)
    sniffed = _sniff(head)
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
