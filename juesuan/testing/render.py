"""Render a synthetic document (``juesuan.synth.SynthDoc``) as XLSX or PDF, for round-trip tests of the readers.

The known values go in, ``juesuan.read`` reads the file back, and every cell is compared with ``SynthDoc.expected``.
The PDF variants are the layouts real disclosures use: ruled (Excel/WPS with borders) or borderless, a table on one
page or run over several with the header on the first page only and page numbers at the foot, merged header cells,
names wrapped inside their cell. Fonts: reportlab's built-in CID font STSong-Light, so no font file is needed.

Only the attributes the synth contract promises are used: ``doc.department, year, kind, tables, narrative`` and per
table ``id, title, label, unit, header, spans, rows, note``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

FONT = "STSong-Light"
_CODE_LIKE = set("0123456789")


# ---------------------------------------------------------------------------------------------------- helpers


def _is_number(text: str) -> bool:
    t = text.replace(",", "")
    try:
        float(t)
    except ValueError:
        return False
    return bool(t) and t[0] != "." and "e" not in t.lower() and "n" not in t.lower()


def _text_width(text: str, size: float) -> float:
    """Width of a line in STSong-Light: CJK full width, ASCII half width."""
    return sum(size if ord(ch) > 0x2E7F else size * 0.5 for ch in text)


def wrap_name(text: str) -> str:
    """Break a long name into two lines near its middle ("机关事业单位基本养\\n老保险缴费"), as a narrow cell does."""
    if len(text) <= 8 or _is_number(text):
        return text
    k = (len(text) + 1) // 2
    return text[:k] + "\n" + text[k:]


def _header_span_set(spans: Sequence[tuple[int, int, int]]) -> set[tuple[int, int]]:
    covered = set()
    for r, c0, c1 in spans:
        for c in range(c0 + 1, c1 + 1):
            covered.add((r, c))
    return covered


def _vertical_spans(header: list[list[str]], spans: Sequence[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Vertical merges implied by the header: a label above blank cells (not covered by a horizontal span) runs down.

    The synth header gives a merged cell's text in its first cell and "" in the cells it covers; horizontal spans are
    listed, vertical ones ("科目名称" over two header rows) are read off the blanks below a label. Returns
    (col, row_first, row_last). The 栏次 row (last) never takes part.
    """
    covered = _header_span_set(spans)
    out = []
    nrows = len(header) - 1 if header and _is_colnum_row(header[-1]) else len(header)
    for c in range(len(header[0]) if header else 0):
        r = 0
        while r < nrows:
            if header[r][c] and (r, c) not in covered:
                r1 = r
                while (
                    r1 + 1 < nrows
                    and not header[r1 + 1][c]
                    and (r1 + 1, c) not in covered
                    and not _spanned_from_left(spans, r1 + 1, c)
                ):
                    r1 += 1
                if r1 > r:
                    out.append((c, r, r1))
                r = r1 + 1
            else:
                r += 1
    return out


def _spanned_from_left(spans: Sequence[tuple[int, int, int]], r: int, c: int) -> bool:
    return any(sr == r and c0 <= c <= c1 for sr, c0, c1 in spans)


def _is_colnum_row(row: Sequence[str]) -> bool:
    filled = [c for c in row if c]
    return bool(filled) and (filled[0].replace(" ", "") == "栏次" or all(c.isdigit() for c in filled))


# ---------------------------------------------------------------------------------------------------- XLSX


