"""Structure (juesuan.validate.structure): tables of the layout, empty tables and their statements, required parts,
the contents. Errors are planted in copies of seed 000's lines (data/raw) and read from the real files."""

from __future__ import annotations

import pytest

from juesuan.document import raw_to_document
from juesuan.readers import read_raw
from juesuan.validate.review import REVIEW_CHECKS
from juesuan.validate.structure import choose_layout, is_table_title, title_key

from .checks_helpers import drop, edit, insert_after
from .conftest import seed


@pytest.fixture(scope="module")
def raw000():
    return read_raw(seed("000"))


@pytest.fixture(scope="module")
def doc000(raw000):
    return raw_to_document(raw000)


def review(doc, check: str, severity: str | None = None) -> list:
    f = doc.findings
    f = f[(f.check == check) & (f.severity != "info")]
    return list(f[f.severity == severity].itertuples() if severity else f.itertuples())


def outcomes(doc, check: str) -> list[str]:
    return doc.checks[doc.checks.check == check].outcome.tolist()


def test_titles_and_layouts():
    assert title_key("公开01表：2024年部门财务收支预算总表") == "部门财务收支预算总表"
    assert title_key("财政拨款支出预算表（功能科目）") == "财政拨款支出预算表"
    assert is_table_title("2026年预算单位一般公共预算支出功能分类预算表")
    assert not is_table_title("第二部分部门预算表") and not is_table_title("附件江苏省政协办公厅部门预算公开表")
    assert choose_layout("预算", ["收支预算总表", "财政拨款基本支出预算表"]) == "江苏十二表"
    assert choose_layout("预算", ["部门一般公共预算支出功能分类预算表"]) == "上海九表"
    assert choose_layout("决算", ["高等学校收支决算总表"]) == "教育部高校"
    assert choose_layout("决算", ["收入决算表"]) == "决算九表"


def test_seed_000_is_clean(doc000):
    """Seed 000 prints its nine tables, explains its three empty ones and has every part: no review finding."""
    f = doc000.findings
    assert f[f.check.isin(REVIEW_CHECKS) & (f.severity != "info")].empty
    assert outcomes(doc000, "table_missing") == ["passed"] * 9
    assert outcomes(doc000, "empty_table_unexplained") == ["passed"] * 3
    assert set(outcomes(doc000, "section_missing")) == {"passed"}


def test_table_missing(raw000):
    doc = raw_to_document(
        drop(raw000, "一般公共预算财政拨款支出决算表", "注：本表反映部门本年度一般公共预算财政拨款支出情况")
    )
    (f,) = review(doc, "table_missing", "error")
    assert f.table == "05" and f.page == 1 and "一般公共预算财政拨款支出决算表" in f.message
    # the contents still list it: that is the same fact, reported once
    assert not review(doc, "toc_table_count") and outcomes(doc, "toc_table_count") == ["passed"]


def test_a_file_with_a_few_tables_is_an_excerpt_not_a_document_missing_tables():
    from juesuan.raw import RawDocument
    from juesuan.readers.text import text_to_lines

    body = "支出决算表\n单位：万元\n项目\t\t本年支出合计\n科目编码\t科目名称\t\n208\t社会保障和就业支出\t10.00\n"
    lines, pages = text_to_lines(body)
    raw = RawDocument("t.txt", "text", "0" * 64, lines, pages)
    doc = raw_to_document(raw)
    assert not review(doc, "table_missing") and outcomes(doc, "table_missing") == ["not_checked"]


def test_empty_table_statement_over_printed_amounts(raw000):
    doc = raw_to_document(
        edit(
            raw000,
            "注：本表反映部门本年度一般公共预算财政拨款基本支出明细情况。",
            "注：本单位无基本支出，故本表无数据。",
        )
    )
    (f,) = review(doc, "empty_table_statement", "error")
    assert f.table == "06" and "本表无数据" in f.evidence and f.page == 1


def test_empty_table_unexplained(raw000):
    # 08's note gone: the narrative still says so ("本单位无政府性基金收入支出"), which is enough
    no_note = drop(raw000, "(株洲市石峰区医疗保障局没有政府性基金收入", "故本表无数据", exact_first=False)
    assert not review(raw_to_document(no_note), "empty_table_unexplained")
    # its figures stated as 0 explain it too (八's "收入0万元…支出0万元", the 绩效 part's "政府性基金预算支出0万元",
    # once broken over two lines); with all of them gone nothing does
    silent = drop(no_note, "2021年度政府性基金预算财政拨款收入0万元", "本单位无政府性基金收入支出", exact_first=False)
    silent = edit(edit(silent, "府性基金预算支出0万元", ""), "府性基金预算支出0万元", "")
    (f,) = review(raw_to_document(silent), "empty_table_unexplained", "warning")
    assert f.table == "08" and f.page == 1


def test_empty_table_in_a_tables_only_file_is_not_checked(raw000):
    """A file holding the tables alone (江苏 publishes its 情况说明 as another file) cannot say why 08 is empty:
    the check says it could not run instead of warning."""
    from dataclasses import replace

    no_note = drop(raw000, "(株洲市石峰区医疗保障局没有政府性基金收入", "故本表无数据", exact_first=False)
    lines = no_note.lines
    first = next(i for i, ln in enumerate(lines) if (ln.text or "").strip() == "收入支出决算总表")
    end = next(i for i, ln in enumerate(lines) if i > first and (ln.text or "").startswith("第三部分"))
    tables_only = replace(no_note, lines=lines[first:end])  # the nine tables, without the 情况说明 after them
    doc = raw_to_document(tables_only)
    assert "08" in doc.parsed and doc.parsed["08"].empty
    assert not review(doc, "empty_table_unexplained")
    ledger = doc.checks[(doc.checks.check == "empty_table_unexplained") & (doc.checks.table == "08")]
    assert ledger.outcome.tolist() == ["not_checked"] and "情况说明" in ledger.reason.iloc[0]


