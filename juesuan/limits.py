"""Bounds on what one input file may cost, and the checks that apply them before a reader library sees the file.

A hostile or broken file must give a failed row naming the bound it passed, never an exhausted machine: an XLSX
whose shared strings expand to gigabytes, a sheet with one cell at XFD1048576 (the spreadsheet library then tries to
allocate 17 billion cells and aborts the process), a 100 MB text file on one line, a PDF whose page tree claims a
million pages. ``Limits`` holds the bounds (defaults generous for real disclosures, each raisable by keyword, by a
``juesuan build`` option or by an environment variable ``JUESUAN_<NAME>``, e.g. ``JUESUAN_MAX_PAGES=5000``);
``check_file`` applies the ones that can be read from the file's own metadata (size, the zip directory and the
members' real decompressed sizes, the cell addresses in each worksheet's XML, the PDF's page count and characters per
page, the text's line count and longest line) before the reader runs. Time and memory cannot be pre-checked: a build's
worker processes are stopped past ``timeout_s`` and ``max_memory_mb`` (``juesuan.pool``), and so are the guarded
child processes that read PDFs and spreadsheets for ``juesuan.read`` outside a build.

Pre-checks read the file's structure with the standard library only (``zipfile``, a regex over the worksheet XML):
no XML parser is handed the hostile bytes, and nothing is loaded whole.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import re
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .errors import Encrypted, JuesuanError, Unreadable


class LimitExceeded(JuesuanError):
    """A file past one of the bounds in ``Limits``: ``bound`` names the field (e.g. "max_pages")."""

    problem_kind = "past a bound"

    def __init__(self, path, problem: str, bound: str):
        self.bound = bound
        flag = "--" + bound.replace("_", "-")
        super().__init__(path, f"{problem} (bound {bound}; raise it with {flag} or JUESUAN_{bound.upper()})")


def _bound(default, help: str):
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Limits:
    """What one file may cost. Defaults are far above any real 决算/预算 disclosure seen so far."""

    max_file_mb: float = _bound(256, "largest input file, MB")
    max_pages: int = _bound(2_000, "most pages in a PDF")
    max_page_chars: int = _bound(100_000, "most characters (words' glyphs) on one PDF page")
    max_rows: int = _bound(100_000, "most lines of a text export, or rows of one sheet")
    max_columns: int = _bound(1_000, "most columns of one sheet (used range)")
    max_sheet_cells: int = _bound(2_000_000, "most cells in one sheet's used range (rows × columns)")
    max_unzipped_mb: float = _bound(
        100, "largest total decompressed size of a zip container's members (XLSX, DOCX), MB"
    )
    max_zip_members: int = _bound(10_000, "most members in a zip container")
    max_line_kb: float = _bound(256, "longest line of a text export, KB")
    timeout_s: float = _bound(300, "wall time to read one document, seconds (worker processes and guarded readers)")
    max_memory_mb: float = _bound(4_096, "resident memory of a process reading one document, MB (same)")

    @classmethod
    def from_env(cls, environ: dict | None = None) -> Limits:
        """The defaults, overridden by ``JUESUAN_<FIELD>`` environment variables (e.g. ``JUESUAN_TIMEOUT_S=60``)."""
        env = os.environ if environ is None else environ
        values = {}
        for f in dataclasses.fields(cls):
            raw = env.get(f"JUESUAN_{f.name.upper()}")
            if raw:
                values[f.name] = _parse(f, raw)
        return cls(**values)

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser) -> None:
        """One ``--max-pages N``-style option per bound (default: the environment's, else the built-in)."""
        group = parser.add_argument_group("bounds per file (a file past one is a failed row naming it)")
        for f in dataclasses.fields(cls):
            group.add_argument(
                "--" + f.name.replace("_", "-"),
                type=float if f.type in ("float", float) else int,
                metavar="N",
                dest=f"limit_{f.name}",
                help=f"{f.metadata['help']} (default {f.default:,}, or $JUESUAN_{f.name.upper()})",
            )

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Limits:
        given = {f.name: getattr(args, f"limit_{f.name}", None) for f in dataclasses.fields(cls)}
        for name, value in given.items():
            if value is not None and value <= 0:
                raise ValueError(f"--{name.replace('_', '-')} {value:g}: give a positive number")
        return dataclasses.replace(cls.from_env(), **{k: v for k, v in given.items() if v is not None})


def _parse(f: dataclasses.Field, raw: str):
    try:
        return float(raw) if f.type in ("float", float) else int(raw)
    except ValueError:
        raise ValueError(f"JUESUAN_{f.name.upper()}={raw!r}: not a number") from None


def resolve(limits: Limits | None) -> Limits:
    return limits if limits is not None else Limits.from_env()


# ---------------------------------------------------------------------------------------------------- dispatch


def check_file(path: Path, fmt: str, limits: Limits) -> None:
    """Apply every pre-check that fits ``path`` (read as format ``fmt``); raises LimitExceeded, Unreadable or
    Encrypted naming the file. A zip container (by its first bytes) gets the zip checks whatever its format name."""
    check_size(path, limits)
    with path.open("rb") as fh:
        head = fh.read(4)
    if head == b"PK\x03\x04":
        check_zip(path, limits, scan_sheets=fmt == "xlsx")
    for check in PRECHECKS.get(fmt, ()):
        check(path, limits)


def check_size(path: Path, limits: Limits) -> None:
    size = path.stat().st_size
    if size > limits.max_file_mb * 2**20:
        raise LimitExceeded(
            path, f"file of {size / 2**20:,.1f} MB; the bound is {limits.max_file_mb:g} MB", "max_file_mb"
        )


# ---------------------------------------------------------------------------------------------------- text


def check_lines(path: Path, limits: Limits) -> None:
    """Count lines and find the longest one, 1 MB at a time (CR, LF and CRLF all end a line)."""
    longest = run = rows = 0
    cap = limits.max_line_kb * 1024
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            rows += max(chunk.count(b"\n"), chunk.count(b"\r"))
            parts = chunk.replace(b"\r", b"\n").split(b"\n")
            if len(parts) == 1:
                run += len(chunk)
            else:
                longest = max(longest, run + len(parts[0]), *(len(p) for p in parts[1:-1]))
                run = len(parts[-1])
            if max(longest, run) > cap:
                raise LimitExceeded(
                    path,
                    f"a line longer than {limits.max_line_kb:g} KB; the bound is {limits.max_line_kb:g} KB",
                    "max_line_kb",
                )
            if rows > limits.max_rows:
                raise LimitExceeded(
                    path, f"more than {limits.max_rows:,} lines; the bound is {limits.max_rows:,}", "max_rows"
                )


# ---------------------------------------------------------------------------------------------------- zip


_EOCD = b"PK\x05\x06"
_EOCD64 = b"PK\x06\x06"


def zip_member_count(path: Path) -> int | None:
    """Members in a zip's central directory, read from its end record (before ``zipfile`` builds one object per
    member); None when no end record is found (``zipfile`` then says the file is not a zip)."""
    with path.open("rb") as fh:
        fh.seek(0, os.SEEK_END)
        size = fh.tell()
        fh.seek(max(0, size - 66_000))  # the end record and a comment of at most 65,535 bytes
        tail = fh.read()
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) < at + 22:
        return None
    count = struct.unpack("<H", tail[at + 10 : at + 12])[0]
    at64 = tail.rfind(_EOCD64, 0, at)
    if count == 0xFFFF and at64 >= 0 and len(tail) >= at64 + 40:
        count = struct.unpack("<Q", tail[at64 + 32 : at64 + 40])[0]
    return count


