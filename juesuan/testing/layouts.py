"""Regional layouts as synthetic documents with known cells, for layouts no real file here shows.

Each builder starts from ``synth.make_document`` (every identity holds) and lays some tables out as a region prints
them; ``SynthDoc.expected`` is rewritten to the cells a reader must return (contract v2 terms):

- ``shanghai_juesuan``: 上海's 决算 layout (the 部门决算公开模板): no 公开NN表 labels, 07 with a 预算数/决算数 pair under
  every item, 04 with 年初/年末财政拨款结转和结余 and the funds under them (sub-items, not income rows).
- ``sichuan_14``: 四川's 14-table 决算 set: the nine and 财政拨款支出决算明细表, 一般公共预算财政拨款支出决算明细表,
  一般公共预算财政拨款项目支出决算表, 政府性基金预算财政拨款“三公”经费支出决算表 and 国有资本经营预算财政拨款收入支出
  决算表 beside 09 (the 四川 省级 template's tables as listed in its 2020–2023 disclosures; no 四川 file is kept here).
- ``with_procurement``: a 决算 政府采购情况表 (采购计划金额 and 实际采购金额 by 货物/工程/服务) after the nine.
"""

from __future__ import annotations

import copy

import pandas as pd

from ..codes import level_of, parent_of
from .synth import SynthDoc, SynthTable, make_document

_ITEMS_07 = [  # (column as printed, canonical item)
    ("合计", "合计"),
    ("因公出国（境）费", "因公出国（境）费"),
    ("公务用车购置及运行维护费", "公务用车购置及运行费"),
    ("公务用车购置费", "公务用车购置费"),
    ("公务用车运行维护费", "公务用车运行费"),
    ("公务接待费", "公务接待费"),
]


def _cell(table: str, code: str, name: str, measure: str, value: float, **kw) -> dict:
    rec = {
        "table": table,
        "side": None,
        "classification": "功能分类" if code else None,
        "code": code or None,
        "level": (level_of(code, "功能分类") or None) if code else None,
        "parent": (parent_of(code, "功能分类") or None) if code else None,
        "name": name,
        "item": None if code else name,
        "measure": measure,
        "basis": "决算",
        "value": value,
    }
    rec.update(kw)
    return rec


def _fmt(v: float | None) -> str:
    return f"{v:.2f}" if v else ""


def _shanghai_07(doc: SynthDoc, expected: list[dict]) -> SynthTable:
    """07 as 上海 prints it: items over two header rows, each with its 预算数 and 决算数 columns."""
    old = [r for r in expected if r["table"] == "07"]
    value = {(r["item"], r["basis"]): r["value"] for r in old}
    row = [_fmt(value.get((item, basis))) for _, item in _ITEMS_07 for basis in ("预算", "决算")]
    expected[:] = [r for r in expected if r["table"] != "07"]
    for printed, item in _ITEMS_07:
        for basis in ("预算", "决算"):
            if value.get((item, basis)):
                expected.append(_cell("07", "", printed, "合计", value[(item, basis)], item=item, basis=basis))
    header = [
        ["财政拨款“三公”经费"] + [""] * 11,
        ["合计", "", "因公出国（境）费", "", "公务用车购置及运行维护费", "", "", "", "", "", "公务接待费", ""],
        ["", "", "", "", "小计", "", "公务用车购置费", "", "公务用车运行维护费", "", "", ""],
        ["预算数", "决算数"] * 6,
    ]
    old07 = doc.table("07")
    return SynthTable(
        "07", "财政拨款“三公”经费支出决算表", "", old07.unit, header, [], [row] if any(row) else [], old07.note
    )


