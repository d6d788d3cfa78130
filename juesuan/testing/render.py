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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..textnorm import display_width

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
                widths[c] = max(widths[c], display_width(v))
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
            w = display_width(v)
            if layout and r < first_data:
                at = lo + (hi - lo - w) // 2  # header labels centred over their column (or span)
            elif layout and _is_number(v) and not (v.isdigit() and len(v) in (3, 5, 7)):
                at = hi - w  # amounts right-aligned
            else:
                at = lo
            at = max(at, display_width(line) + (1 if line else 0))
            line += " " * (at - display_width(line)) + v
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


# ---------------------------------------------------------------------------------------------------- drawn PDFs


def split_code_columns(t: Any) -> Any:
    """A coded table (02, 03, 05, 08, 09) with its 功能分类 code split over 类/款/项 columns ("201 | 03 | 01"), as
    上海 prints it. Tables without a 功能分类 code column come back unchanged."""
    import copy

    if len(t.header) < 2 or "编码" not in t.header[1][0] or "经济" in t.header[1][0]:
        return t
    out = copy.deepcopy(t)

    def widen(row: list[str], a: str = "", b: str = "") -> list[str]:
        return row[:1] + [a, b] + row[1:]

    out.header = [widen(h) for h in t.header]
    out.header.insert(2, ["类", "款", "项"] + [""] * (len(t.header[1]) - 1))
    out.spans = [(r + (r >= 2), c0 + 2 * (c0 > 0), c1 + 2) for r, c0, c1 in t.spans]
    out.spans.append((1, 0, 2))
    out.rows = []
    for row in t.rows:
        code = row[0]
        if code.isdigit() and len(code) in (3, 5, 7):
            out.rows.append([code[:3], code[3:5], code[5:7]] + row[1:])
        else:
            out.rows.append(widen(row))
    return out


