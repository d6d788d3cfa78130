"""RawDocument: what every reader returns, whatever the input format.

A document is a sequence of *lines* in reading order. A line is either text (one string: a title, a label, a
sentence of the narrative) or a table row (several cells, positions kept, empty cells as ""). Readers do not decide
what a table means; ``juesuan.tables`` recognises tables in this stream. Keeping one shape for text exports, PDFs and
spreadsheets is what lets every later stage be written once.

Provenance: ``page`` is 1-based (PDF page; text exports count form feeds, 1 if none; spreadsheets use the sheet's
position); ``row`` is 1-based and says where in the source the line stands (text line number; spreadsheet row; for
PDFs the line's order on its page).
"""

from __future__ import annotations

from dataclasses import dataclass, field


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

    @property
    def text(self) -> str:
        """The line's text: its non-empty cells joined by a space."""
        return " ".join(c for c in self.cells if c)


@dataclass
class RawDocument:
    """A file read into lines, plus what the reader learnt on the way.

    ``format`` is the reader's name (text, pdf, xlsx, xls); ``notes`` are problems the reader met and worked around
    (e.g. "page 3: 12 radical code points normalised"); they become findings of severity info/warning.
    """

    path: str
    format: str
    sha256: str
    lines: list[Line]
    pages: int = 1
    notes: list[tuple[str, str]] = field(default_factory=list)  # (severity, message)

    @property
    def text(self) -> str:
        """The whole document as text, one line per line (rows tab-joined), in reading order."""
        return "\n".join("\t".join(c or "" for c in ln.cells) if ln.is_row else ln.text for ln in self.lines)