def test_narrative_figure_of_an_empty_table(raw000):
    doc = raw_to_document(edit(raw000, "2、公务接待费支出决算为0万元", "2、公务接待费支出决算为1.2万元"))
    (f,) = review(doc, "narrative_table_blank", "error")
    assert f.table == "07" and f.actual == 1.2 and "公务接待费支出决算为1.2万元" in f.evidence


def test_section_missing(raw000):
    gone = drop(raw000, "- 十二、政府采购支出说明", "- 十二、政府采购支出说明")
    gone = drop(gone, "十二、政府采购支出说明", "授予中小企业合同金额0万元")
    (f,) = review(raw_to_document(gone), "section_missing", "warning")
    assert f.item == "政府采购"


def test_section_missing_in_a_real_sample():
    """Seed 003 (2021) goes from 八、政府性基金 to 九、其他重要事项: no 国有资本经营预算 part."""
    doc = raw_to_document(read_raw(seed("003")))
    (f,) = review(doc, "section_missing")
    assert f.item == "国有资本经营预算"


def test_toc_lists_a_table_that_is_not_printed(raw000):
    doc = raw_to_document(insert_after(raw000, "- 九、国有资本经营预算财政拨款支出决算表", "- 十、政府采购支出预算表"))
    (f,) = review(doc, "toc_table_count", "warning")
    assert "政府采购支出预算表" in f.message


# Real files -----------------------------------------------------------------------------------------------------


def _read(shared_real, folder: str, name: str):
    import juesuan

    return juesuan.read(shared_real / folder / name)


def test_real_layouts(shared_real):
    js = _read(shared_real, "jiangsu-2017-2019-yusuan", "江苏省人大办公厅__江苏省人大办公厅2017年度预算公开.pdf")
    assert outcomes(js, "table_missing") == ["passed"] * 12  # the 政府采购预算表 counts by its printed title
    narrative_only = _read(shared_real, "jiangsu-2017-2019-yusuan", "江苏省委办公厅__江苏省委办公厅2017年部门预算.pdf")
    assert outcomes(narrative_only, "table_missing") == ["not_checked"]  # the tables are another file
    swu = _read(shared_real, "swu-2023-jiaoyubu", "西南大学2023年度部门决算.pdf")
    assert outcomes(swu, "table_missing") == ["passed"] * 4


def test_real_empty_table_statements(shared_real):
    """万里街道 2024 notes under its 07 "本部门2024年无“三公”经费和机关运行经费预算，故本表为空表" and prints 47.91 …"""
    doc = _read(shared_real, "shanghai-putuo", "上海市普陀区人民政府万里街道办事处24年预算.pdf")
    (f,) = review(doc, "empty_table_statement", "error")
    assert f.table == "07" and f.page == 31 and "故本表为空表" in f.evidence
    # 2025's 07 prints its amounts without that note
    assert not review(
        _read(shared_real, "shanghai-putuo", "上海市普陀区人民政府万里街道办事处25年预算.pdf"), "empty_table_statement"
    )
    # 江苏 人大 2019 (tables only):
    js = _read(
        shared_real, "jiangsu-2017-2019-yusuan", "江苏省人大办公厅__江苏省人大常委会办公厅2019年部门预算公开表.pdf"
    )
    # the 08 table prints a blank 合计 row and nothing in this file says why; its 情况说明 is the other file of the
    # disclosure, so the check says it could not run
    assert not review(js, "empty_table_unexplained")
    ledger = js.checks[(js.checks.check == "empty_table_unexplained") & (js.checks.table == "08")]
    assert ledger.outcome.tolist() == ["not_checked"]


@pytest.mark.parametrize("form", ["rows", "frame"])
def test_only_stated_nonzero_current_year_amounts_in_wanyuan_are_compared_with_blank_tables(form):
    """The same selection from the fact rows the pipeline passes and from the facts frame a script may pass."""
    from juesuan.schema import frame_from_records
    from juesuan.validate.structure import _stated_amounts

    base = {"figure": "amount", "period": "本年", "unit": "万元", "derived": False, "value": 5.0, "page": 3}
    rows = [
        {**base, "concept": "kept", "sentence": "s1"},
        {**base, "concept": "derived", "derived": True},
        {**base, "concept": "derived unknown", "derived": None},
        {**base, "concept": "zero", "value": 0.0},
        {**base, "concept": "no value", "value": None},
        {**base, "concept": "last year", "period": "上年"},
        {**base, "concept": "yuan", "unit": "元"},
        {**base, "concept": "no unit", "unit": None},
        {**base, "concept": "a change", "figure": "change"},
        {**base, "concept": "no page", "page": None, "sentence": "s2"},
    ]
    stated = _stated_amounts(rows if form == "rows" else frame_from_records(rows, "facts"))
    assert stated == [
        {"concept": "kept", "value": 5.0, "page": 3, "sentence": "s1"},
        {"concept": "no page", "value": 5.0, "page": None, "sentence": "s2"},
    ]
