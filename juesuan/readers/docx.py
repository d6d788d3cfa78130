"""Word files (.docx): paragraphs and tables in document order, read with python-docx.

python-docx opens the package and gives the body; the tables are laid out here from the WordprocessingML itself,
because python-docx's ``Table.rows[i].cells`` repeats a merged cell's object over every grid position it covers and
so cannot tell a merge from two equal cells. A cell spanning columns (``w:gridSpan``) or continuing a vertical
merge (``w:vMerge`` without ``restart``) leaves ``None`` in the positions it covers, as the spreadsheet reader does
for merged ranges; ``w:gridBefore`` / ``w:gridAfter`` keep the columns of a row that starts or ends short. A table
becomes Lines the same way a sheet does (``excel.grid_to_lines``), so a title merged across a table is a text line.

A paragraph with tabs is a table row laid out with tab stops (Word users do that), like a line of a text export.
Content controls (``w:sdt``) are read through. ``Line.row`` is a running number over the document's lines; every
line is on page 1 (a .docx has no fixed pages).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ..errors import Encrypted, Unreadable, UnsupportedFormat
from ..raw import Line, RawDocument
from ..textnorm import fix_radicals
from .excel import grid_to_lines
from .html import normalize_space

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _val(el, tag: str, default: str = "") -> str:
    child = el.find(f"{_W}{tag}") if el is not None else None
    return child.get(f"{_W}val", default) if child is not None else default


def _int_val(el, tag: str, default: int) -> int:
    try:
        return max(0, int(_val(el, tag, str(default))))
    except ValueError:
        return default


_PIECES = {f"{_W}t": "", f"{_W}tab": "\t", f"{_W}br": "\n", f"{_W}cr": "\n", f"{_W}noBreakHyphen": "-"}


def paragraph_text(p) -> str:
    """A ``w:p``'s text: runs' ``w:t``, tabs as tabs, line breaks as newlines — what python-docx's
    ``Paragraph.text`` gives, walked here in one pass because python-docx runs an XPath query per paragraph and per
    run (three quarters of the read). A paragraph holding a text box is left to python-docx, which keeps the box's
    own paragraphs out."""
    if p.find(f".//{_W}txbxContent") is not None:
        from docx.text.paragraph import Paragraph

        return fix_radicals(Paragraph(p, None).text)
    return fix_radicals("".join(el.text or "" if el.tag == f"{_W}t" else _PIECES[el.tag] for el in p.iter(*_PIECES)))


def _cell_text(tc) -> str:
    """A cell's paragraphs (and those of tables nested in it) joined; a wrapped name reads as one word."""
    texts = [paragraph_text(p) for p in tc.iter(f"{_W}p")]
    return normalize_space("\n".join(t for t in texts if t))


def table_grid(tbl) -> tuple[list[list[str | None]], list[tuple[tuple[int, int], tuple[int, int]]]]:
    """A ``w:tbl`` → (grid of cell texts with None for covered cells, merged ranges)."""
    grid: list[list[str | None]] = []
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = []
    starts: dict[int, int] = {}  # column → index in merged of the vertical merge running down it
    for r, tr in enumerate(tbl.findall(f"{_W}tr")):
        tr_pr = tr.find(f"{_W}trPr")
        row: list[str | None] = [""] * _int_val(tr_pr, "gridBefore", 0)
        for tc in tr.findall(f"{_W}tc"):
            tc_pr = tc.find(f"{_W}tcPr")
            span = max(1, _int_val(tc_pr, "gridSpan", 1))
            vmerge = tc_pr.find(f"{_W}vMerge") if tc_pr is not None else None
            c = len(row)
            if vmerge is not None and vmerge.get(f"{_W}val", "continue") != "restart" and c in starts:
                (r0, c0), (_, c1) = merged[starts[c]]
                merged[starts[c]] = ((r0, c0), (r, c1))
                row.extend([None] * span)
                continue
            row.append(_cell_text(tc))
            row.extend([None] * (span - 1))
            for k in range(c, c + span):
                starts.pop(k, None)
            if vmerge is not None or span > 1:
                merged.append(((r, c), (r, c + span - 1)))
                if vmerge is not None:
                    starts[c] = len(merged) - 1
        row.extend([""] * _int_val(tr_pr, "gridAfter", 0))
        grid.append(row)
    width = max((len(r) for r in grid), default=0)
    return [r + [""] * (width - len(r)) for r in grid], merged


def _blocks(parent):
    """The body's paragraphs and tables in order, content controls opened."""
    for el in parent:
        if el.tag == f"{_W}sdt":
            content = el.find(f"{_W}sdtContent")
            if content is not None:
                yield from _blocks(content)
        elif el.tag in (f"{_W}p", f"{_W}tbl"):
            yield el


def body_to_lines(body) -> list[Line]:
    """A document body → Lines in order, numbered 1, 2, 3 … as they come."""
    lines: list[Line] = []
    for el in _blocks(body):
        if el.tag == f"{_W}tbl":
            grid, merged = table_grid(el)
            for line in grid_to_lines(grid, 1, merged):
                lines.append(replace(line, row=len(lines) + 1))
            continue
        for text in paragraph_text(el).split("\n"):
            if "\t" in text:
                cells = tuple(c.strip() for c in text.split("\t"))
                if any(cells):
                    lines.append(Line(page=1, row=len(lines) + 1, cells=cells, is_row=True))
            elif text.strip():
                lines.append(Line(page=1, row=len(lines) + 1, cells=(normalize_space(text),)))
    return lines


def open_document(path: Path):
    """python-docx's Document for ``path``, or a one-line error naming what is wrong with the file."""
    import zipfile

    import docx

    head = path.open("rb").read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise Encrypted(path, "an OLE file named .docx: an encrypted Word document (a password is needed) or a .doc")
    if not zipfile.is_zipfile(path):
        raise UnsupportedFormat(path, "unsupported format: named .docx but not a Word document (not a zip archive)")
    try:
        return docx.Document(str(path))
    except (KeyError, ValueError, zipfile.BadZipFile, OSError) as err:
        raise Unreadable(path, f"not a readable Word document (truncated or corrupt): {err}") from err
    except Exception as err:  # python-docx raises PackageNotFoundError, lxml XMLSyntaxError … for broken packages
        raise Unreadable(path, f"not a readable Word document: {type(err).__name__}: {err}") from err


def read(path: Path) -> RawDocument:
    """Read a .docx into a RawDocument (format "docx").

    Raises ``UnsupportedFormat`` for a file that is not a zip, ``Encrypted`` for a password-protected one,
    ``Unreadable`` for a broken package or one without text.
    """
    from . import sha256_of

    document = open_document(path)
    lines = body_to_lines(document.element.body)
    if not lines:
        raise Unreadable(path, "the Word document has no text")
    return RawDocument(path=str(path), format="docx", sha256=sha256_of(path), lines=lines, pages=1)
