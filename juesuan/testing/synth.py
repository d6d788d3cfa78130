"""Synthetic 部门决算 documents with known values, for round-trip tests and benchmarks.

``make_document`` draws a department's accounts at random (seeded) so that every identity holds exactly — amounts are
integers of 分 underneath — and lays the nine tables out as printed (header rows with merged cells, 栏次 rows, 行次
columns). ``SynthDoc.expected`` holds the cells a reader must return. Renderers turn a SynthDoc into a file: ``to_text``
here (the seed export form); XLSX and PDF renderers live in ``juesuan.render``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import pandas as pd

from ..codes import level_of, parent_of

# (code, name): a pool of real 功能分类 entries (2021 edition) for general-budget spending
_FUNCTIONAL = [
    ("201", "一般公共服务支出"),
    ("20103", "政府办公厅（室）及相关机构事务"),
    ("2010301", "行政运行"),
    ("2010302", "一般行政管理事务"),
    ("2010350", "事业运行"),
    ("208", "社会保障和就业支出"),
    ("20802", "民政管理事务"),
    ("2080201", "行政运行"),
    ("2080208", "基层政权建设和社区治理"),
    ("2080299", "其他民政管理事务支出"),
    ("20805", "行政事业单位养老支出"),
    ("2080505", "机关事业单位基本养老保险缴费支出"),
    ("2080506", "机关事业单位职业年金缴费支出"),
    ("20810", "社会福利"),
    ("2081002", "老年福利"),
    ("2081004", "殡葬"),
    ("210", "卫生健康支出"),
    ("21011", "行政事业单位医疗"),
    ("2101101", "行政单位医疗"),
    ("2101102", "事业单位医疗"),
    ("213", "农林水支出"),
    ("21305", "巩固脱贫攻坚成果衔接乡村振兴"),
    ("2130599", "其他巩固脱贫攻坚成果衔接乡村振兴支出"),
    ("221", "住房保障支出"),
    ("22102", "住房改革支出"),
    ("2210201", "住房公积金"),
]
# 政府性基金: 彩票公益金
_FUND = [("229", "其他支出"), ("22960", "彩票公益金安排的支出"), ("2296002", "用于社会福利的彩票公益金支出")]
_ECONOMIC = {
    "301": (
        "工资福利支出",
        [
            ("30101", "基本工资"),
            ("30102", "津贴补贴"),
            ("30103", "奖金"),
            ("30107", "绩效工资"),
            ("30108", "机关事业单位基本养老保险缴费"),
            ("30110", "职工基本医疗保险缴费"),
            ("30113", "住房公积金"),
        ],
    ),
    "302": (
        "商品和服务支出",
        [
            ("30201", "办公费"),
            ("30205", "水费"),
            ("30206", "电费"),
            ("30211", "差旅费"),
            ("30217", "公务接待费"),
            ("30228", "工会经费"),
            ("30231", "公务用车运行维护费"),
            ("30299", "其他商品和服务支出"),
        ],
    ),
    "303": ("对个人和家庭的补助", [("30302", "退休费"), ("30305", "生活补助"), ("30309", "奖励金")]),
}
_CLASS_NAMES_01 = [
    ("201", "一般公共服务支出"),
    ("202", "外交支出"),
    ("203", "国防支出"),
    ("204", "公共安全支出"),
    ("205", "教育支出"),
    ("206", "科学技术支出"),
    ("207", "文化旅游体育与传媒支出"),
    ("208", "社会保障和就业支出"),
    ("210", "卫生健康支出"),
    ("211", "节能环保支出"),
    ("212", "城乡社区支出"),
    ("213", "农林水支出"),
    ("214", "交通运输支出"),
    ("215", "资源勘探工业信息等支出"),
    ("216", "商业服务业等支出"),
    ("217", "金融支出"),
    ("219", "援助其他地区支出"),
    ("220", "自然资源海洋气象等支出"),
    ("221", "住房保障支出"),
    ("222", "粮油物资储备支出"),
    ("223", "国有资本经营预算支出"),
    ("224", "灾害防治及应急管理支出"),
    ("229", "其他支出"),
]
_ORDINALS = "一二三四五六七八九十"


def ordinal(n: int) -> str:
    """1 → 一, 12 → 十二, 23 → 二十三 (the numbering of 01/04 rows)."""
    if n <= 10:
        return _ORDINALS[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _ORDINALS[tens - 1]) + "十" + (_ORDINALS[ones - 1] if ones else "")


@dataclass
class SynthTable:
    id: str
    title: str
    label: str
    unit: str
    header: list[list[str]]
    spans: list[tuple[int, int, int]]  # merged header cells: (row, first col, last col)
    rows: list[list[str]]
    note: str = ""


@dataclass
class SynthDoc:
    department: str
    year: int
    kind: str
    tables: list[SynthTable]
    narrative: list[str]
    expected: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)

    def table(self, table_id: str) -> SynthTable:
        return next(t for t in self.tables if t.id == table_id)


class _Builder:
    def __init__(self, unit: str):
        self.unit = unit
        self.factor = 10000 if unit == "元" else 1
        self.expected: list[dict] = []

    def fmt(self, cents: int | None) -> str:
        if cents is None:
            return ""
        return f"{cents * self.factor / 100:.2f}"

    def cell(self, table: str, classification: str, code: str, name: str, measure: str, cents: int) -> None:
        """One expected cell, given as the generator lays the tables out (the side or basis in the column's name),
        stored in the data contract's terms (side, measure, basis apart; 07's items as names)."""
        self.expected.append(
            {
                "table": table,
                "classification": classification if code else None,
                "code": code or None,
                "level": (level_of(code, classification) or None) if code else None,
                "parent": (parent_of(code, classification) or None) if code else None,
                **contract_terms(table, name, measure, bool(code)),
                "value": cents / 100,
            }
        )


_ROW_TOTAL = {"本年收入合计", "本年支出合计", "收入金额", "支出合计", "决算数", "预算数"}


def contract_terms(table: str, name: str, measure: str, coded: bool) -> dict:
    """side, name, item, measure and basis of a generated cell (contract v2)."""
    from ..tables.spec import canonical_item

    side = None
    if table in ("01", "04"):
        side = "收入" if measure.startswith("收入") else "支出"
        measure = measure[2:]
    if table == "07":  # the row is the basis, the column the item
        item, basis = measure, name[:2]
        return {"side": None, "name": item, "item": item, "measure": "合计", "basis": basis}
    basis = "决算"
    if measure in ("决算数", "预算数"):
        basis = measure[:2]
    if measure in _ROW_TOTAL or measure in ("决算数", "金额"):
        measure = "合计"
    if table == "08" and measure == "合计":
        measure = "本年支出"
    item = None if coded else canonical_item(table, side or "", name)
    return {"side": side, "name": name, "item": item, "measure": measure, "basis": basis}


def _split(rng: random.Random, total: int, n: int) -> list[int]:
    """``total`` cents split into n positive-or-zero integer parts."""
    if n == 1:
        return [total]
    cuts = sorted(rng.randint(0, total) for _ in range(n - 1))
    return [b - a for a, b in zip([0] + cuts, cuts + [total])]


def _tree(items: list[tuple[str, str]]) -> dict[str, list[str]]:
    children: dict[str, list[str]] = {}
    for code, _ in items:
        if len(code) > 3:
            children.setdefault(code[:-2], []).append(code)
    return children


def make_document(  # noqa: C901 (to be split)
    seed: int = 0,
    department: str = "湘潭市雨湖区民政局",
    year: int = 2022,
    unit: str = "万元",
    wrong_total: bool = False,
    n_items: int = 8,
    with_fund: bool = True,
    with_sangong: bool = True,
) -> SynthDoc:
    """A 决算 document with known values; every identity holds unless ``wrong_total`` misprints 03's 合计 by +1.00.

    ``n_items`` 项 are drawn from a pool of real 功能分类 codes; ``with_fund`` adds a 政府性基金 item (table 08);
    ``with_sangong`` fills table 07 (else it is printed empty with the usual sentence).
    """
    rng = random.Random(seed)
    b = _Builder(unit)
    names = dict(_FUNCTIONAL + _FUND)
    xiang = [c for c, _ in _FUNCTIONAL if len(c) == 7]
    chosen = sorted(rng.sample(xiang, min(n_items, len(xiang))))
    fund = ["2296002"] if with_fund else []
    # per 项: 基本 and 项目 cents, fiscal (一般公共预算) or fund; some 其他收入 on a general item
    spend: dict[str, tuple[int, int]] = {}
    for code in chosen + fund:
        basic = rng.randint(100_00, 900_00) if code.endswith(("01", "05", "06")) and code not in fund else 0
        project = rng.randint(0, 500_00) if basic == 0 or rng.random() < 0.4 else 0
        if basic + project == 0:
            project = rng.randint(10_00, 200_00)
        spend[code] = (basic, project)
    # 其他收入 pays part of one item's project spending, so 05 (appropriations only) is 03 less that part
    payer = next((c for c in reversed(chosen) if spend[c][1] >= 1_00), None)
    other_income = {payer: min(rng.randint(50, 5_00), spend[payer][1])} if payer else {}
    codes = sorted({c[:n] for c in chosen + fund for n in (3, 5, 7)})
    total = {c: tuple(sum(spend[x][i] for x in spend if x.startswith(c)) for i in (0, 1)) for c in codes}
    gtotal = {c: tuple(sum(spend[x][i] for x in chosen if x.startswith(c)) for i in (0, 1)) for c in codes}
    ftotal = {c: tuple(sum(spend[x][i] for x in fund if x.startswith(c)) for i in (0, 1)) for c in codes}
    oth = {c: sum(v for x, v in other_income.items() if x.startswith(c)) for c in codes}
    classes = [c for c in codes if len(c) == 3]
    all_basic = sum(v[0] for v in spend.values())
    all_project = sum(v[1] for v in spend.values())
    g_basic = sum(spend[x][0] for x in chosen)
    g_all = sum(sum(spend[x]) for x in chosen)
    f_all = sum(sum(spend[x]) for x in fund)
    other_all = sum(other_income.values())
    grand = all_basic + all_project
    tables: list[SynthTable] = []
    head_coded = ["项 目", ""]

    # 01 收入支出决算总表
    income_items = [
        ("一般公共预算财政拨款收入", g_all - other_all),
        ("政府性基金预算财政拨款收入", f_all),
        ("国有资本经营预算财政拨款收入", None),
        ("上级补助收入", None),
        ("事业收入", None),
        ("经营收入", None),
        ("附属单位上缴收入", None),
        ("其他收入", other_all),
    ]
    exp_by_class = {c: sum(total[c]) for c in classes}
    rows01 = []
    for i, (code, name) in enumerate(_CLASS_NAMES_01):
        left = income_items[i] if i < len(income_items) else None
        lname = f"{ordinal(i + 1)}、{left[0]}" if left else ""
        lval = left[1] if left else None
        rname = f"{ordinal(i + 1)}、{name}"
        rval = exp_by_class.get(code)
        if left and lval:
            b.cell("01", "功能分类", "", lname, "收入决算数", lval)
        if rval:
            b.cell("01", "功能分类", code, rname, "支出决算数", rval)
        rows01.append([lname, str(i + 1), b.fmt(lval or None), rname, str(i + 1 + 30), b.fmt(rval)])
    for lname, rname in (("本年收入合计", "本年支出合计"),):
        rows01.append([lname, "24", b.fmt(grand), rname, "54", b.fmt(grand)])
        b.cell("01", "功能分类", "", lname, "收入决算数", grand)
        b.cell("01", "功能分类", "", rname, "支出决算数", grand)
    rows01.append(["年初结转和结余", "25", "", "年末结转和结余", "55", ""])
    rows01.append(["总计", "26", b.fmt(grand), "总计", "56", b.fmt(grand)])
    b.cell("01", "功能分类", "", "总计", "收入决算数", grand)
    b.cell("01", "功能分类", "", "总计", "支出决算数", grand)
    tables.append(
        SynthTable(
            "01",
            "收入支出决算总表",
            "公开01表",
            unit,
            [
                ["收入", "", "", "支出", "", ""],
                ["项 目", "行次", "决算数", "项 目", "行次", "决算数"],
                ["栏 次", "", "1", "栏 次", "", "2"],
            ],
            [(0, 0, 2), (0, 3, 5)],
            rows01,
            "注：本表反映部门本年度的总收支和年末结转结余情况。",
        )
    )

    # 02 收入决算表
    m02 = ["本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入"]
    rows02 = [["合计", ""] + [b.fmt(v or None) for v in (grand, grand - other_all, None, None, None, None, other_all)]]
    for m, v in zip(m02, (grand, grand - other_all, 0, 0, 0, 0, other_all)):
        if v:
            b.cell("02", "功能分类", "", "合计", m, v)
    for c in codes:
        t = sum(total[c])
        vals = (t, t - oth[c], 0, 0, 0, 0, oth[c])
        rows02.append([c, names[c]] + [b.fmt(v or None) for v in vals])
        for m, v in zip(m02, vals):
            if v:
                b.cell("02", "功能分类", c, names[c], m, v)
    tables.append(
        SynthTable(
            "02",
            "收入决算表",
            "公开02表",
            unit,
            [
                head_coded + m02,
                ["功能分类科目编码", "科目名称"] + [""] * 7,
                ["栏次", ""] + [str(i) for i in range(1, 8)],
            ],
            [(0, 0, 1)],
            rows02,
            "注：本表反映部门本年度取得的各项收入情况。",
        )
    )

    # 03 支出决算表
    m03 = ["本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"]
    bump = 100 if wrong_total else 0
    rows03 = [["合计", "", b.fmt(grand + bump), b.fmt(all_basic or None), b.fmt(all_project or None), "", "", ""]]
    for m, v in zip(m03, (grand + bump, all_basic, all_project)):
        if v:
            b.cell("03", "功能分类", "", "合计", m, v)
    for c in codes:
        vals = (sum(total[c]), total[c][0], total[c][1])
        rows03.append([c, names[c]] + [b.fmt(v or None) for v in vals] + ["", "", ""])
        for m, v in zip(m03, vals):
            if v:
                b.cell("03", "功能分类", c, names[c], m, v)
    tables.append(
        SynthTable(
            "03",
            "支出决算表",
            "公开03表",
            unit,
            [
                head_coded + m03,
                ["功能分类科目编码", "科目名称"] + [""] * 6,
                ["栏次", ""] + [str(i) for i in range(1, 7)],
            ],
            [(0, 0, 1)],
            rows03,
            "注：本表反映部门本年度各项支出情况。",
        )
    )

    # 04 财政拨款收入支出决算总表
    fund_names = ["一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款"]
    approp = g_all - other_all
    rows04 = []
    m04 = ["支出合计", "支出一般公共预算财政拨款", "支出政府性基金预算财政拨款", "支出国有资本经营预算财政拨款"]
    for i, (code, name) in enumerate(_CLASS_NAMES_01):
        lname = f"{ordinal(i + 1)}、{fund_names[i]}" if i < 3 else ""
        lval = (approp, f_all, None)[i] if i < 3 else None
        g = sum(gtotal[code]) - oth.get(code, 0) if code in gtotal else 0
        f = sum(ftotal[code]) if code in ftotal else 0
        rname = f"{ordinal(i + 1)}、{name}"
        vals = (g + f, g, f, 0)
        rows04.append([lname, str(i + 1), b.fmt(lval or None), rname, str(i + 31)] + [b.fmt(v or None) for v in vals])
        if lval:
            b.cell("04", "功能分类", "", lname, "收入金额", lval)
        for m, v in zip(m04, vals):
            if v:
                b.cell("04", "功能分类", code, rname, m, v)
    tot04 = (approp + f_all, approp, f_all, 0)
    for lname, rname in (("本年收入合计", "本年支出合计"), ("总计", "总计")):
        rows04.append([lname, "", b.fmt(approp + f_all), rname, ""] + [b.fmt(v or None) for v in tot04])
        b.cell("04", "功能分类", "", lname, "收入金额", approp + f_all)
        for m, v in zip(m04, tot04):
            if v:
                b.cell("04", "功能分类", "", rname, m, v)
    tables.append(
        SynthTable(
            "04",
            "财政拨款收入支出决算总表",
            "公开04表",
            unit,
            [
                ["收入", "", "", "支出", "", "", "", "", ""],
                ["项 目", "行次", "金额", "项 目", "行次", "合计"] + fund_names,
                ["栏 次", "", "1", "栏 次", "", "2", "3", "4", "5"],
            ],
            [(0, 0, 2), (0, 3, 8)],
            rows04,
            "注：本表反映部门本年度财政拨款总收支情况。",
        )
    )

    # 05 一般公共预算财政拨款支出决算表 (other income pays part of the last item: it is not an appropriation)
    g_codes = [c for c in codes if sum(gtotal[c])]
    g_project_total = sum(spend[x][1] for x in chosen) - other_all
    rows05 = [["合计", "", b.fmt(approp), b.fmt(g_basic or None), b.fmt(g_project_total or None)]]
    for m, v in zip(["本年支出合计", "基本支出", "项目支出"], (approp, g_basic, g_project_total)):
        if v:
            b.cell("05", "功能分类", "", "合计", m, v)
    for c in g_codes:
        vals = (sum(gtotal[c]) - oth[c], gtotal[c][0], gtotal[c][1] - oth[c])
        rows05.append([c, names[c]] + [b.fmt(v or None) for v in vals])
        for m, v in zip(["本年支出合计", "基本支出", "项目支出"], vals):
            if v:
                b.cell("05", "功能分类", c, names[c], m, v)
    tables.append(
        SynthTable(
            "05",
            "一般公共预算财政拨款支出决算表",
            "公开05表",
            unit,
            [
                ["项 目", "", "本年支出", "", ""],
                ["功能分类科目编码", "科目名称", "小计", "基本支出", "项目支出"],
                ["栏次", "", "1", "2", "3"],
            ],
            [(0, 0, 1), (0, 2, 4)],
            rows05,
            "注：本表反映部门本年度一般公共预算财政拨款支出情况。",
        )
    )

    # 06 基本支出明细: split the 05 基本支出 over 经济分类 款, three blocks side by side
    basic_05 = sum(spend[x][0] for x in chosen)
    shares = _split(rng, basic_05, 3)
    blocks: list[list[tuple[str, str, int]]] = []
    personnel = office = 0
    for (cls, (cname, kuan)), share in zip(_ECONOMIC.items(), shares):
        parts = _split(rng, share, len(kuan))
        block = [(cls, cname, share)] + [(k, n, v) for (k, n), v in zip(kuan, parts)]
        blocks.append(block)
        if cls == "302":
            office += share
        else:
            personnel += share
        for k, n, v in block:
            if v:
                b.cell("06", "经济分类", k, n, "决算数", v)
    height = max(len(bl) for bl in blocks)
    rows06 = []
    for r in range(height):
        row: list[str] = []
        for bl in blocks:
            row += [bl[r][0], bl[r][1], b.fmt(bl[r][2] or None)] if r < len(bl) else ["", "", ""]
        rows06.append(row)
    rows06.append(["人员经费合计", "", b.fmt(personnel), "公用经费合计", "", b.fmt(office), "", "", ""])
    b.cell("06", "经济分类", "", "人员经费合计", "决算数", personnel)
    b.cell("06", "经济分类", "", "公用经费合计", "决算数", office)
    tables.append(
        SynthTable(
            "06",
            "一般公共预算财政拨款基本支出决算明细表",
            "公开06表",
            unit,
            [["经济分类科目编码", "科目名称", "决算数"] * 3],
            [],
            rows06,
            "注：本表反映部门本年度一般公共预算财政拨款基本支出明细情况。",
        )
    )

    # 07 三公
    header07 = [
        ["预算数", "", "", "", "", "", "决算数", "", "", "", "", ""],
        ["合计", "因公出国(境)费", "公务用车购置及运行费", "", "", "公务接待费"] * 2,
        ["", "", "小计", "公务用车购置费", "公务用车运行费", ""] * 2,
        [str(i) for i in range(1, 13)],
    ]
    spans07 = [(0, 0, 5), (0, 6, 11), (1, 2, 4), (1, 8, 10)]
    rows07: list[list[str]] = []
    note07 = "注：本表反映部门本年度“三公”经费支出预决算情况。"
    if with_sangong:
        row: list[str] = []
        for basis in ("预算数", "决算数"):
            abroad = 0
            buy = rng.choice([0, rng.randint(10_00, 30_00)])
            run = rng.randint(1_00, 9_00)
            host = rng.randint(50, 3_00)
            vals = (abroad + buy + run + host, abroad, buy + run, buy, run, host)
            row += [b.fmt(v) for v in vals]
            for m, v in zip(
                ["合计", "因公出国（境）费", "公务用车购置及运行费", "公务用车购置费", "公务用车运行费", "公务接待费"],
                vals,
            ):
                b.cell("07", "none", "", basis, m, v)
        rows07.append(row)
    else:
        note07 += f"（说明：{department}没有财政拨款“三公”经费支出，故本表无数据）。"
    tables.append(
        SynthTable(
            "07", "一般公共预算财政拨款“三公”经费支出决算表", "公开07表", unit, header07, spans07, rows07, note07
        )
    )

    # 08 政府性基金
    rows08 = []
    note08 = "注：本表反映部门本年度政府性基金预算财政拨款收入、支出及结转和结余情况。"
    m08 = ["年初结转和结余", "本年收入", "本年支出合计", "基本支出", "项目支出", "年末结转和结余"]
    if fund:
        carry_in = rng.randint(0, 20_00)
        for c in ["合计"] + [c for c in codes if sum(ftotal[c])]:
            t = f_all if c == "合计" else sum(ftotal[c])
            cin = carry_in
            vals = (cin, t, t, 0, t, cin)
            name = "合计" if c == "合计" else names[c]
            code = "" if c == "合计" else c
            rows08.append([code if code else "合计", "" if c == "合计" else name] + [b.fmt(v or None) for v in vals])
            for m, v in zip(m08, vals):
                if v:
                    b.cell("08", "功能分类", code, name, m, v)
    else:
        note08 += f"（{department}没有政府性基金收入，也没有使用政府性基金安排的支出，故本表无数据）。"
    tables.append(
        SynthTable(
            "08",
            "政府性基金预算财政拨款收入支出决算表",
            "公开08表",
            unit,
            [
                ["项 目", "", "年初结转和结余", "本年收入", "本年支出", "", "", "年末结转和结余"],
                ["功能分类科目编码", "科目名称", "", "", "小计", "基本支出", "项目支出", ""],
                ["栏次", "", "1", "2", "3", "4", "5", "6"],
            ],
            [(0, 0, 1), (0, 4, 6)],
            rows08,
            note08,
        )
    )

    # 09 国有资本经营: empty
    tables.append(
        SynthTable(
            "09",
            "国有资本经营预算财政拨款支出决算表",
            "公开09表",
            unit,
            [
                ["项 目", "", "本年支出", "", ""],
                ["功能分类科目编码", "科目名称", "合计", "基本支出", "项目支出"],
                ["栏次", "", "1", "2", "3"],
            ],
            [(0, 0, 1), (0, 2, 4)],
            [["合计", "", "", "", ""]],
            f"注：本表反映部门本年度国有资本经营预算财政拨款支出情况。{year}年度本单位无国有资本经营预算财政拨款支出，故本表无数据。",
        )
    )
    narrative = [
        f"{year}年度部门决算情况说明",
        "一、收入支出决算总体情况说明",
        f"{year}年度收、支总计{grand / 100:.2f}万元。",
        "二、收入决算情况说明",
        f"{year}年度收入合计{grand / 100:.2f}万元，其中：财政拨款收入{(grand - other_all) / 100:.2f}万元。",
        "三、支出决算情况说明",
        f"{year}年度支出合计{grand / 100:.2f}万元，其中：基本支出{all_basic / 100:.2f}万元；项目支出{all_project / 100:.2f}万元。",
    ]
    expected = pd.DataFrame(b.expected)
    return SynthDoc(
        department=department, year=year, kind="决算", tables=tables, narrative=narrative, expected=expected
    )


def to_text(doc: SynthDoc, rows_per_page: int | None = None, repeat_header: bool = False) -> str:
    """The document as a text export: title, label, unit and department lines, then tab-separated rows.

    ``rows_per_page`` breaks long tables with a form feed (a page break), optionally repeating the header rows, as
    exported PDFs do.
    """
    out = [
        f"{doc.year}年度",
        doc.department,
        "部门决算",
        "",
        "第一部分 部门概况",
        f"{doc.department}是本级政府的工作部门。",
        "",
        "第二部分 部门决算表",
    ]
    for t in doc.tables:
        out += ["", t.title, "", f"公开 {t.id[-2:]} 表", f"单位：{t.unit}", f"部门：{doc.department}", ""]
        out += ["\t".join(r) for r in t.header]
        for i, r in enumerate(t.rows):
            if rows_per_page and i and i % rows_per_page == 0:
                out.append("\f")
                out.append(f"第 {i // rows_per_page + 1} 页")
                if repeat_header:
                    out += ["\t".join(r) for r in t.header]
            out.append("\t".join(r))
        out += ["", t.note]
    out += ["", "第三部分"] + doc.narrative
    return "\n".join(out) + "\n"
