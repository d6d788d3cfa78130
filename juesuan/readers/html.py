"""Web pages (.html, .htm, .shtml): 决算 published as HTML tables inside a county's page, read with lxml.

- **encoding**: a byte-order mark, else the page's ``<meta charset>`` / ``http-equiv`` declaration (GB2312 and GBK
  read as GB18030, their superset, because pages labelled GB2312 use GBK characters), checked against the bytes; an
  undeclared or wrongly declared page is sniffed like a text export (``text.decode_best``).
- **tables**: a ``<table>`` holding another table is page layout — its cells are read as blocks of text in order;
  a table without nested tables is data. ``rowspan``/``colspan`` are laid out on a grid and the covered cells are
  ``None``, as the spreadsheet reader gives merged ranges, and the grid becomes Lines the same way (a single cell
  spanning the table — a title or a note inside it — is a text line).
- **text**: the text blocks in reading order, a line per paragraph, ``<div>``, heading, list item or ``<br>``;
  scripts, styles, navigation, form controls and hidden elements dropped. Whitespace is collapsed as a browser
  renders it, and a line break between two CJK characters disappears (the CSS Text rule for segment breaks), so a
  name wrapped in the source or in its cell reads as one word.

``Line.row`` is the source line of the ``<tr>`` or of the block's first text; every line is on page 1.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from ..errors import Unreadable
from ..raw import Line, RawDocument
from ..textnorm import fix_radicals
from .excel import grid_to_lines
from .text import decode_best

_DROP = {
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "select",
    "option",
    "button",
    "input",
    "textarea",
    "iframe",
    "object",
    "embed",
    "svg",
    "canvas",
    "map",
    "head",
}
_BLOCK = {
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "section",
    "article",
    "header",
    "footer",
    "main",
    "aside",
    "center",
    "blockquote",
    "pre",
    "figure",
    "figcaption",
    "caption",
    "hr",
    "address",
    "fieldset",
    "form",
    "body",
    "html",
    "tr",
    "td",
    "th",
    "tbody",
    "thead",
    "tfoot",
    "table",
}
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))  # soft hyphen, zero-width marks
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
_BREAK_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}])[ \t]*\n\s*(?=[{_CJK}])")
_SPACES = re.compile(r"\s+")


def normalize_space(text: str) -> str:
    """Whitespace as a browser renders it: invisible marks removed, a line break between CJK characters dropped,
    other whitespace runs (``&nbsp;`` included) one space, ends stripped."""
    text = text.translate(_INVISIBLE).replace("\u00a0", " ").replace("\r", "\n")
    return _SPACES.sub(" ", _BREAK_BETWEEN_CJK.sub("", text)).strip()


# ------------------------------------------------------------------------------------------------ decoding


def declared_charset(data: bytes) -> str:
    """The charset the page declares in its first 4 KB (``<meta charset>`` or ``http-equiv`` Content-Type), "" if
    none. The head is parsed as Latin-1, which maps every byte, so the declaration is found before decoding."""
    import lxml.html

    head = data[:4096].decode("latin-1")
    try:
        root = lxml.html.fromstring(head)
    except Exception:  # lxml raises ParserError/XMLSyntaxError for heads it cannot parse: no declaration to read
        return ""
    for meta in root.iter("meta"):
        if meta.get("charset"):
            return meta.get("charset").strip()
        content = meta.get("content") or ""
        if (meta.get("http-equiv") or "").lower() == "content-type" and "charset=" in content.lower():
            return content.lower().split("charset=", 1)[1].split(";")[0].strip()
    return ""


def decode_page(data: bytes, path: Path) -> tuple[str, str, list[tuple[str, str]]]:
    """The page as text: (text, codec used, notes)."""
    return decode_best(data, path, declared=declared_charset(data))


# ------------------------------------------------------------------------------------------------ tables


def _span(cell, name: str) -> int:
    try:
        return max(1, min(int((cell.get(name) or "1").strip()), 1000))
    except ValueError:
        return 1


def _rows_of(table) -> list:
    """The table's own rows in source order (not those of tables nested in it)."""
    return [tr for tr in table.iter("tr") if _owner(tr) is table]


def _owner(el):
    parent = el.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent


