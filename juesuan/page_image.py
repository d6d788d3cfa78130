"""Seeing the source: a page of a document as an image, with boxes around chosen cells or findings.

``page_image(doc, page, highlight=…)`` (also ``Document.page_image``) returns a PIL Image that shows inline in a
notebook. A PDF page is rendered by pypdfium2 as displayed (rotation applied); cells and findings carry their box in
PDF points from the displayed page's top-left (``x0, top, x1, bottom``), which are scaled by the rendered size over
the page's size (``RawDocument.page_sizes``, else pdfium's). A text export, web page, Word file or spreadsheet has
no page to render: its lines of that page are drawn as text (a CJK font from ``juesuan.plotting``) and the lines
holding the chosen cells are boxed.

``highlight`` takes rows of ``cells``, ``findings`` or the ``analysis.key_figures`` panel (a DataFrame, one row as a
Series or dict) or boxes as ``(x0, top, x1, bottom)`` tuples; rows of other pages are left out. A finding without a
box is shown by the boxes of the cells it names (table, code or item, measure on that page).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from .errors import FileMissing, JuesuanError

Box = tuple[float, float, float, float]
_PDF_FORMATS = {"pdf", "ocr"}
_BOX = ["x0", "top", "x1", "bottom"]


def _rows(highlight) -> list[dict]:
    if highlight is None:
        return []
    if isinstance(highlight, pd.DataFrame):
        return highlight.astype(object).where(highlight.notna(), None).to_dict("records")
    if isinstance(highlight, pd.Series):
        return [highlight.astype(object).where(highlight.notna(), None).to_dict()]
    if isinstance(highlight, dict):
        return [highlight]
    if isinstance(highlight, tuple) and len(highlight) == 4 and all(isinstance(v, (int, float)) for v in highlight):
        return [dict(zip(_BOX, highlight))]
    return [r if isinstance(r, dict) else dict(zip(_BOX, r)) for r in highlight]


def _on_page(row: dict, page: int) -> bool:
    return row.get("page") is None or int(row["page"]) == page


def _cells_named(doc, row: dict, page: int) -> list[dict]:
    """The cells a finding names (its code or item, with its table and measure when given) on ``page``: where to
    look when it has no box. A finding that names neither code nor item names no cell."""
    if row.get("code") is None and row.get("item") is None:
        return []
    c = doc.cells[doc.cells["page"] == page]
    for col in ("table", "code", "item", "measure"):
        if row.get(col) is not None:
            c = c[c[col] == row[col]]
    return c.astype(object).where(c.notna(), None).to_dict("records")


def boxes_on_page(doc, page: int, highlight) -> tuple[list[Box], set[int]]:
    """The boxes (PDF points) and the source lines to mark on ``page`` for ``highlight``."""
    boxes: list[Box] = []
    lines: set[int] = set()
    for row in _rows(highlight):
        if not _on_page(row, page):
            continue
        if all(row.get(k) is not None for k in _BOX):
            boxes.append(tuple(float(row[k]) for k in _BOX))
        elif row.get("line") is not None:
            lines.add(int(row["line"]))
        elif "check" in row and doc is not None:
            for cell in _cells_named(doc, row, page) + _lines_saying(doc, row.get("evidence"), page):
                if all(cell.get(k) is not None for k in _BOX):
                    boxes.append(tuple(float(cell[k]) for k in _BOX))
                elif cell.get("line") is not None:
                    lines.add(int(cell["line"]))
    return boxes, lines


def _lines_saying(doc, evidence, page: int) -> list[dict]:
    """The source lines of ``page`` that print a finding's evidence (a sentence, a title): their box (the union of
    their cells' boxes) or their line number."""
    from .textnorm import squash

    if doc.raw is None or not isinstance(evidence, str) or len(squash(evidence)) < 4:
        return []
    want = squash(evidence)
    out = []
    for ln in doc.raw.lines:
        text = squash(ln.text)
        # the line prints the evidence, or is one line of a sentence wrapped over several
        if ln.page != page or not (want[:40] in text or (len(text) >= 8 and text in want)):
            continue
        known = [b for b in ln.boxes if b]
        if known:
            out.append(
                dict(
                    zip(
                        _BOX,
                        (
                            min(b[0] for b in known),
                            min(b[1] for b in known),
                            max(b[2] for b in known),
                            max(b[3] for b in known),
                        ),
                    )
                )
            )
        else:
            out.append({"line": ln.row})
    return out


def _source(doc, source: str | Path | None) -> Path:
    for candidate in (source, getattr(doc.raw, "path", None) if doc.raw is not None else None, doc.meta.get("file")):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    raise FileMissing(doc.meta.get("file"), "the source file is not at hand: pass source=PATH to show its page")