def check_zip(path: Path, limits: Limits, scan_sheets: bool = False) -> None:
    """Members, their declared sizes (the zip directory) and their real decompressed sizes (each member streamed
    through the decompressor, which stops at the bound: a member may declare a small size and expand to gigabytes).
    With ``scan_sheets`` each worksheet's cell addresses are checked on the way (``SheetExtent``)."""
    count = zip_member_count(path)
    if count is not None and count > limits.max_zip_members:
        raise LimitExceeded(
            path, f"zip with {count:,} members; the bound is {limits.max_zip_members:,}", "max_zip_members"
        )
    cap = int(limits.max_unzipped_mb * 2**20)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as err:
        raise Unreadable(path, f"not a readable zip container (truncated or corrupt): {err}") from err
    with zf:
        infos = zf.infolist()
        declared = sum(i.file_size for i in infos)
        if declared > cap:
            raise LimitExceeded(path, _unzip_problem(declared, limits, "would expand"), "max_unzipped_mb")
        total = 0
        for info in infos:
            if info.flag_bits & 0x1:
                raise Encrypted(path, "encrypted zip member: a password is needed to open it")
            sheet = SheetExtent(info.filename) if scan_sheets and _is_sheet(info.filename) else None
            total = _stream_member(path, zf, info, total, cap, limits, sheet)
            if sheet is not None:
                sheet.check(path, limits)


