"""Seeing the source: a rendered page with boxes around the chosen cells, on a generated PDF with known values."""

from __future__ import annotations

import numpy as np
import pytest

import juesuan
from juesuan.testing import render
from juesuan.testing.synth import make_document

from .conftest import seed

pytest.importorskip("PIL")
SCALE = 2.0


def _dark(image) -> np.ndarray:
    return np.asarray(image.convert("L")) < 128


@pytest.fixture(scope="module")
def pdf(tmp_path_factory):
    synth = make_document(seed=3)
    path = render.to_pdf(synth, tmp_path_factory.mktemp("pdf") / "s3.pdf", ruled=False)
    return juesuan.read(path), synth


def _pixels(box, pad=0.0):
    x0, top, x1, bottom = box
    return (
        int((x0 - pad) * SCALE),
        int((top - pad) * SCALE),
        int((x1 + pad) * SCALE) + 1,
        int((bottom + pad) * SCALE) + 1,
    )


def test_a_highlighted_cell_is_boxed_around_its_printed_number(pdf):
    doc, synth = pdf
    cells = doc.cells[(doc.cells["table"] == "05") & (doc.cells["measure"] == "合计") & doc.cells["code"].notna()]
    cell = cells.iloc[len(cells) // 2]
    e = synth.expected
    want = e[(e["table"] == "05") & (e["code"] == cell["code"]) & (e["measure"] == "合计")]["value"].item()
    assert cell["value"] == want  # the number in the box is the known one
    page, box = int(cell["page"]), tuple(cell[["x0", "top", "x1", "bottom"]])
    plain = _dark(doc.page_image(page, scale=SCALE))
    x0, y0, x1, y1 = _pixels(box)
    inside = plain[y0:y1, x0:x1]
    assert inside.sum() > 20 * len(cell["printed"])  # the glyphs of the number are in the box
    ring = plain[y0 - 6 : y1 + 6, x0 - 6 : x1 + 6].copy()
    ring[6:-6, 6:-6] = False
    assert ring.sum() == 0  # and nothing of them spills out of it
    marked = np.asarray(doc.page_image(page, highlight=cell, scale=SCALE).convert("RGB")).astype(int)
    red = (marked[..., 0] > 180) & (marked[..., 1] < 80) & (marked[..., 2] < 100)
    ys, xs = np.nonzero(red)
    assert len(ys) > 2 * (x1 - x0 + y1 - y0)  # a drawn outline, all of it just outside the box
    assert xs.min() < x0 and xs.max() >= x1 - 1 and ys.min() < y0 and ys.max() >= y1 - 1
    assert xs.min() > x0 - 12 and xs.max() < x1 + 12 and ys.min() > y0 - 12 and ys.max() < y1 + 12
    assert not red[y0:y1, x0:x1].any()  # the number itself is left as printed


def test_boxes_of_other_pages_are_left_out_and_a_missing_page_is_one_error(pdf):
    doc, _ = pdf
    cell = doc.cells.iloc[0]
    other = int(cell["page"]) + 1 if int(cell["page"]) < doc.meta["pages"] else int(cell["page"]) - 1
    a = np.asarray(doc.page_image(other, highlight=doc.cells[doc.cells["page"] == cell["page"]], scale=1))
    b = np.asarray(doc.page_image(other, scale=1))
    assert (a == b).all()
    with pytest.raises(juesuan.JuesuanError, match="no page 99"):
        doc.page_image(99)


def test_a_text_export_shows_the_lines_of_a_finding(tmp_path):
    doc = juesuan.read(seed("000"))
    finding = doc.findings[doc.findings["code"].notna()].iloc[0]
    image = doc.page_image(int(finding["page"]), highlight=finding)
    rgb = np.asarray(image.convert("RGB")).astype(int)
    red = (rgb[..., 0] > 180) & (rgb[..., 1] < 80) & (rgb[..., 2] < 100)
    assert red.any() and image.height < 2000  # the lines around it, not the whole export
