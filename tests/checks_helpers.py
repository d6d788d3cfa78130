"""Small builders for the review-check tests: a document's text from printed lines, a ledger's findings by check."""

from __future__ import annotations

from juesuan.raw import Line, RawDocument
from juesuan.validate import Ledger
from juesuan.validate.text import Text, text_of


def raw_of(*lines: str, page: int = 1) -> RawDocument:
    """A RawDocument of text lines (a line "\\f" starts a new page)."""
    out, p, row = [], page, 0
    for s in lines:
        if s == "\f":
            p, row = p + 1, 0
            continue
        row += 1
        out.append(Line(page=p, row=row, cells=(s,)))
    return RawDocument(path="t.txt", format="text", sha256="0" * 64, lines=out, pages=p)


def text(*lines: str) -> Text:
    return text_of(raw_of(*lines))


def found(ledger: Ledger, check: str, severity: str | None = None) -> list[dict]:
    """The findings of one check (of one severity when given); info findings are never counted."""
    return [
        f
        for f in ledger.findings
        if f["check"] == check and f["severity"] != "info" and (severity is None or f["severity"] == severity)
    ]


def outcomes(ledger: Ledger, check: str) -> list[str]:
    return [r["outcome"] for r in ledger.rows if r["check"] == check]


def edit(raw: RawDocument, old: str, new: str, *, nth: int = 0) -> RawDocument:
    """A copy of ``raw`` with ``old`` replaced by ``new`` in the ``nth`` text line that contains it (planting an
    error in a copy of a line, never in the file). Raises ValueError when no such line exists."""
    hits = [i for i, ln in enumerate(raw.lines) if not ln.is_row and old in ln.text]
    if len(hits) <= nth:
        raise ValueError(f"no line {nth} containing {old!r}")
    i = hits[nth]
    ln = raw.lines[i]
    cells = tuple(c.replace(old, new) if c and old in c else c for c in ln.cells)
    lines = list(raw.lines)
    lines[i] = Line(ln.page, ln.row, cells, ln.is_row, ln.boxes if cells == ln.cells else (), ln.sheet, ln.columns)
    return RawDocument(raw.path, raw.format, raw.sha256, lines, raw.pages, list(raw.notes), dict(raw.page_sizes))


def drop(raw: RawDocument, first: str, last: str, *, exact_first: bool = True) -> RawDocument:
    """A copy of ``raw`` without the lines from the one whose text is ``first`` (or contains it) through the next one
    containing ``last``."""
    start = next(
        i
        for i, ln in enumerate(raw.lines)
        if not ln.is_row and ((ln.text.strip() == first) if exact_first else (first in ln.text))
    )
    end = next(i for i in range(start, len(raw.lines)) if not raw.lines[i].is_row and last in raw.lines[i].text)
    lines = raw.lines[:start] + raw.lines[end + 1 :]
    return RawDocument(raw.path, raw.format, raw.sha256, lines, raw.pages, list(raw.notes), dict(raw.page_sizes))


def insert_after(raw: RawDocument, anchor: str, *texts: str) -> RawDocument:
    """A copy of ``raw`` with text lines added after the first text line containing ``anchor``."""
    i = next(i for i, ln in enumerate(raw.lines) if not ln.is_row and anchor in ln.text)
    at = raw.lines[i]
    added = [Line(at.page, at.row, (t,)) for t in texts]
    lines = raw.lines[: i + 1] + added + raw.lines[i + 1 :]
    return RawDocument(raw.path, raw.format, raw.sha256, lines, raw.pages, list(raw.notes), dict(raw.page_sizes))
