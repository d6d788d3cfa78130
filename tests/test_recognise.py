"""Finding tables in the line stream: titles, labels, contents pages, page breaks, unknown tables."""

import pytest

from juesuan.document import raw_to_document
from juesuan.raw import RawDocument
from juesuan.readers.text import text_to_lines
from juesuan.tables import find_tables, match_title


def doc_of(text: str):
    lines, pages = text_to_lines(text)
    return raw_to_document(RawDocument(path="inline.txt", format="text", sha256="0" * 64, lines=lines, pages=pages))


def test_titles_letter_spaced_prefixed_and_mangled():
    assert match_title("收 入 决 算 表").table == "02"
    assert match_title("株洲市石峰区医疗保障局2021年度收入决算表").table == "02"
    assert match_title("财政拨款收入支出决算总表").table == "04"
    assert match_title("收入支出决算总表").table == "01"
    assert match_title("一般公共预算财政拨款基本支出决算明细表").table == "06"
    assert match_title('一般公共预算财政拨款"三公"经费支出决算表').table == "07"
    assert match_title("一般公共预算财政拨款支出决算表（公开05表）").table == "05"
    assert match_title("一般公共预算财攻拨款支出决算表").table == "05"  # one character misread
    assert match_title("五、一般公共预算财政拨款支出决算情况说明") is None
    assert match_title("一般公共预算财政拨款项目支出决算表").table == "项目支出"  # 四川's extra table is not 06
    assert match_title("表1：高等学校收支决算总表").table == "高校01"  # 教育部 高校 numbers its tables 表1 …
    assert match_title("收支预算总表").kind == "预算"


def test_contents_page_is_not_a_table():
    lines, _ = text_to_lines("目录\n- 一、收入支出决算总表\n- 二、收入决算表\t\n- 三、支出决算表\n第三部分 情况说明\n")
    assert find_tables(lines) == []


TABLE05 = """一般公共预算财政拨款支出决算表
公开05表
单位：万元
项 目\t\t本年支出\t\t
功能分类科目编码\t科目名称\t小计\t基本支出\t项目支出
栏次\t\t1\t2\t3
合计\t\t30.00\t20.00\t10.00
208\t社会保障和就业支出\t30.00\t20.00\t10.00
20805\t行政事业单位养老支出\t30.00\t20.00\t10.00
\f
第 2 页
项 目\t\t本年支出\t\t
功能分类科目编码\t科目名称\t小计\t基本支出\t项目支出
2080505\t机关事业单位基本养老保险缴费支\t20.00\t20.00\t
\t出\t\t\t
2080599\t其他行政事业单位养老支出\t10.00\t\t10.00
注：本表反映部门本年度一般公共预算财政拨款支出情况。
"""


def test_table_over_two_pages_with_repeated_header_and_wrapped_name():
    doc = doc_of(TABLE05)
    c = doc.cells
    assert len(c) == 13 and doc.findings[doc.findings.severity == "error"].empty
    assert c[c.code == "2080505"].name.iloc[0] == "机关事业单位基本养老保险缴费支出"
    assert set(c[c.code == "2080599"].page) == {2}
    assert doc.tables.iloc[0][["page", "last_page"]].tolist() == [1, 2]


def test_unknown_table_does_not_run_into_the_table_before_it():
    text = TABLE05 + "部门整体支出绩效目标表\n项目名称\t金额\n某项目\t99.00\n"
    doc = doc_of(text)
    assert doc.meta["tables"] == "05" and 99.0 not in set(doc.cells.value)
    assert (doc.dropped.reason == "table not recognised: 部门整体支出绩效目标表").sum() == 1
    assert (doc.findings.check == "table_unrecognised").sum() == 1


def test_split_code_columns_and_thousands_separators():
    text = """支出决算表
单位：元
项目\t\t\t\t本年支出合计\t基本支出\t项目支出
类\t款\t项\t科目名称\t\t\t
208\t\t\t社会保障和就业支出\t1,234,500.00\t1,000,000.00\t234,500.00
208\t05\t\t行政事业单位养老支出\t1,234,500.00\t1,000,000.00\t234,500.00
208\t05\t05\t机关事业单位基本养老保险缴费支出\t1,234,500.00\t1,000,000.00\t234,500.00
"""
    doc = doc_of(text)
    c = doc.cells
    assert sorted(set(c.code)) == ["208", "20805", "2080505"]
    assert c[(c.code == "2080505") & (c.measure == "合计")].value.iloc[0] == 123.45  # 元 → 万元
    assert doc.meta["unit"] == "元" and doc.findings[doc.findings.severity == "error"].empty


def test_unknown_column_header_is_reported_and_its_numbers_kept_in_dropped():
    text = """支出决算表
项目\t\t本年支出合计\t神秘列
科目编码\t科目名称\t\t
201\t一般公共服务支出\t5.00\t7.00
"""
    doc = doc_of(text)
    assert doc.cells.value.tolist() == [5.0]
    assert doc.dropped.text.tolist() == ["7.00"] and doc.meta["status"] == "partial"
    assert "神秘列" in doc.findings[doc.findings.check == "header_unrecognised"].message.iloc[0]


def test_untitled_table_is_recognised_by_its_header():
    text = """部门决算
收入决算表的数据如下
项目\t\t本年收入合计\t财政拨款收入\t上级补助收入\t事业收入\t其他收入
科目编码\t科目名称\t\t\t\t\t
合计\t\t12.00\t10.00\t\t\t2.00
201\t一般公共服务支出\t12.00\t10.00\t\t\t2.00
"""
    doc = doc_of(text)
    assert doc.meta["tables"] == "02" and len(doc.cells) == 6
    assert (doc.findings.check == "table_by_header").sum() == 1


def test_untitled_ambiguous_rows_are_reported_not_lost():
    text = """部门决算说明
项目\t\t合计\t基本支出\t项目支出
科目编码\t科目名称\t\t\t
201\t一般公共服务支出\t12.00\t10.00\t2.00
"""
    doc = doc_of(text)
    assert doc.cells.empty and sorted(doc.dropped.text) == ["10.00", "12.00", "2.00", "201"]  # a code too: unknown
    msg = doc.findings[doc.findings.check == "table_unrecognised"].message.iloc[0]
    assert "05" in msg and "09" in msg


@pytest.mark.parametrize(
    ("title", "table"),
    [
        ("西南大学2023年度收入支出决算总表", "01"),
        ("某某大学2023年度高等学校收支决算总表", "高校01"),
        ("2023年西南大学财政拨款支出决算表", "财政拨款支出"),
        ("平潭县实验小学2017年度收入支出决算总表", "01"),
        ("平潭县妇联2022年度一般公共预算财政拨款支出决算表", "05"),
        ("平潭县财政局（本级）2023年度收入支出决算总表", "01"),
        ("县中心幼儿园2021年部门收支预算总表", "01"),
        ("中国共产主义青年团平潭县委员会2017年收入支出决算总表", "01"),
        ("五、一般公共预算财政拨款支出决算情况说明", None),
        ("详见附件收入支出决算总表", None),  # a sentence naming a table is not its title
    ],
)
def test_titles_after_the_name_of_any_kind_of_unit(title, table):
    """Schools, universities, kindergartens, 妇联/科协 and units marked 本级 print their name before a table's title."""
    from juesuan.tables.recognise import match_title

    found = match_title(title)
    assert (found.table if found else None) == table