def render_pdf_page(
    path: str | Path,
    page: int,
    boxes: Iterable[Box] = (),
    scale: float = 2.0,
    page_size: tuple[float, float] | None = None,
    colour: str = "#e0002a",
    width: int = 3,
    pad: float = 1.5,
):
    """Page ``page`` (1-based) of a PDF rendered by pypdfium2 at ``scale`` pixels per point, with ``boxes`` (PDF
    points from the displayed page's top-left) outlined, ``pad`` points outside each box. Raises JuesuanError naming
    the file when the page does not exist."""
    import pypdfium2 as pdfium
    from PIL import ImageDraw

    pdf = pdfium.PdfDocument(str(path))
    try:
        if not 1 <= page <= len(pdf):
            raise JuesuanError(path, f"no page {page}: the file has {len(pdf)} pages")
        pg = pdf[page - 1]
        w, h = page_size or pg.get_size()
        image = pg.render(scale=scale).to_pil().convert("RGB")
    finally:
        pdf.close()
    sx, sy = image.width / w, image.height / h
    draw = ImageDraw.Draw(image)
    for x0, top, x1, bottom in boxes:
        draw.rectangle(
            [(x0 - pad) * sx - width, (top - pad) * sy - width, (x1 + pad) * sx + width, (bottom + pad) * sy + width],
            outline=colour,
            width=width,
        )
    return image


def _window(lines: list, marked: set[int], context: int, most: int) -> list:
    """The marked lines with ``context`` lines around each (a None between parts that are apart), at most ``most``
    lines; the page's first ``most`` lines when none is marked."""
    rows = [i for i, ln in enumerate(lines) if ln.row in marked]
    if not rows:
        return lines[:most]
    keep = sorted({j for i in rows for j in range(max(0, i - context), min(len(lines), i + context + 1))})
    out: list = []
    for before, j in zip([None, *keep], keep):
        if before is not None and j != before + 1:
            out.append(None)
        out.append(lines[j])
    return out[:most]


def render_text_page(
    lines: list,
    page: int,
    marked: set[int] = frozenset(),
    size: int = 14,
    colour: str = "#e0002a",
    width: int = 2,
    context: int = 3,
    most: int = 30,
):
    """The lines of ``page`` (RawDocument lines: text or table rows, cells joined by two spaces) drawn as text, one
    line per source line with its number in the margin, marked lines boxed: each marked line with ``context`` lines
    around it ("…" between parts apart; at most ``most`` lines), else the page's first ``most`` lines."""
    from matplotlib import font_manager as fm
    from PIL import Image, ImageDraw, ImageFont

    from .plotting import setup_cjk_font

    font = ImageFont.truetype(fm.findfont(fm.FontProperties(family=setup_cjk_font())), size)
    shown = _window([ln for ln in lines if ln.page == page], set(marked), context, most)
    if not shown:
        raise JuesuanError(None, f"no lines on page {page}")
    texts = ["   …" if ln is None else f"{ln.row:>5}  " + "  ".join(c or "" for c in ln.cells) for ln in shown]
    pitch = int(size * 1.5)
    wide = max(int(font.getlength(t)) for t in texts) + 2 * size
    image = Image.new("RGB", (min(wide, 1400), pitch * len(texts) + size), "white")
    draw = ImageDraw.Draw(image)
    for i, (ln, text) in enumerate(zip(shown, texts)):
        y = size // 2 + i * pitch
        draw.text((size, y), text, fill="black", font=font)
        if ln is not None and ln.row in marked:
            draw.rectangle([size // 2, y - 3, image.width - size // 2, y + pitch - 3], outline=colour, width=width)
    return image


def page_image(
    doc, page: int, highlight=None, scale: float = 2.0, source: str | Path | None = None, crop: float | None = None
):
    """The rendered page ``page`` of ``doc`` (a Document) with boxes around ``highlight`` (see the module's text).

    ``crop``: keep only the part of a PDF page around the boxes, ``crop`` points on every side (the whole page when
    nothing is boxed). ``source`` is the file when the Document does not know where its source is (one read from a
    build's cache); raises FileMissing when it is not at hand, and JuesuanError for a page the document lacks.
    """
    boxes, lines = boxes_on_page(doc, page, highlight)
    fmt = doc.meta.get("format")
    if fmt in _PDF_FORMATS:
        size = doc.raw.page_sizes.get(page) if doc.raw is not None else None
        image = render_pdf_page(_source(doc, source), page, boxes, scale=scale, page_size=size)
        if crop is None or not boxes:
            return image
        x0, top = min(b[0] for b in boxes) - crop, min(b[1] for b in boxes) - crop
        x1, bottom = max(b[2] for b in boxes) + crop, max(b[3] for b in boxes) + crop
        k = image.width / (size[0] if size else image.width / scale)
        return image.crop(
            (
                max(0, int(x0 * k)),
                max(0, int(top * k)),
                min(image.width, int(x1 * k)),
                min(image.height, int(bottom * k)),
            )
        )
    if doc.raw is None:
        raise JuesuanError(doc.meta.get("file"), "no lines kept to draw: read the file with juesuan.read")
    return render_text_page(doc.raw.lines, page, lines)


__all__ = ["boxes_on_page", "page_image", "render_pdf_page", "render_text_page"]
