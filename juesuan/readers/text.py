"""Text exports: the narrative as lines, table rows as tab-separated lines (the form of the seed documents), or
tables aligned with spaces (``pdftotext -layout``, tabs expanded) or saved as CSV.

A line with a tab is a table row and keeps its cell positions; a page without tabs is laid out by the character
offsets of its tokens (``juesuan.geometry``, the column logic of borderless PDFs); any other non-blank line is text.
Form feeds start a new page. Markdown emphasis around titles ("**2021年度**") is stripped.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import replace
from pathlib import Path

from ..errors import Unreadable
from ..geometry import DEFAULT, Settings, Word, layout_page
from ..raw import Line, RawDocument

_EMPHASIS = re.compile(r"^\*\*|\*\*$")
_ENCODINGS = ("utf-8-sig", "gb18030", "utf-16")


def decode(data: bytes, path: Path) -> str:
    """Decode a text export: UTF-8 (with or without BOM) first, then GB18030, as Chinese Windows tools write it."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for enc in _ENCODINGS[:2]:
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise Unreadable(path, "not text: neither UTF-8 nor GB18030")


def text_to_lines(text: str, settings: Settings | None = None) -> tuple[list[Line], int]:
    """Split a text export into Lines; returns the lines and the page count (form feeds start pages).

    A line with a tab is a table row, its cells the tab-separated fields. A page without tabs is laid out by
    position: a CSV saved as text gives its fields; otherwise (``pdftotext -layout`` output, tabs expanded to
    spaces) each line's tokens are placed by their character offsets and ``juesuan.geometry`` finds the tables and
    their columns as it does on a borderless PDF page.
    """
    pages = _pages(text)
    csv_like = _is_csv(text)
    lines: list[Line] = []
    for page, numbered in enumerate(pages, start=1):
        if csv_like:
            lines.extend(_csv_lines(page, numbered))
        elif any("\t" in raw for _, raw in numbered):
            lines.extend(_tab_lines(page, numbered))
        else:
            lines.extend(_positioned_lines(page, numbered, settings))
    return lines, len(pages)


def _pages(text: str) -> list[list[tuple[int, str]]]:
    """(line number, line) per page; split on newlines only: str.splitlines() would also split on the form feed
    that marks a page break."""
    pages: list[list[tuple[int, str]]] = [[]]
    for lineno, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        parts = raw.split("\f")
        for k, part in enumerate(parts):
            if k:
                pages.append([])
            if part.strip():
                pages[-1].append((lineno, part))
    return pages


def _text_line(page: int, lineno: int, raw: str) -> Line | None:
    s = _EMPHASIS.sub("", raw.strip()).strip()
    return Line(page=page, row=lineno, cells=(s,), is_row=False) if s else None


def _tab_lines(page: int, numbered: list[tuple[int, str]]) -> list[Line]:
    out = []
    for lineno, raw in numbered:
        if "\t" in raw:
            cells = tuple(c.strip() for c in raw.split("\t"))
            if any(cells):
                out.append(Line(page=page, row=lineno, cells=cells, is_row=True))
            continue
        line = _text_line(page, lineno, raw)
        if line:
            out.append(line)
    return out


# ---------------------------------------------------------------------------------------------------- CSV


def _csv_fields(raw: str) -> list[str]:
    return [f.strip() for f in next(csv.reader([raw]))]


def _is_csv_row(raw: str) -> bool:
    if raw.count(",") < 2 or "。" in raw or "\t" in raw:
        return False
    fields = _csv_fields(raw)
    return len(fields) >= 3 and all(len(f) <= 40 for f in fields)


def _is_csv(text: str) -> bool:
    """A CSV saved as text: no tabs, and most lines holding commas split into three or more short fields."""
    if "\t" in text:
        return False
    lines = [ln for ln in text.splitlines() if ln.strip()]
    rows = sum(1 for ln in lines if _is_csv_row(ln))
    return rows >= 3 and rows >= 0.3 * len(lines)