def _shanghai_04(doc: SynthDoc, expected: list[dict]) -> SynthTable:
    """04 with carry-overs: 年初财政拨款结转和结余 and its funds (sub-items), 年末 on the expenditure side."""
    t = copy.deepcopy(doc.table("04"))
    carry_g, carry_f = 12.34, 5.06
    carry = round(carry_g + carry_f, 2)
    total_row = t.rows.pop()  # 总计
    t.rows += [
        [
            "年初财政拨款结转和结余",
            "",
            _fmt(carry),
            "年末财政拨款结转和结余",
            "",
            _fmt(carry),
            _fmt(carry_g),
            _fmt(carry_f),
            "",
        ],
        ["一、一般公共预算财政拨款", "", _fmt(carry_g), "", "", "", "", "", ""],
        ["二、政府性基金预算财政拨款", "", _fmt(carry_f), "", "", "", "", "", ""],
        ["三、国有资本经营预算财政拨款", "", "", "", "", "", "", "", ""],
    ]
    grand = [float(v) if v else None for v in total_row[5:]]
    grand = [round((g or 0) + c, 2) or None for g, c in zip(grand, (carry, carry_g, carry_f, 0))]
    income = round(float(total_row[2]) + carry, 2)
    t.rows.append(["总计", "", _fmt(income), "总计", ""] + [_fmt(v) for v in grand])
    expected[:] = [r for r in expected if not (r["table"] == "04" and r["name"] == "总计")]
    kw = dict(classification=None)
    expected.append(_cell("04", "", "总计", "合计", income, side="收入", item="收入总计", **kw))
    measures = ["合计", "一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款"]
    for m, v in zip(measures, grand):
        if v:
            expected.append(_cell("04", "", "总计", m, v, side="支出", item="支出总计", **kw))
    income_side = [
        ("年初财政拨款结转和结余", carry, "年初结转和结余"),
        ("一、一般公共预算财政拨款", carry_g, "年初结转和结余:一般公共预算财政拨款"),
        ("二、政府性基金预算财政拨款", carry_f, "年初结转和结余:政府性基金预算财政拨款"),
    ]
    for name, v, item in income_side:
        expected.append(_cell("04", "", name, "合计", v, side="收入", item=item, **kw))
    for m, v in zip(measures, (carry, carry_g, carry_f)):
        expected.append(_cell("04", "", "年末财政拨款结转和结余", m, v, side="支出", item="年末结转和结余", **kw))
    return t


def shanghai_juesuan(seed: int = 0) -> SynthDoc:
    """A 决算 in 上海's layout (see the module's docstring); every identity holds."""
    doc = make_document(seed=seed, department="上海市普陀区某某局")
    expected = doc.expected.to_dict("records")
    tables = []
    for t in doc.tables:
        t = copy.deepcopy(t)
        if t.id == "07":
            t = _shanghai_07(doc, expected)
        elif t.id == "04":
            t = _shanghai_04(doc, expected)
        t.label = ""
        tables.append(t)
    return SynthDoc(doc.department, doc.year, doc.kind, tables, doc.narrative, pd.DataFrame(expected))


def _coded_copy(src: SynthTable, family: str, title: str, header: list[list[str]], columns: list[int], measures):
    """A coded table printing some columns of ``src`` (05) under another header: (table, expected cells)."""
    rows, cells = [], []
    for r in src.rows:
        values = [r[2 + i] for i in columns]
        if not any(values):
            continue
        rows.append(r[:2] + values)
        code = r[0] if r[0].isdigit() else ""
        name = r[1] if code else r[0]
        for m, v in zip(measures, values):
            if v:
                cells.append(_cell(family, code, name, m, float(v)))
    return SynthTable(family, title, "", src.unit, header, [(0, 0, 1)], rows), cells


def sichuan_14(seed: int = 0) -> SynthDoc:
    """四川's 14-table 决算 set (see the module's docstring): the nine and five more, in 四川's order."""
    doc = make_document(seed=seed, department="成都市某某区某某局")
    t05 = doc.table("05")
    head = ["项 目", "", "本年支出", "", ""]
    t5, c5 = _coded_copy(
        t05,
        "财政拨款支出",
        "财政拨款支出决算明细表",
        [head, ["功能分类科目编码", "科目名称", "合计", "基本支出", "项目支出"]],
        [0, 1, 2],
        ["合计", "基本支出", "项目支出"],
    )
    t7, c7 = _coded_copy(
        t05,
        "一般公共预算支出明细",
        "一般公共预算财政拨款支出决算明细表",
        [head, ["功能分类科目编码", "科目名称", "合计", "工资福利支出", "商品和服务支出"]],
        [0, 1, 2],
        ["合计", "工资福利支出", "商品和服务支出"],
    )
    t9, c9 = _coded_copy(
        t05,
        "项目支出",
        "一般公共预算财政拨款项目支出决算表",
        [["项 目", "", "项目支出"], ["功能分类科目编码", "科目名称", ""]],
        [2],
        ["合计"],
    )
    t12 = copy.deepcopy(doc.table("07"))
    t12.id, t12.title, t12.rows = "政府性基金三公经费", "政府性基金预算财政拨款“三公”经费支出决算表", []
    t12.note = "注：本单位没有使用政府性基金预算财政拨款安排的“三公”经费，故本表无数据。"
    t13 = copy.deepcopy(doc.table("08"))
    t13.id, t13.title, t13.rows = "国有资本经营收支", "国有资本经营预算财政拨款收入支出决算表", []
    t13.note = "注：本单位没有国有资本经营预算财政拨款收入和支出，故本表无数据。"
    by_id = {t.id: t for t in doc.tables}
    order = ["01", "02", "03", "04", t5, "05", t7, "06", t9, "07", "08", t12, t13, "09"]
    tables = []
    for n, t in enumerate(order, start=1):
        t = copy.deepcopy(by_id[t] if isinstance(t, str) else t)
        t.label = f"表{n}"
        tables.append(t)
    expected = pd.concat([doc.expected, pd.DataFrame(c5 + c7 + c9)], ignore_index=True)
    return SynthDoc(doc.department, doc.year, doc.kind, tables, doc.narrative, expected)


