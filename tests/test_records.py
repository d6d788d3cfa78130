"""The pipeline before the DataFrames: ``read_records`` gives the rows ``read`` makes its frames from, imports no
pandas, and ``juesuan show FILE`` prints from it exactly what the frames printed."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from contextlib import redirect_stdout

import pandas as pd
import pytest

from juesuan.cli import aligned_rows, main, write_frame
from juesuan.document import read, read_records, records_to_document
from juesuan.schema import frame_from_records
from juesuan.validate.structure import _stated_amounts

from .conftest import RAW

SAMPLES = sorted(RAW.glob("*.txt"))
FRAMES = ("cells", "facts", "findings", "checks", "tables", "dropped")


@pytest.fixture(scope="module")
def pdf(tmp_path_factory):
    from juesuan.testing import render
    from juesuan.testing.synth import make_document

    return render.to_pdf(make_document(seed=11, n_items=6), tmp_path_factory.mktemp("rec") / "doc.pdf", ruled=False)


def _printed(df: pd.DataFrame, fmt: str) -> str:
    buf = io.StringIO()
    write_frame(df, fmt, buf)
    return buf.getvalue()


def _rows(df: pd.DataFrame) -> list[dict]:
    return df.astype(object).where(df.notna(), None).to_dict("records")


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name[:3])
def test_the_records_make_the_frames_read_makes(path):
    doc, rec = read(path), read_records(path)
    again = records_to_document(rec)
    assert rec.meta == doc.meta == again.meta
    for name in FRAMES:
        pd.testing.assert_frame_equal(getattr(again, name), getattr(doc, name), check_exact=True)
    assert (len(rec.cells), len(rec.facts)) == (len(doc.cells), len(doc.facts)) and len(rec.cells) + len(rec.facts) > 0
    assert all(r["doc_id"] == doc.meta["doc_id"] for r in (*rec.cells, *rec.facts, *rec.checks))


def test_the_pdf_records_make_the_frames_read_makes(pdf):
    doc, again = read(pdf), records_to_document(read_records(pdf))
    assert doc.meta == again.meta and len(doc.cells) > 50
    for name in FRAMES:
        pd.testing.assert_frame_equal(getattr(again, name), getattr(doc, name), check_exact=True)


# Any import of pandas, numpy or pyarrow fails; then a sample and a PDF are read and shown. What is printed is
# compared with the same command run normally, so "runs without pandas" and "prints the same" are one assertion.
_BLOCKED = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("pandas", "numpy", "pyarrow"):
            raise ImportError("blocked: " + name)
sys.meta_path.insert(0, Block())
from juesuan.document import read_records
for f in sys.argv[2:]:
    rec = read_records(f)
    print(f, len(rec.cells), len(rec.facts), len(rec.tables), rec.meta["status"])
from juesuan.cli import main
raise SystemExit(main(["show", sys.argv[2], "--format", sys.argv[1]]))
"""


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_read_records_and_show_need_no_pandas(pdf, fmt):
    files = [str(pdf), str(SAMPLES[0])]
    r = subprocess.run([sys.executable, "-c", _BLOCKED, fmt, *files], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-2000:]
    lines = r.stdout.splitlines()
    for line, f in zip(lines, files):
        doc = read(f)
        assert line == f"{f} {len(doc.cells)} {len(doc.facts)} {len(doc.tables)} {doc.meta['status']}"
    buf = io.StringIO()
    with redirect_stdout(buf):
        assert main(["show", files[0], "--format", fmt]) == 0
    assert "\n".join(lines[len(files) :]) + "\n" == buf.getvalue()


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
@pytest.mark.parametrize("path", [*SAMPLES[:3], "pdf"], ids=lambda p: getattr(p, "name", p)[:3])
def test_show_prints_what_the_frames_print(path, fmt, pdf):
    """The summary as the frames path printed it (meta as a one-row frame; the tables frame without doc_id)."""
    path = pdf if path == "pdf" else path
    doc = read(path)
    if fmt == "table":
        head = "".join(f"{k:>15}: {'' if v is None else v}\n" for k, v in doc.meta.items())
        expected = head + "\n" + _printed(doc.tables.drop(columns=["doc_id"]), "table")
    else:
        expected = _printed(pd.DataFrame([doc.meta]), fmt)
    buf = io.StringIO()
    with redirect_stdout(buf):
        assert main(["show", str(path), "--format", fmt]) == 0
    assert buf.getvalue() == expected
    if fmt == "json":
        assert json.loads(buf.getvalue())[0]["doc_id"] == doc.meta["doc_id"]


def _table_row(i: int, **kw) -> dict:
    row = dict(doc_id="d", table=f"{i:02d}", title="收入支出决算总表", variant=None, label=None, page=i, last_page=i)
    row.update(n_rows=3, n_cells=9, n_amounts=9, n_dropped=0, empty=False, note=None)
    row.update(kw)
    return row


def test_aligned_rows_is_pandas_layout_for_hard_values():
    """Wide and ambiguous-width characters, a value far over pandas' display.max_colwidth, tabs and newlines, an
    empty text, a missing integer, flags, and a column whose header is wider than its values."""
    rows = [
        _table_row(1, title="十一、2017年江苏省高级人民法院部门一般公共预算“三公”经费、会议费、培训费支出预算表" * 2),
        _table_row(2, variant="江苏收入总表", note="第一行\t第二列\n第二行", empty=True),
        _table_row(3, title="", label="①", last_page=None, n_dropped=12345, note="ａｂｃ　全角"),
        _table_row(4, title="ASCII only title", page=None, note="x" * 70),
    ]
    expected = _printed(frame_from_records(rows, "tables").drop(columns=["doc_id"]), "table")
    assert aligned_rows("tables", rows) + "\n" == expected
    assert "..." not in expected  # pandas' to_string cuts nothing
    assert aligned_rows("tables", []) + "\n" == _printed(frame_from_records([], "tables"), "table") == "(none)\n"


def test_aligned_rows_refuses_a_number_field():
    with pytest.raises(ValueError, match="number field"):
        aligned_rows("cells", [{"value": 1.0}])


@pytest.mark.parametrize("path", SAMPLES[:2], ids=lambda p: p.name[:3])
def test_stated_amounts_read_rows_and_frames_alike(path):
    rec = read_records(path)
    from_rows, from_frame = _stated_amounts(rec.facts), _stated_amounts(records_to_document(rec).facts)
    assert from_rows == from_frame and len(from_rows) > 3
    assert all(isinstance(a["value"], float) and a["value"] for a in from_rows)