def _csv_lines(page: int, numbered: list[tuple[int, str]]) -> list[Line]:
    out = []
    for lineno, raw in numbered:
        fields = _csv_fields(raw) if raw.count(",") else [raw]
        if len(fields) >= 2 and not all(len(f) > 40 or not f for f in fields[1:]):
            if any(fields):
                out.append(Line(page=page, row=lineno, cells=tuple(fields), is_row=True))
            continue
        line = _text_line(page, lineno, ",".join(f for f in fields if f) if len(fields) > 1 else raw)
        if line:
            out.append(line)
    return out


# ---------------------------------------------------------------------------------------------------- by position

# a text line's tokens become words on a page of these proportions: a column is half a CJK character wide
_COL = 5.0
_PITCH = 14.0
_SIZE = 10.0
_NUMBERISH = re.compile(r"^[-−－△▲+(（]?[\d,.]+[)）%]?$")


def _width(ch: str, wide: bool) -> int:
    """Display columns of a character: two for CJK (East-Asian wide or full width) where ``wide``."""
    return 2 if wide and unicodedata.east_asian_width(ch) in ("W", "F") else 1


def _tokens(raw: str, wide: bool) -> list[tuple[str, int, int]]:
    """(text, first column, end column) of a line's tokens: runs of two or more spaces always separate; a single
    space separates only where a number stands on either side ("115 10.00" is a 行次 and an amount), so a
    letter-spaced label ("项 目") stays one token."""
    pieces: list[tuple[str, int, int]] = []
    col = 0
    cur, start = "", 0
    for ch in raw.replace("\u3000", "  "):
        if ch == " ":
            if cur:
                pieces.append((cur, start, col))
                cur = ""
            col += 1
            continue
        if not cur:
            start = col
        cur += ch
        col += _width(ch, wide)
    if cur:
        pieces.append((cur, start, col))
    out: list[tuple[str, int, int]] = []
    for text, a, b in pieces:
        if out:
            prev, pa, pb = out[-1]
            if a - pb == 1 and not (_NUMBERISH.match(prev) or _NUMBERISH.match(text)):
                out[-1] = (prev + " " + text, pa, b)
                continue
        out.append((text, a, b))
    return out


def _words(numbered: list[tuple[int, str]], wide: bool) -> list[Word]:
    words = []
    for lineno, raw in numbered:
        top = lineno * _PITCH
        for text, a, b in _tokens(raw, wide):
            words.append(Word(text, a * _COL, b * _COL, top=top, bottom=top + _SIZE, size=_SIZE))
    return words


def _alignment(words: list[Word]) -> int:
    """How scattered the numbers' edges are: a column of amounts shares a right (or left) edge."""
    nums = [w for w in words if _NUMBERISH.match(w.text)]
    return min(len({round(w.x1) for w in nums}), len({round(w.x0) for w in nums}))


def _positioned_lines(page: int, numbered: list[tuple[int, str]], settings: Settings | None) -> list[Line]:
    """A page without tabs laid out by position. A CJK character is two columns wide in ``pdftotext -layout``
    output and one where tabs were expanded by character count: the measure that lines up the numbers wins."""
    wide, narrow = _words(numbered, True), _words(numbered, False)
    words = wide if _alignment(wide) <= _alignment(narrow) else narrow
    s = replace(settings or DEFAULT, page_margin=0.0)  # a text page has no margins: page numbers stay as text
    height = (max((n for n, _ in numbered), default=0) + 2) * _PITCH
    layout = layout_page(words, [], 1e6, height, None, s)
    raw_of = dict(numbered)
    out = []
    for it in layout.items:
        lineno = round(it.top / _PITCH)
        if it.is_row:
            out.append(Line(page=page, row=lineno, cells=it.cells, is_row=True))
            continue
        line = _text_line(page, lineno, raw_of.get(lineno, it.cells[0] or ""))
        if line:
            out.append(line)
    return out


def read(path: Path) -> RawDocument:
    from . import sha256_of

    data = path.read_bytes()
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise Unreadable(path, "binary data, not a text export")
    text = decode(data, path)
    lines, pages = text_to_lines(text)
    if not lines:
        raise Unreadable(path, "no text in the file")
    return RawDocument(path=str(path), format="text", sha256=sha256_of(path), lines=lines, pages=pages)