def _unzip_problem(n: int, limits: Limits, verb: str) -> str:
    return f"zip members {verb} to {n / 2**20:,.1f} MB; the bound is {limits.max_unzipped_mb:g} MB (a zip bomb?)"


def _stream_member(path, zf, info, total: int, cap: int, limits: Limits, sheet) -> int:
    try:
        with zf.open(info) as fh:
            while True:
                chunk = fh.read(1 << 20)
                if not chunk:
                    return total
                total += len(chunk)
                if total > cap:
                    raise LimitExceeded(path, _unzip_problem(total, limits, "expand to more than"), "max_unzipped_mb")
                if sheet is not None:
                    sheet.feed(chunk, path, limits)
    except (zipfile.BadZipFile, EOFError, zlibError, NotImplementedError) as err:
        # a bad CRC here is also what a member that expands past its declared size gives: zipfile stops reading at
        # the declared size, and the data read so far does not match the checksum
        raise Unreadable(path, f"zip member {info.filename} is damaged or lies about its size: {err}") from err


try:
    from zlib import error as zlibError
except ImportError:  # pragma: no cover - zlib is always there on CPython
    zlibError = OSError


_SHEET_NAME = re.compile(r"(?i)(^|/)(work)?sheets?/[^/]+\.xml$")


def _is_sheet(name: str) -> bool:
    return bool(_SHEET_NAME.search(name))


# one tag of a worksheet: <row r="7" …>, <c r="B7" …> (self-closing: no value), with or without a namespace prefix
_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)\b([^>]*?)(/?)>")
_REF = re.compile(rb'\br="([A-Za-z]{0,3})(\d*)"')


class SheetExtent:
    """The used range of one worksheet, from the cell addresses in its XML (cells without a value left out, as the
    spreadsheet library leaves them out): rows, columns and the dense area the library will allocate."""

    def __init__(self, name: str):
        self.name = name
        self.row = 0
        self.col = 0
        self.min_row = self.min_col = None
        self.max_row = self.max_col = 0
        self._carry = b""

    def feed(self, chunk: bytes, path: Path, limits: Limits) -> None:
        data = self._carry + chunk
        cut = data.rfind(b"<")
        data, self._carry = (data[:cut], data[cut:]) if cut >= 0 else (b"", data)
        if len(self._carry) > 1 << 20:  # a tag longer than a megabyte: not a worksheet anyone wrote
            raise Unreadable(path, f"{self.name}: a tag longer than 1 MB")
        for m in _TAG.finditer(data):
            self._tag(m)
        self.check(path, limits)

    def _tag(self, m: re.Match) -> None:
        ref = _REF.search(m.group(2))
        if m.group(1) == b"row":
            self.row = int(ref.group(2)) if ref and ref.group(2) else self.row + 1
            self.col = 0
            return
        if ref and ref.group(1):
            self.col = _column_number(ref.group(1))
            if ref.group(2):
                self.row = int(ref.group(2))
        else:
            self.col += 1
        if m.group(3):  # <c …/>: styled but empty
            return
        self.min_row = self.row if self.min_row is None else min(self.min_row, self.row)
        self.min_col = self.col if self.min_col is None else min(self.min_col, self.col)
        self.max_row, self.max_col = max(self.max_row, self.row), max(self.max_col, self.col)

    def check(self, path: Path, limits: Limits) -> None:
        if self.min_row is None:
            return
        rows, cols = self.max_row - self.min_row + 1, self.max_col - self.min_col + 1
        check_grid(path, self.name, rows, cols, limits, far=f"{_column_letters(self.max_col)}{self.max_row}")


