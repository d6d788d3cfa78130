"""Render a synthetic document (``juesuan.testing.synth.SynthDoc``) in the forms counties publish besides PDF:
a web page (UTF-8 or GB2312, merged header cells as ``rowspan``/``colspan``, inside the layout tables and navigation
a site wraps its content in), a browser copy of such a page (one table cell per line), a Word file (merged header
cells) and text exports in the encodings Chinese Windows tools write. Each carries the same lines as
``synth.to_text``, so the round-trip tests read every form back against ``SynthDoc.expected``.

Only the attributes the synth contract promises are used: ``doc.department, year, kind, tables, narrative`` and per
table ``id, title, label, unit, header, spans, rows, note``.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from .render import _vertical_spans
from .synth import to_text


def _preamble(doc: Any) -> list[str]:
    return [
        f"{doc.year}年度",
        doc.department,
        "部门决算",
        "第一部分 部门概况",
        f"{doc.department}是本级政府的工作部门。",
        "第二部分 部门决算表",
    ]


def _caption(doc: Any, t: Any) -> list[str]:
    return [f"公开 {t.id[-2:]} 表", f"单位：{t.unit}", f"部门：{doc.department}"]


def header_cells(t: Any) -> list[list[tuple[int, str, int, int]]]:
    """The header as a browser lays it out: per row, the cells that are not covered by a merge, each as
    (column, text, rowspan, colspan)."""
    covered: set[tuple[int, int]] = set()
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    for r, c0, c1 in t.spans:
        spans[(r, c0)] = (1, c1 - c0 + 1)
        covered.update((r, c) for c in range(c0 + 1, c1 + 1))
    for c, r0, r1 in _vertical_spans(t.header, t.spans):
        rs, cs = spans.get((r0, c), (1, 1))
        spans[(r0, c)] = (r1 - r0 + 1, cs)
        covered.update((r, k) for r in range(r0 + 1, r1 + 1) for k in range(c, c + cs))
    out = []
    for r, row in enumerate(t.header):
        out.append([(c, v, *spans.get((r, c), (1, 1))) for c, v in enumerate(row) if (r, c) not in covered])
    return out


# ------------------------------------------------------------------------------------------------ HTML


def _html_table(t: Any, blank: str) -> list[str]:
    width = max(len(r) for r in (t.header + t.rows)) if (t.header or t.rows) else 1
    out = ['<table border="1" cellspacing="0" class="MsoTableGrid">']
    out.append(f'<tr><td colspan="{width}" align="center"><b>{html.escape(t.title)}</b></td></tr>')
    for row in header_cells(t):
        tds = []
        for _c, v, rs, cs in row:
            attrs = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
            tds.append(f"<th{attrs}>{html.escape(v) if v else blank}</th>")
        out.append("<tr>" + "".join(tds) + "</tr>")
    for row in t.rows:
        cells = list(row) + [""] * (width - len(row))
        out.append("<tr>" + "".join(f"<td>{html.escape(v) if v else blank}</td>" for v in cells) + "</tr>")
    out.append("</table>")
    return out


def html_page(doc: Any, charset: str = "utf-8", layout: bool = True, blank: str = "&nbsp;") -> str:
    """The document as a county site's page: a ``<meta>`` charset, navigation and scripts to be ignored, the content
    in layout tables (``layout``), the preamble and narrative as paragraphs, each table's title in a row spanning
    it, merged header cells, empty cells as ``blank``."""
    p = [f"<p>{html.escape(s)}</p>" for s in _preamble(doc)]
    for t in doc.tables:
        p += [f"<p align='center'>{html.escape(s)}</p>" for s in _caption(doc, t)[:1]]
        p += [f"<div>{html.escape(s)}</div>" for s in _caption(doc, t)[1:]]
        p += _html_table(t, blank)
        p.append(f"<p>{html.escape(t.note)}</p>")
    p.append("<p>第三部分</p>")
    p += [f"<p style='text-indent:2em'>{html.escape(s)}<br/></p>" for s in doc.narrative]
    content = "\n".join(p)
    if layout:
        content = (
            '<table width="100%" border="0"><tr><td>\n<table width="960" align="center"><tr><td class="content">\n'
            f"{content}\n</td></tr></table>\n</td></tr>\n<tr><td>联系我们&nbsp;|&nbsp;网站地图</td></tr></table>"
        )
    return (
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN">\n<html>\n<head>\n'
        f'<meta http-equiv="Content-Type" content="text/html; charset={charset}" />\n'
        f"<title>{html.escape(doc.department)}{doc.year}年度部门决算</title>\n"
        "<style>td{font-size:12px}</style>\n<script>var nav = '首页 > 政务公开 > 部门决算';</script>\n</head>\n"
        "<body>\n<nav><a href='/'>首页</a> &gt; <a href='/zwgk'>政务公开</a> &gt; 部门决算</nav>\n"
        f"{content}\n<div style='display:none'>统计代码 收入合计9999.99万元</div>\n</body>\n</html>\n"
    )


def to_html(doc: Any, path: str | Path, charset: str = "utf-8", layout: bool = True) -> Path:
    """Write ``html_page(doc)`` encoded in ``charset`` (a GB2312 page is encoded strictly in GB2312)."""
    path = Path(path)
    path.write_bytes(html_page(doc, charset=charset, layout=layout).encode(charset))
    return path


# ------------------------------------------------------------------------------------------------ browser copy


def webcopy_text(doc: Any, keep_empty: bool = True, tabs: bool = False) -> str:
    """The page as copied from a browser. ``tabs``: as Chrome and Firefox copy a ``<table>``, a row per line with
    its cells tab-separated and a merged cell written once. Otherwise every table cell on a line of its own (a page
    whose cells are blocks, or a copy pasted through an editor), empty cells as empty lines (``keep_empty``) or
    missing altogether. Paragraphs one a line."""
    out = _preamble(doc)
    for t in doc.tables:
        out += ["", t.title, *_caption(doc, t)]
        width = max(len(r) for r in (t.header + t.rows)) if (t.header or t.rows) else 1
        header = [[v for _c, v, _rs, _cs in row] for row in header_cells(t)]
        body = [list(row) + [""] * (width - len(row)) for row in t.rows]
        if tabs:
            out += ["\t".join(row) for row in header + body]
        else:
            out += [v for row in header + body for v in row if v or keep_empty]
        out += ["", t.note]
    out += ["", "第三部分", *doc.narrative]
    return "\n".join(out) + "\n"


def to_webcopy(doc: Any, path: str | Path, keep_empty: bool = True, tabs: bool = False) -> Path:
    path = Path(path)
    path.write_text(webcopy_text(doc, keep_empty=keep_empty, tabs=tabs), encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------------------ Word


def _docx_table(document: Any, t: Any) -> None:
    width = max(len(r) for r in (t.header + t.rows)) if (t.header or t.rows) else 1
    table = document.add_table(rows=len(t.header) + len(t.rows), cols=width)
    table.style = "Table Grid"
    rows = table.rows
    for r, hrow in enumerate(t.header):
        cells = rows[r].cells
        for c, v in enumerate(hrow):
            if v:
                cells[c].text = v
    for c, r0, r1 in _vertical_spans(t.header, t.spans):
        rows[r0].cells[c].merge(rows[r1].cells[c])
    for r, c0, c1 in t.spans:
        cells = rows[r].cells
        cells[c0].merge(cells[c1])
        cells[c0].text = t.header[r][c0]  # merge() joins the covered cells' paragraphs: keep the label alone
    for r, row in enumerate(t.rows, start=len(t.header)):
        cells = rows[r].cells
        for c, v in enumerate(row):
            if v:
                cells[c].text = v


def to_docx(doc: Any, path: str | Path) -> Path:
    """Write ``doc`` as a Word file: paragraphs for the text, a table per table with merged header cells."""
    import docx

    path = Path(path)
    document = docx.Document()
    for s in _preamble(doc):
        document.add_paragraph(s)
    for t in doc.tables:
        document.add_paragraph(t.title)
        for s in _caption(doc, t):
            document.add_paragraph(s)
        _docx_table(document, t)
        document.add_paragraph(t.note)
    document.add_paragraph("第三部分")
    for s in doc.narrative:
        document.add_paragraph(s)
    document.save(str(path))
    return path


# ------------------------------------------------------------------------------------------------ encodings


def to_encoded_text(doc: Any, path: str | Path, encoding: str, **kw: Any) -> Path:
    """``synth.to_text(doc)`` written in ``encoding`` ("gb18030", "gbk", "utf-16" (with BOM), "utf-8-sig" …)."""
    path = Path(path)
    path.write_bytes(to_text(doc, **kw).encode(encoding))
    return path