def table_grid(table) -> tuple[list[list[str | None]], list[tuple[tuple[int, int], tuple[int, int]]], list[int]]:
    """A data table → (grid of cell texts with None for covered cells, merged ranges, source line of each row)."""
    rows = _rows_of(table)
    taken: dict[tuple[int, int], str | None] = {}
    merged = []
    for r, tr in enumerate(rows):
        c = 0
        for cell in (el for el in tr if el.tag in ("td", "th")):
            while (r, c) in taken:
                c += 1
            rs, cs = _span(cell, "rowspan"), _span(cell, "colspan")
            for dr in range(rs):
                for dc in range(cs):
                    taken[(r + dr, c + dc)] = None
            taken[(r, c)] = cell_text(cell)
            if rs > 1 or cs > 1:
                merged.append(((r, c), (r + rs - 1, c + cs - 1)))
            c += cs
    width = 1 + max((c for _, c in taken), default=-1)
    grid = [[taken.get((r, c), "") for c in range(width)] for r in range(len(rows))]
    return grid, merged, [tr.sourceline or 0 for tr in rows]


def cell_text(cell) -> str:
    """A cell's text: its blocks and ``<br>`` as line breaks, then whitespace as rendered."""
    return fix_radicals(normalize_space("".join(text for _, text in _text_pieces(cell))))


def _text_pieces(el) -> Iterator[tuple[int, str]]:
    """(source line, text) of an element's visible text in order; a block or ``<br>`` yields a line break."""
    if el.text:
        yield el.sourceline or 0, el.text
    for child in el:
        if isinstance(child.tag, str) and not _hidden(child):
            if child.tag == "br" or child.tag in _BLOCK:
                yield child.sourceline or 0, "\n"
            if child.tag not in _DROP:
                yield from _text_pieces(child)
            if child.tag in _BLOCK:
                yield child.sourceline or 0, "\n"
        if child.tail:
            yield child.sourceline or 0, child.tail


def _hidden(el) -> bool:
    return el.get("hidden") is not None or bool(_HIDDEN_STYLE.search(el.get("style") or ""))


def is_layout_table(table) -> bool:
    """A table that holds another table, or that never has two cells in a row, frames the page; it is not data."""
    if any(True for _ in table.iterdescendants("table")):
        return True
    return all(sum(1 for el in tr if el.tag in ("td", "th")) < 2 for tr in _rows_of(table))


# ------------------------------------------------------------------------------------------------ the walk


class _Page:
    """Collects Lines while the page's tree is walked in reading order."""

    def __init__(self) -> None:
        self.lines: list[Line] = []
        self.pieces: list[tuple[int, str]] = []  # the current block's text, each piece with its source line

    def add(self, sourceline: int, text: str) -> None:
        if text == "\f":
            self.flush()
        else:
            self.pieces.append((sourceline, text))

    def flush(self) -> None:
        text = fix_radicals(normalize_space("".join(t for _, t in self.pieces)))
        if text:
            row = next(line for line, t in self.pieces if t.strip(" \t\r\n\u00a0"))
            self.lines.append(Line(page=1, row=row, cells=(text,)))
        self.pieces = []

    def walk(self, el) -> None:
        if el.text:
            self.add(el.sourceline or 0, el.text)
        for child in el:
            if isinstance(child.tag, str) and child.tag not in _DROP and not _hidden(child):
                self.visit(child)
            if child.tail:
                self.add(child.sourceline or 0, child.tail)

    def visit(self, el) -> None:
        if el.tag == "br":
            self.add(el.sourceline or 0, "\f")
        elif el.tag == "table" and not is_layout_table(el):
            self.flush()
            self.table(el)
        elif el.tag in _BLOCK:
            self.add(el.sourceline or 0, "\f")
            self.walk(el)
            self.add(el.sourceline or 0, "\f")
        else:
            self.walk(el)

    def table(self, table) -> None:
        for caption in table.iter("caption"):
            text = cell_text(caption)
            if text:
                self.lines.append(Line(page=1, row=caption.sourceline or 0, cells=(text,)))
        grid, merged, sources = table_grid(table)
        for line in grid_to_lines(grid, 1, merged):
            self.lines.append(replace(line, row=sources[line.row - 1]))


def html_to_lines(text: str) -> list[Line]:
    """A page's text (already decoded) → Lines in reading order."""
    import lxml.etree
    import lxml.html

    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
    try:
        root = lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
    except (lxml.etree.ParserError, ValueError):
        return []
    page = _Page()
    body = root.find("body")
    page.walk(body if body is not None else root)
    page.flush()
    return page.lines


def read(path: Path) -> RawDocument:
    """Read a web page into a RawDocument (format "html").

    Raises ``Unreadable`` when the bytes are not text in a known encoding or the page has no visible text.
    """
    from . import sha256_of

    text, _codec, notes = decode_page(path.read_bytes(), path)
    lines = html_to_lines(text)
    if not lines:
        raise Unreadable(path, "no visible text in the web page")
    return RawDocument(path=str(path), format="html", sha256=sha256_of(path), lines=lines, pages=1, notes=notes)