def check_grid(path: Path, sheet: str, rows: int, cols: int, limits: Limits, far: str = "") -> None:
    """Raise LimitExceeded when a sheet's used range is past the row, column or cell bounds."""
    where = f"worksheet {sheet}: " + (f"cells up to {far}, " if far else "")
    if rows > limits.max_rows:
        raise LimitExceeded(path, f"{where}{rows:,} rows; the bound is {limits.max_rows:,}", "max_rows")
    if cols > limits.max_columns:
        raise LimitExceeded(path, f"{where}{cols:,} columns; the bound is {limits.max_columns:,}", "max_columns")
    if rows * cols > limits.max_sheet_cells:
        raise LimitExceeded(
            path,
            f"{where}a used range of {rows:,} × {cols:,} = {rows * cols:,} cells; the bound is "
            f"{limits.max_sheet_cells:,}",
            "max_sheet_cells",
        )


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _column_letters(n: int) -> str:
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


# ---------------------------------------------------------------------------------------------------- PDF


def check_pdf(path: Path, limits: Limits) -> None:
    """Open with pdfium, refuse a page count past the bound (a page tree may claim a million pages) and, unless the
    PDF reader checks it itself (``CHECKS_PAGE_CHARS``), characters per page.

    Opening failures are classified here from pdfium's error code for *this* open: pypdfium2 also reports pdfium's
    last error for a document that opens with no pages, and that code is left over from an earlier file.
    """
    import pypdfium2.raw as R

    doc = R.FPDF_LoadDocument((str(path) + "\0").encode("utf-8", "surrogateescape"), None)
    if not doc:
        code = R.FPDF_GetLastError()
        if code in (R.FPDF_ERR_PASSWORD, R.FPDF_ERR_SECURITY):
            raise Encrypted(path, "encrypted PDF: a password is needed to open it")
        why = {R.FPDF_ERR_FORMAT: "data format error", R.FPDF_ERR_FILE: "file cannot be opened"}.get(code, "")
        raise Unreadable(path, f"not a readable PDF (truncated or corrupt){': ' + why if why else ''}")
    try:
        n = R.FPDF_GetPageCount(doc)
        if n < 1:
            raise Unreadable(path, "PDF has no pages")
        if n > limits.max_pages:
            raise LimitExceeded(path, f"the PDF claims {n:,} pages; the bound is {limits.max_pages:,}", "max_pages")
        if not _reader_checks_page_chars():
            _check_pages_chars(path, doc, n, limits)
    finally:
        R.FPDF_CloseDocument(doc)


def _reader_checks_page_chars() -> bool:
    from .readers import READERS

    try:
        import importlib

        return bool(getattr(importlib.import_module(READERS["pdf"]), "CHECKS_PAGE_CHARS", False))
    except (KeyError, ImportError):
        return False


def _check_pages_chars(path: Path, doc, n: int, limits: Limits) -> None:
    import pypdfium2.raw as R

    for i in range(n):
        page = R.FPDF_LoadPage(doc, i)
        if not page:
            continue  # the reader reports pages it cannot load
        text = R.FPDFText_LoadPage(page)
        try:
            chars = R.FPDFText_CountChars(text) if text else 0
        finally:
            if text:
                R.FPDFText_ClosePage(text)
            R.FPDF_ClosePage(page)
        check_page_chars(path, i + 1, chars, limits)


def check_page_chars(path: Path, page: int, chars: int, limits: Limits) -> None:
    """For a PDF reader that counts a page's characters anyway: raise LimitExceeded past ``max_page_chars``."""
    if chars > limits.max_page_chars:
        raise LimitExceeded(
            path, f"page {page} has {chars:,} characters; the bound is {limits.max_page_chars:,}", "max_page_chars"
        )


# format name → the pre-checks that read it (zip containers are recognised by their bytes: see check_file)
PRECHECKS: dict[str, tuple] = {
    "text": (check_lines,),
    "html": (check_lines,),
    "pdf": (check_pdf,),
}
