"""juesuan.xlsx: every table a sheet, codes and table ids as text cells, a data dictionary from juesuan.schema, frozen
headers; datapackage.json that frictionless validates with its foreign keys; read_clean reads every format alike."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import juesuan
from juesuan import analysis as A
from juesuan.corpus import assemble, write_clean
from juesuan.datapackage import write_datapackage
from juesuan.schema import TABLES
from juesuan.workbook import WORKBOOK, dictionary_frame, write_workbook

from .conftest import RAW

openpyxl = pytest.importorskip("openpyxl")
TEXT_IDS = ("doc_id", "table", "code", "parent")


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    corpus = assemble([juesuan.read(p, file_label=p.name) for p in sorted(RAW.iterdir()) if p.is_file()])
    out = tmp_path_factory.mktemp("clean")
    write_clean(corpus, out, formats=("csv", "parquet", "xlsx"))
    return corpus, out


def _assert_codes_are_text(path, frames):
    book = openpyxl.load_workbook(path, read_only=True)
    for name, fields in TABLES.items():
        ws = book[name]
        header = [c.value for c in next(ws.iter_rows(max_row=1))]
        assert header == [f.name for f in fields]
        wanted = [header.index(c) for c in TEXT_IDS if c in header]
        seen = 0
        for row in ws.iter_rows(min_row=2):
            for i in wanted:
                if row[i].value is not None:
                    assert row[i].data_type == "s" and isinstance(row[i].value, str), (name, header[i], row[i].value)
                    seen += 1
        assert seen or not len(frames[name]), name
    return book


def test_the_workbook_keeps_codes_and_table_ids_as_text_and_describes_every_field(sample):
    corpus, out = sample
    book = _assert_codes_are_text(out / WORKBOOK, corpus)
    book.close()
    book = openpyxl.load_workbook(out / WORKBOOK)  # frozen panes and whole rows need the full reader
    rows = list(book["cells"].values)
    cells = pd.DataFrame(rows[1:], columns=rows[0])
    assert {"01", "02", "05"} <= set(cells["table"])  # "01", not 1
    assert "2101501" in set(cells["code"]) and cells["year"].map(type).eq(int).all()
    dictionary = list(book["dictionary"].values)
    assert len(dictionary) - 1 == sum(len(f) for f in TABLES.values()) == len(dictionary_frame())
    about = dict(list(book["about"].values)[1:])
    assert about["juesuan_schema_version"] == juesuan.schema.SCHEMA_VERSION
    assert all(book[name].freeze_panes == "A2" for name in TABLES)


def test_the_workbook_is_byte_identical_and_reads_back_like_the_csvs(sample, tmp_path):
    corpus, out = sample
    again = write_workbook(corpus, tmp_path / WORKBOOK)
    assert again.read_bytes() == (out / WORKBOOK).read_bytes()
    from_csv, from_xlsx = A.read_clean(out), A.read_clean(out, format="xlsx")
    from_parquet, from_path = A.read_clean(out, format="parquet"), A.read_clean(out / WORKBOOK)
    for name in TABLES:
        for other in (from_xlsx, from_parquet, from_path):
            pd.testing.assert_frame_equal(from_csv[name], other[name])
    assert from_xlsx["cells"]["code"].dtype == "string"


def test_a_plain_csv_read_loses_codes_that_read_clean_keeps(sample):
    _, out = sample
    plain = pd.read_csv(out / "cells.csv", encoding="utf-8-sig")
    assert plain["code"].dtype == float  # the trap the issue describes: 2101501.0
    assert "2101501" in set(A.read_clean(out)["cells"]["code"])


def test_frictionless_validates_the_package_and_its_foreign_keys(sample, tmp_path):
    frictionless = pytest.importorskip("frictionless")
    corpus, out = sample
    pkg = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    cells = next(r for r in pkg["resources"] if r["name"] == "cells")
    assert cells["xlsx"] == {"path": WORKBOOK, "sheet": "cells"}
    assert cells["schema"]["foreignKeys"][0]["reference"] == {"resource": "documents", "fields": "doc_id"}
    assert next(f for f in cells["schema"]["fields"] if f["name"] == "code")["type"] == "string"
    assert frictionless.validate(str(out / "datapackage.json")).valid
    # the workbook alone: its sheets are the resources, and the foreign keys are checked there too
    only = tmp_path / "xlsx"
    write_clean(corpus, only, formats=("xlsx",))
    assert sorted(p.name for p in only.iterdir()) == ["datapackage.json", WORKBOOK]
    report = frictionless.validate(str(only / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "type", "note"])[:5]
    orphan = corpus.cells.copy()
    orphan.loc[orphan.index[0], "doc_id"] = "0000000000000000"
    broken = tmp_path / "broken"
    broken.mkdir()
    write_workbook({n: (orphan if n == "cells" else corpus[n]) for n in TABLES}, broken / WORKBOOK)
    write_datapackage(broken, ("xlsx",))
    errors = frictionless.validate(str(broken / "datapackage.json")).flatten(["type"])
    assert ["foreign-key"] in errors


def test_the_workbook_of_a_real_build_keeps_every_code_as_text(tmp_path_factory):
    from ._real_build import real_clean

    clean = real_clean(tmp_path_factory)
    if not (clean / WORKBOOK).is_file():
        pytest.skip("the real build wrote no workbook")
    data = A.read_clean(clean)
    _assert_codes_are_text(clean / WORKBOOK, data).close()
    assert set(A.read_clean(clean / WORKBOOK)["cells"]["code"].dropna()) == set(data["cells"]["code"].dropna())
