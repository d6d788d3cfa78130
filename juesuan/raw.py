"""RawDocument: what every reader returns, whatever the input format.

A document is a sequence of *lines* in reading order. A line is either text (one string: a title, a label, a
sentence of the narrative) or a table row (several cells, positions kept, empty cells as ""). Readers do not decide
what a table means; ``juesuan.tables`` recognises tables in this stream. Keeping one shape for text exports, PDFs,
spreadsheets, web pages and scans is what lets every later stage be written once.

Provenance, so that every number can be traced to the spot it was printed on:

- ``page`` is 1-based: the PDF page; form-feed pages for text exports (1 if none); the sheet's position for
  spreadsheets; 1 for a web page or a Word file.
- ``row`` is 1-based and says where in the source the line stands: the text line number (text exports, browser
  copies, the source line of an HTML ``<tr>``); the sheet row (spreadsheets); for PDFs the line's order on its page.
- ``boxes`` (PDF, OCR): per cell, the box ``(x0, top, x1, bottom)`` in PDF points from the top-left corner of the
  page as displayed (rotation applied), around the glyphs of that cell; ``None`` for an empty or merged cell.
- ``sheet`` and ``columns`` (spreadsheets): the sheet's name and, per cell, its 0-based column in the sheet, so a
  cell's address is ``column letter + row`` (``cell_address``).
- ``confidence`` (OCR): per cell, the recogniser's confidence in [0, 1]; ``None`` where nothing was recognised.

Each of these tuples is either empty (the reader does not know) or as long as ``cells``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

Box = tuple[float, float, float, float]  # x0, top, x1, bottom in PDF points, origin at the page's top-left


@dataclass(frozen=True)
class Line:
    """One line of a document: ``cells`` has one entry for a text line, several for a table row.

    ``cells`` may hold ``None`` for a cell covered by a merged neighbour (the reader knows the span: PDF ruling or a
    spreadsheet's merged range); ``""`` is a cell that is really empty.
    """

    page: int
    row: int
    cells: tuple[str | None, ...]
    is_row: bool = False
    boxes: tuple[Box | None, ...] = ()
    sheet: str = ""
    columns: tuple[int, ...] = ()
    confidence: tuple[float | None, ...] = ()

    @cached_property
    def text(self) -> str:
        """The line's text: its non-empty cells joined by a space (made once: every stage asks for it)."""
        return " ".join(c for c in self.cells if c)

    def box(self, i: int) -> Box | None:
        """The box of cell ``i``, None when the reader gave none."""
        return self.boxes[i] if i < len(self.boxes) else None

    def address(self, i: int) -> str:
        """The spreadsheet address of cell ``i`` ("B7"), "" when the line is not from a sheet."""
        if not self.sheet or i >= len(self.columns):
            return ""
        return cell_address(self.columns[i], self.row)

    def conf(self, i: int) -> float | None:
        return self.confidence[i] if i < len(self.confidence) else None


def column_letter(col: int) -> str:
    """0 → "A", 25 → "Z", 26 → "AA"."""
    out = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def cell_address(col: int, row: int) -> str:
    return f"{column_letter(col)}{row}"


@dataclass
class RawDocument:
    """A file read into lines, plus what the reader learnt on the way.

    ``format`` is the reader's name (text, pdf, xlsx, xls, html, docx, ocr …); ``notes`` are problems the reader met
    and worked around (e.g. "page 3: 12 radical code points normalised"); they become findings of severity
    info/warning. ``page_sizes`` gives (width, height) in points per page where the reader knows them (PDF, OCR), so
    boxes can be drawn on a rendered page.
    """

    path: str
    format: str
    sha256: str
    lines: list[Line]
    pages: int = 1
    # (severity, message), (severity, message, page) or (severity, message, page, {check, at, evidence}): the dict
    # names the finding's check (else "reader"), its box and the text as read (an OCR correction)
    notes: list[tuple] = field(default_factory=list)
    page_sizes: dict[int, tuple[float, float]] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The whole document as text, one line per line (rows tab-joined), in reading order."""
        return "\n".join("\t".join(c or "" for c in ln.cells) if ln.is_row else ln.text for ln in self.lines)