def with_procurement(seed: int = 0) -> SynthDoc:
    """The nine tables and a 政府采购情况表: one row, 采购计划金额 and 实际采购金额 by 货物/工程/服务."""
    doc = make_document(seed=seed)
    plan = (30.5, 12.0, 0.0, 18.5)
    actual = (28.25, 11.5, 0.0, 16.75)
    header = [
        ["单位名称", "采购计划金额", "", "", "", "实际采购金额", "", "", ""],
        ["", "总计", "货物", "工程", "服务", "总计", "货物", "工程", "服务"],
    ]
    name = doc.department
    row = [name] + [_fmt(v) for v in plan + actual]
    t = SynthTable("政府采购", "政府采购情况表", "", "万元", header, [(0, 1, 4), (0, 5, 8)], [row])
    cells = []
    for basis, values in (("预算", plan), ("决算", actual)):
        for m, v in zip(("合计", "货物", "工程", "服务"), values):
            if v:
                cells.append(_cell("政府采购", "", name, m, v, basis=basis))
    expected = pd.concat([doc.expected, pd.DataFrame(cells)], ignore_index=True)
    return SynthDoc(doc.department, doc.year, doc.kind, doc.tables + [t], doc.narrative, expected)


def to_text(
    doc: SynthDoc,
    rows_per_page: int | None = None,
    contents: bool = False,
    running_head: bool = False,
    footnote: bool = False,
    repeat_title: bool = False,
) -> str:
    """``doc`` as a text export whose tables print their own label (none for 上海), for the interruptions real files
    have: ``contents`` a 目录 page listing every table title (numbered, as "九、…决算表"); ``rows_per_page`` page
    breaks inside tables, each page with its number, and with ``running_head`` the document's name atop every page,
    ``footnote`` a "注：" line at the foot of each broken page, ``repeat_title`` the title again (with 续表)."""
    from .synth import ordinal

    head = f"{doc.year}年度{doc.department}部门{doc.kind}"
    out = [head, "", "第一部分 部门概况", f"{doc.department}是本级政府的工作部门。", ""]
    if contents:
        out += ["目 录"] + [f"{ordinal(i)}、{t.title}" for i, t in enumerate(doc.tables, start=1)]
        out += ["第三部分 部门决算情况说明", ""]
    out.append("第二部分 部门决算表")
    page = 1

    def page_break() -> None:
        nonlocal page
        out.extend([f"- {page} -", "\f"])
        page += 1
        if running_head:
            out.append(head)

    for t in doc.tables:
        out += ["", t.title] + ([t.label] if t.label else []) + [f"单位：{t.unit}", f"部门：{doc.department}"]
        out += ["\t".join(r) for r in t.header]
        for i, r in enumerate(t.rows):
            if rows_per_page and i and i % rows_per_page == 0:
                if footnote:
                    out.append("注：本页数据按四舍五入列示。")
                page_break()
                if repeat_title:
                    out += [t.title, "续表"]
            out.append("\t".join(r))
        out += ["", t.note] if t.note else [""]
    out += ["", "第三部分 部门决算情况说明"] + doc.narrative
    return "\n".join(out) + "\n"
