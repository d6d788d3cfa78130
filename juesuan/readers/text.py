"""Text exports: the narrative as lines, table rows as tab-separated lines (the form of the seed documents).

A line with a tab is a table row and keeps its cell positions; any other non-blank line is text. Form feeds start a
new page. Markdown emphasis around titles ("**2021年度**") is stripped.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import Unreadable
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


def text_to_lines(text: str) -> tuple[list[Line], int]:
    """Split a text export into Lines; returns the lines and the page count."""
    lines: list[Line] = []
    page = 1
    # split on newlines only: str.splitlines() would also split on the form feed that marks a page break
    for lineno, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        if "\f" in raw:
            page += raw.count("\f")
            raw = raw.replace("\f", "")
        if "\t" in raw:
            cells = tuple(c.strip() for c in raw.split("\t"))
            if any(cells):
                lines.append(Line(page=page, row=lineno, cells=cells, is_row=True))
            continue
        s = _EMPHASIS.sub("", raw.strip()).strip()
        if s:
            lines.append(Line(page=page, row=lineno, cells=(s,), is_row=False))
    return lines, page


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