def to_xlsx(  # noqa: C901 (to be split)
    doc: Any,
    path: str | Path,
    one_sheet_per_table: bool = True,
    codes_as_numbers: bool = True,
    amounts_as_numbers: bool = True,
    ruled: bool = False,
) -> Path:
    """Write ``doc`` as an Excel workbook: a sheet per table (or all tables on one sheet, one under another).

    Headers keep their merged ranges; codes are written as numbers (as Excel users type them) or as text; amounts as
    numbers with two decimals shown, or as the printed text. The narrative goes on a first sheet "说明", a paragraph
    per row. ``ruled`` draws thin borders round every table cell, as Excel and WPS exports of the templates have,
    so a PDF printed from the workbook has ruling lines. Returns the path written.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Side

    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)

    path = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = "说明"
    ws.append([f"{doc.year}年度{doc.department}部门{doc.kind}"])
    for para in doc.narrative:
        ws.append([para])
    sheet = None
    r = 0
    for t in doc.tables:
        if one_sheet_per_table or sheet is None:
            sheet = wb.create_sheet(title=f"{t.label or t.id}"[:31])
            r = 0
        else:
            r += 2  # a blank row between tables on one sheet
        width = max(len(row) for row in (t.header + t.rows)) if (t.header or t.rows) else 1
        r += 1
        sheet.cell(r, 1, t.title)
        if width > 1:
            sheet.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
        r += 1
        sheet.cell(r, 1, t.label)
        r += 1
        sheet.cell(r, 1, f"部门：{doc.department}")
        sheet.cell(r, width, f"单位：{t.unit}")
        r += 1
        top = r
        for hrow in t.header:
            for c, v in enumerate(hrow, start=1):
                if v:
                    sheet.cell(r, c, int(v) if v.isdigit() else v).alignment = Alignment(
                        horizontal="center", wrap_text=True
                    )
            r += 1
        for sr, c0, c1 in t.spans:
            sheet.merge_cells(start_row=top + sr, start_column=c0 + 1, end_row=top + sr, end_column=c1 + 1)
        for c, r0, r1 in _vertical_spans(t.header, t.spans):
            sheet.merge_cells(start_row=top + r0, start_column=c + 1, end_row=top + r1, end_column=c + 1)
        for row in t.rows:
            for c, v in enumerate(row, start=1):
                if not v:
                    continue
                cell = sheet.cell(r, c)
                plain = v.replace(",", "")
                if codes_as_numbers and v.isdigit() and len(v) in (3, 5, 7):
                    cell.value = int(v)
                elif amounts_as_numbers and v.isdigit():
                    cell.value = int(v)  # 行次: an integer, not an amount
                elif amounts_as_numbers and _is_number(v):
                    cell.value = float(plain)
                    cell.number_format = "#,##0.00" if "," in v else "0.00"
                else:
                    cell.value = v
            r += 1
        if ruled:
            for row_cells in sheet.iter_rows(min_row=top, max_row=r - 1, min_col=1, max_col=width):
                for cell in row_cells:
                    cell.border = box
        # column widths that fit the text, one page wide when printed (LibreOffice/Excel PDF export clips and splits
        # otherwise)
        from openpyxl.utils import get_column_letter

        for c in range(width):
            texts = [row[c] for row in (t.header + t.rows) if c < len(row) and row[c]]
            need = max((sum(2 if ord(ch) > 0x2E7F else 1 for ch in v) for v in texts), default=4)
            letter = get_column_letter(c + 1)
            sheet.column_dimensions[letter].width = max(need + 2, sheet.column_dimensions[letter].width or 0)
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        if t.note:
            r += 1
            sheet.cell(r, 1, t.note)
            if width > 1:
                sheet.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
    wb.save(path)
    return path


# ---------------------------------------------------------------------------------------------------- PDF


def _register_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _col_widths(rows: list[list[str]], size: float, avail: float) -> tuple[list[float], float]:
    ncols = max(len(r) for r in rows)
    widths = [0.0] * ncols
    for row in rows:
        for c, v in enumerate(row):
            for part in (v or "").split("\n"):
                widths[c] = max(widths[c], _text_width(part, size) + 8)
    widths = [max(w, 3 * size) for w in widths]
    total = sum(widths)
    if total > avail:  # shrink the font until it fits
        factor = avail / total
        return [w * factor for w in widths], size * factor
    return widths, size


def to_pdf(  # noqa: C901 (to be split)
    doc: Any,
    path: str | Path,
    ruled: bool = True,
    rows_per_page: int | None = None,
    wrap_names: bool = False,
    font_size: float = 8.0,
    cover: bool = True,
) -> Path:
    """Write ``doc`` as a PDF: a cover line, the narrative, then each table on its own landscape A4 page(s).

    ``ruled``: cell borders drawn (as Excel/WPS export them) or not (borderless). ``rows_per_page``: data rows per
    page, the rest continuing on the next page without the header (``None``: a table on one page). ``wrap_names``:
    long names broken over two lines inside their cell. ``cover``: a first page with the document's title and the
    narrative (without it, and with an empty narrative, the file is the table pages only). Page numbers ("- 3 -")
    are printed at the foot of every page.
    Returns the path written.
    """
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    _register_font()
    path = Path(path)
    pagesize = landscape(A4)
    margin = 36.0
    avail = pagesize[0] - 2 * margin
    body = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=16, wordWrap="CJK", firstLineIndent=21)
    title = ParagraphStyle("title", fontName=FONT, fontSize=16, leading=22, alignment=TA_CENTER)
    plain = ParagraphStyle("plain", fontName=FONT, fontSize=9, leading=13, wordWrap="CJK")

    def footer(canvas, _doc) -> None:
        canvas.setFont(FONT, 9)
        canvas.drawCentredString(pagesize[0] / 2, 20, f"- {canvas.getPageNumber()} -")

    story: list[Any] = []
    if cover:
        story += [Paragraph(f"{doc.year}年度{doc.department}部门{doc.kind}", title), Spacer(1, 12)]
    for para in doc.narrative:
        story.append(Paragraph(_escape(para), body))
    for t in doc.tables:
        if story:
            story.append(PageBreak())
        story.append(Paragraph(_escape(t.title), title))
        story.append(Paragraph(_escape(t.label), plain))
        story.append(Paragraph(_escape(f"部门：{doc.department}"), plain))
        story.append(Paragraph(_escape(f"单位：{t.unit}"), plain))
        story.append(Spacer(1, 6))
        data_rows = [[wrap_name(v) if wrap_names else v for v in row] for row in t.rows]
        width = max(len(r) for r in (t.header + t.rows)) if (t.header or t.rows) else 1
        header = [list(r) + [""] * (width - len(r)) for r in t.header]
        data_rows = [list(r) + [""] * (width - len(r)) for r in data_rows]
        widths, size = _col_widths(header + data_rows, font_size, avail)
        chunks = [data_rows]
        if rows_per_page and len(data_rows) > rows_per_page:
            chunks = [data_rows[i : i + rows_per_page] for i in range(0, len(data_rows), rows_per_page)]
        for k, chunk in enumerate(chunks):
            if k:
                story.append(PageBreak())
            rows = (header if k == 0 else []) + chunk
            if not rows:
                continue
            nh = len(header) if k == 0 else 0
            style = [
                ("FONT", (0, 0), (-1, -1), FONT, size),
                ("LEADING", (0, 0), (-1, -1), size * 1.3),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ALIGN", (0, 0), (-1, nh - 1), "CENTER"),
            ]
            for r, row in enumerate(chunk, start=nh):
                for c, v in enumerate(row):
                    if v and _is_number(v.replace("\n", "")) and not (v.isdigit() and len(v) in (3, 5, 7)):
                        style.append(("ALIGN", (c, r), (c, r), "RIGHT"))
            if k == 0:
                for sr, c0, c1 in t.spans:
                    style.append(("SPAN", (c0, sr), (c1, sr)))
                for c, r0, r1 in _vertical_spans(t.header, t.spans):
                    style.append(("SPAN", (c, r0), (c, r1)))
            if ruled:
                style.append(("GRID", (0, 0), (-1, -1), 0.5, colors.black))
            story.append(Table(rows, colWidths=widths, style=TableStyle(style), repeatRows=0, splitByRow=1))
        if t.note:
            story.append(Spacer(1, 6))
            story.append(Paragraph(_escape(t.note), plain))
    pdf = SimpleDocTemplate(
        str(path),
        pagesize=pagesize,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title=f"{doc.department}{doc.year}",
        author="juesuan.render",
    )
    pdf.build(story, onFirstPage=footer, onLaterPages=footer)
    return path


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# ---------------------------------------------------------------------------------------------------- text


def _display_width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _is_data_cells(cells: list[str]) -> bool:
    filled = [c for c in cells if c]
    return bool(filled) and (
        filled[0].isdigit() and len(filled[0]) in (3, 5, 7) or any("." in c and _is_number(c) for c in filled)
    )


def _spans_of(block: list[list[str]], first_data: int) -> dict[tuple[int, int], int]:
    """Header cells followed by empty cells that have labels below them: (row, col) → last column spanned."""
    spans = {}
    labels = [r for r in range(first_data) if not _is_colnum_row(block[r])]  # the 栏次 row heads nothing
    for r in labels:
        row = block[r]
        below = [block[b] for b in labels if b > r]
        for c, v in enumerate(row):
            if not v:
                continue
            k = c
            while k + 1 < len(row) and not row[k + 1] and any(b[k + 1] for b in below):
                k += 1
            if k > c:
                spans[(r, c)] = k
    return spans


def _align_block(block: list[list[str]], layout: bool, gap: int) -> list[str]:
    width = max(len(r) for r in block)
    block = [list(r) + [""] * (width - len(r)) for r in block]
    first_data = next((i for i, r in enumerate(block) if _is_data_cells(r)), len(block))
    spans = _spans_of(block, first_data) if layout else {}
    widths = [0] * width
    for r, row in enumerate(block):
        for c, v in enumerate(row):
            if (r, c) not in spans:
                widths[c] = max(widths[c], _display_width(v))
    starts = [0]
    for w in widths:
        starts.append(starts[-1] + w + gap)
    out = []
    for r, row in enumerate(block):
        line = ""
        for c, v in enumerate(row):
            if not v:
                continue
            lo, hi = starts[c], starts[spans.get((r, c), c) + 1] - gap
            w = _display_width(v)
            if layout and r < first_data:
                at = lo + (hi - lo - w) // 2  # header labels centred over their column (or span)
            elif layout and _is_number(v) and not (v.isdigit() and len(v) in (3, 5, 7)):
                at = hi - w  # amounts right-aligned
            else:
                at = lo
            at = max(at, _display_width(line) + (1 if line else 0))
            line += " " * (at - _display_width(line)) + v
        out.append(line)
    return out


def tabs_to_spaces(text: str, layout: bool = False, gap: int = 2) -> str:
    """A tab-separated text export with its tables aligned by spaces instead (a CJK character two columns wide).

    ``layout``: as ``pdftotext -layout`` prints a borderless table: header labels centred over their column (a group
    label over the columns it spans), amounts right-aligned, the table indented. Otherwise every cell starts at its
    column, ``gap`` spaces after the widest cell of the column before (an export whose tabs became spaces).
    """
    out: list[str] = []
    block: list[list[str]] = []

    def flush() -> None:
        if block:
            indent = "    " if layout else ""
            out.extend(indent + ln.rstrip() for ln in _align_block(block, layout, gap))
            block.clear()

    pending: list[str] = []  # blank lines inside a table stay inside it
    for raw in text.split("\n"):
        if "\t" in raw:
            if block:
                block.extend([[]] * len(pending))
                pending.clear()
            block.append([c.strip() for c in raw.split("\t")])
            continue
        if not raw.strip() and block:
            pending.append(raw)
            continue
        flush()
        out.extend(pending)
        pending.clear()
        out.append(raw)
    flush()
    out.extend(pending)
    return "\n".join(out)


def tabs_to_csv(text: str) -> str:
    """A tab-separated text export saved as CSV: every line a record, the tab cells its fields."""
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for raw in text.split("\n"):
        writer.writerow([c.strip() for c in raw.split("\t")] if "\t" in raw else ([raw] if raw.strip() else []))
    return buf.getvalue()