def _wrap3(name: str) -> list[str]:
    """A long name in three pieces (a narrow cell wraps it over three lines)."""
    if len(name) < 9:
        return [name]
    k = -(-len(name) // 3)
    return [name[:k], name[k : 2 * k], name[2 * k :]]


def _is_code(v: str) -> bool:
    """A code or a part of one (类 "201", 款 "03", 项 "01"): left-aligned, never an amount."""
    return v.isdigit() and len(v) in (2, 3, 5, 7)


@dataclass
class _Op:
    """One text object to draw: its text, left x, baseline y (top-down), size."""

    text: str
    x: float
    y: float
    size: float


@dataclass
class _DrawnPage:
    ops: list[_Op] = field(default_factory=list)
    boxes: list[tuple[float, float, float, float]] = field(default_factory=list)  # ruled cells: x0, top, x1, bottom


def _table_pages(t: Any, o: dict, width: float) -> list[_DrawnPage]:  # noqa: C901 (a renderer of many options)
    size = o["font_size"]
    lh = 1.25 * size
    coded = len(t.header) > 1 and "编码" in t.header[1][0] and t.id not in ("06",)
    rows = [list(r) for r in t.rows]
    if o["lone_total"]:
        totals = [r for r in rows if any(c in ("合计", "总计") for c in r[:3])]
        rows = [r for r in rows if r not in totals] + totals
    name_col = 3 if coded and o["split_codes"] else (1 if coded else -1)
    pieces = [
        [_wrap3(v) if (o["wrap3"] and c == name_col) else [v] for c, v in enumerate(r)] for r in rows
    ]  # per row, per cell: its lines
    ncols = max(len(r) for r in t.header + rows)
    header = [list(h) + [""] * (ncols - len(h)) for h in t.header]
    widths = [3 * size] * ncols
    spanned = {(r, a) for r, a, b in t.spans}
    for r, row in enumerate(header):
        for c, v in enumerate(row):
            if (r, c) not in spanned:  # a label over several columns does not widen the first
                widths[c] = max(widths[c], _text_width(v, size) + 6)
    for r in pieces:
        for c, lines in enumerate(r):
            widths[c] = max([widths[c]] + [_text_width(v, size) + 6 for v in lines])
    scale = min(1.0, width / sum(widths))
    widths = [w * scale for w in widths]
    size *= scale
    lh *= scale
    xs = [36.0]
    for w in widths:
        xs.append(xs[-1] + w)
    chunks = [list(range(len(rows)))]
    if o["rows_per_page"]:
        n = o["rows_per_page"]
        body = list(range(len(rows) - (1 if o["lone_total"] else 0)))
        chunks = [body[i : i + n] for i in range(0, len(body), n)]
        if o["lone_total"]:
            chunks.append([len(rows) - 1])
    elif o["lone_total"]:
        chunks = [list(range(len(rows) - 1)), [len(rows) - 1]]
    pages = []
    for k, chunk in enumerate(chunks):
        page = _DrawnPage()
        y = 40.0
        if k == 0:
            page.ops.append(_Op(t.title, (xs[0] + xs[-1] - _text_width(t.title, 14)) / 2, y + 14, 14))
            y += 22
            for text in (t.label, f"部门：{o['department']}", f"单位：{t.unit}"):
                page.ops.append(_Op(text, xs[0], y + 9, 9))
                y += 13
            y += 4
            y = _draw_header(page, header, t.spans, xs, y, size, o["ruled"])
        for i in chunk:
            if y + 3 * lh + size > o["page_height"] - 40:  # the page is full: the table goes on overleaf
                pages.append(page)
                page, y = _DrawnPage(), 40.0
            y = _draw_row(page, pieces[i], xs, y, size, lh, o)
        pages.append(page)
    return pages


def _draw_header(page: _DrawnPage, header, spans, xs, y: float, size: float, ruled: bool) -> float:
    h = 1.6 * size
    covered = _header_span_set(spans)
    vertical = {(c, r0): r1 for c, r0, r1 in _vertical_spans(header, spans)}
    under = {(r, c) for (c, r0), r1 in vertical.items() for r in range(r0 + 1, r1 + 1)}
    for r, row in enumerate(header):
        for c, v in enumerate(row):
            if (r, c) in covered or (r, c) in under:
                continue
            c1 = next((b for sr, a, b in spans if sr == r and a == c), c)
            r1 = vertical.get((c, r), r)
            x0, x1, top, bottom = xs[c], xs[c1 + 1], y + r * h, y + (r1 + 1) * h
            if v:
                _text_op(page, v, (x0 + x1 - _text_width(v, size)) / 2, (top + bottom) / 2 + 0.35 * size, size, False)
            if ruled:
                page.boxes.append((x0, top, x1, bottom))
    return y + len(header) * h


def _draw_row(page: _DrawnPage, cells: list[list[str]], xs, y: float, size: float, lh: float, o: dict) -> float:
    n = max(len(lines) for lines in cells)
    height = n * lh + 0.6 * size
    line_of = {"top": 0, "middle": (n - 1) // 2, "bottom": n - 1}
    for c, lines in enumerate(cells):
        x0, x1 = xs[c], xs[c + 1]
        if o["ruled"]:
            page.boxes.append((x0, y, x1, y + height))
        if len(lines) == 1:
            v = lines[0]
            if not v:
                continue
            at = line_of["middle"] if _is_code(v) else line_of[o["amounts"]] if _is_number(v) else 0
            base = y + 0.3 * size + at * lh + 0.85 * size
            x = x1 - 3 - _text_width(v, size) if _is_number(v) and not _is_code(v) else x0 + 3
            _text_op(page, v, x, base, size, o["scramble"])
            continue
        for k, v in enumerate(lines):
            _text_op(page, v, x0 + 3, y + 0.3 * size + k * lh + 0.85 * size, size, o["scramble"])
    return y + height


def _text_op(page: _DrawnPage, text: str, x: float, y: float, size: float, split: bool) -> None:
    """A text object; with ``split`` a name goes in as two (a text layer with names split into pieces)."""
    if split and len(text) >= 4 and not _is_number(text):
        k = len(text) // 2
        page.ops.append(_Op(text[:k], x, y, size))
        page.ops.append(_Op(text[k:], x + _text_width(text[:k], size), y, size))
        return
    if len(text) == 1 and not text.isascii():
        text += " "  # pdfium extracts no text from a one-glyph string of reportlab's (unembedded) STSong-Light
    page.ops.append(_Op(text, x, y, size))


def to_pdf_drawn(
    doc: Any,
    path: str | Path,
    ruled: bool = False,
    scramble: bool = False,
    wrap3: bool = False,
    amounts: str = "middle",
    rows_per_page: int | None = None,
    lone_total: bool = False,
    split_codes: bool = False,
    running_head: bool = False,
    font_size: float = 7.0,
    seed: int = 0,
) -> Path:
    """Write ``doc``'s tables as a PDF drawn text object by text object, for the layouts readers get wrong.

    ``scramble``: the text objects are written in random order (seeded) and names are split into two objects, so
    the text layer's order says nothing about the page (only positions do). ``wrap3``: long names wrapped over three
    lines in coded tables, the code on the middle line and the amounts on the ``amounts`` line ("top", "middle",
    "bottom"). ``lone_total``: the 合计 row printed last, alone on a continuation page. ``split_codes``: 功能分类
    codes over 类/款/项 columns. ``rows_per_page``: the rest of a table continues without its header.
    ``running_head``: a line with the document's name at the top of every page. Page numbers at every foot.
    Returns the path written.
    """
    import random

    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen import canvas

    _register_font()
    rng = random.Random(seed)
    pw, ph = landscape(A4)
    o = dict(
        ruled=ruled,
        scramble=scramble,
        wrap3=wrap3,
        amounts=amounts,
        rows_per_page=rows_per_page,
        lone_total=lone_total,
        split_codes=split_codes,
        font_size=font_size,
        department=doc.department,
        page_height=ph,
    )
    pages = [_DrawnPage(ops=[_Op(f"{doc.year}年度{doc.department}部门{doc.kind}", 200, 200, 18)])]
    for t in doc.tables:
        pages.extend(_table_pages(split_code_columns(t) if split_codes else t, o, pw - 72))
    c = canvas.Canvas(str(path), pagesize=(pw, ph))
    c.setTitle(f"{doc.department}{doc.year}")
    for no, page in enumerate(pages, start=1):
        ops = list(page.ops) + [_Op(f"- {no} -", pw / 2 - 10, ph - 20, 9)]
        if running_head:
            ops.append(_Op(f"{doc.year}年度{doc.department}部门{doc.kind}", 36, 22, 8))
        if scramble:
            rng.shuffle(ops)
        c.setLineWidth(0.5)
        for x0, top, x1, bottom in page.boxes:
            c.rect(x0, ph - bottom, x1 - x0, bottom - top, stroke=1, fill=0)
        for op in ops:
            c.setFont(FONT, op.size)
            c.drawString(op.x, ph - op.y, op.text)
        c.showPage()
    c.save()
    return Path(path)
