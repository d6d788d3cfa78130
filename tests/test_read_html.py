"""Web pages: synthetic documents rendered as county pages (UTF-8 and GB2312, merged header cells, layout tables)
read back cell for cell; spans, nesting, entities, charsets and dropped page furniture on small pages."""

from __future__ import annotations

import pytest

import juesuan
from juesuan.readers import detect_format, read_raw
from juesuan.readers.html import html_to_lines, normalize_space
from juesuan.testing import render_web
from juesuan.testing.synth import make_document, to_text

from .roundtrip import cell_mismatches

VARIANTS = [{}, {"unit": "元"}, {"with_fund": False, "with_sangong": False}, {"n_items": 14}]


def narrative_facts(document):
    """The facts without their provenance (line numbers differ between forms), in a stable order."""
    keep = [c for c in document.facts.columns if c not in ("doc_id", "row", "line", "page", "span")]
    return document.facts[keep].astype(str).sort_values(keep).reset_index(drop=True)


def text_export(tmp_path, synth):
    path = tmp_path / "export.txt"
    path.write_text(to_text(synth), encoding="utf-8")
    return juesuan.read(path)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("charset", ["utf-8", "gb2312"])
def test_page_round_trip_every_cell(tmp_path, seed, variant, charset):
    synth = make_document(seed=seed, **variant)
    path = render_web.to_html(synth, tmp_path / "page.html", charset=charset, layout=seed != 2)
    got = juesuan.read(path)
    bad = cell_mismatches(synth.expected, got.cells)
    assert bad.empty, bad.head(20).to_string()
    assert got.meta["format"] == "html" and got.meta["status"] == "ok"
    assert got.meta["tables"] == "01,02,03,04,05,06,07,08,09"
    assert got.meta["department"] == synth.department and got.meta["year"] == synth.year
    expected_facts = narrative_facts(text_export(tmp_path, synth))
    assert len(expected_facts) and narrative_facts(got).equals(expected_facts)


def test_hidden_text_and_page_furniture_are_not_read(tmp_path):
    synth = make_document(seed=0)
    raw = read_raw(render_web.to_html(synth, tmp_path / "p.html"))
    text = raw.text
    assert "9999.99" not in text  # display:none
    assert "var nav" not in text and "td{font-size" not in text  # script, style
    assert "政务公开" not in text  # <nav>
    assert synth.narrative[2] in text


PAGE = """<html><head><meta charset="gbk"><title>t</title></head><body>
<table width="100%"><tr><td>
  <table><tr><td>
    <p>第一段&shy;文字&nbsp;&nbsp;说明</p>
    <div>一、收入<br>二、支出</div>
    <table border="1">
      <tr><th rowspan="2">科目编码</th><th colspan="2">本年支出</th></tr>
      <tr><th>基本支出</th><th>项目支出</th></tr>
      <tr><td>2010301</td><td>12.00</td><td></td></tr>
    </table>
    <p>机关事业单位基本养
    老保险缴费</p>
  </td></tr></table>
</td></tr></table>
</body></html>
"""


def test_spans_nesting_entities_and_source_lines(tmp_path):
    path = tmp_path / "small.htm"
    path.write_bytes(PAGE.encode("gb18030"))
    raw = read_raw(path)
    assert raw.format == "html" and raw.pages == 1
    texts = [ln.text for ln in raw.lines if not ln.is_row]
    assert texts == ["第一段文字 说明", "一、收入", "二、支出", "机关事业单位基本养老保险缴费"]
    rows = [ln for ln in raw.lines if ln.is_row]
    assert [r.cells for r in rows] == [
        ("科目编码", "本年支出", None),
        (None, "基本支出", "项目支出"),
        ("2010301", "12.00", ""),
    ]
    source = PAGE.splitlines()
    assert [source[r.row - 1].strip()[:4] for r in rows] == ["<tr>"] * 3
    assert "2010301" in source[rows[2].row - 1]
    # reading order: the paragraphs before the table come before its rows, the one after it after them
    order = [ln.is_row for ln in raw.lines]
    assert order == [False, False, False, True, True, True, False]


@pytest.mark.parametrize("declared", ["gb2312", "GB2312", "gbk", ""])
def test_chinese_charsets_declared_or_not(tmp_path, declared):
    """GB2312 labels are read as GB18030 (朱镕基's 镕 is outside GB2312, as on many mislabelled pages)."""
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={declared}">' if declared else ""
    page = f"<html><head>{meta}</head><body><p>朱镕基同志讲话：收入合计12.00万元。</p></body></html>"
    path = tmp_path / "p.html"
    path.write_bytes(page.encode("gb18030"))
    raw = read_raw(path)
    assert raw.lines[0].text == "朱镕基同志讲话：收入合计12.00万元。"
    assert not raw.notes


def test_wrong_declaration_is_sniffed_and_noted(tmp_path):
    page = '<html><head><meta charset="utf-8"></head><body><p>一般公共预算财政拨款收入决算情况说明</p></body></html>'
    path = tmp_path / "p.html"
    path.write_bytes(page.encode("gb18030"))
    raw = read_raw(path)
    assert raw.lines[0].text == "一般公共预算财政拨款收入决算情况说明"
    assert raw.notes and raw.notes[0][0] == "info" and "utf-8" in raw.notes[0][1]


def test_html_saved_as_txt_is_read_as_html(tmp_path):
    path = tmp_path / "saved.txt"
    path.write_text("<!DOCTYPE html><html><body><p>收入决算表</p></body></html>", encoding="utf-8")
    assert detect_format(path) == "html"
    assert read_raw(path).lines[0].cells == ("收入决算表",)


def test_single_column_table_is_layout_not_data():
    lines = html_to_lines("<table><tr><td>一、部门概况</td></tr><tr><td>职责说明</td></tr></table>")
    assert [(ln.is_row, ln.text) for ln in lines] == [(False, "一、部门概况"), (False, "职责说明")]


def test_whitespace_as_rendered():
    assert normalize_space("收入\n  合计") == "收入合计"  # a source line break between CJK characters vanishes
    assert normalize_space("2022\n年度") == "2022 年度"
    assert normalize_space("a\u00a0\u00adb\u200b c") == "a b c"
