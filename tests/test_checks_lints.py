"""Text lints (juesuan.validate.lints): each on printed text that breaks it and on real prose that does not.
Sentences are quoted from the real files (named) or from data/raw."""

from __future__ import annotations

from juesuan.identity import Identity
from juesuan.regions import Region
from juesuan.validate import Ledger
from juesuan.validate.lints import lint_checks

from .checks_helpers import found, outcomes, text

SHIFENG = Identity(
    kind="决算",
    year=2021,
    department="株洲市石峰区医疗保障局",
    department_canonical="株洲市石峰区医疗保障局",
    scope="部门",
    region=Region(printed="株洲市石峰区"),
)


def lint(*lines: str, identity: Identity = SHIFENG) -> Ledger:
    return lint_checks(text(*lines), identity.kind, identity.year, identity, Ledger())


def test_placeholder():
    led = lint("第一部分 上海市XX局概况", "国内公务接待支出XX万（含外宾接待支出XX万元）。")  # the official template
    assert [f["page"] for f in found(led, "placeholder", "error")] == [1, 1]
    led = lint("第一部分株洲市石峰区医疗保障局概况", "本单位没有独立网站，因此只在门户网CCTV专栏中公开。")
    assert not found(led, "placeholder") and outcomes(led, "placeholder") == ["passed"]


def test_template_residue():
    led = lint(
        "财政拨款收入支出增加（减少）的主要原因是业务量增加。",  # 司法局单位2026年预算
        "（二）公务用车购置及运行费9.98万元，与2025年预算数持平，主要原因是。其中：公务用车购置费0万元。",  # 同上
    )
    assert [f["evidence"][:9] for f in found(led, "template_residue", "error")] == [
        "财政拨款收入支出增",
        "（二）公务用车购置",
    ]
    led = lint(
        "财政拨款收入支出减少的主要原因是项目调整。", "与上年相比，减少15.15万元，减少1.5%，主要是因为厉行节约。"
    )
    assert not found(led, "template_residue")


def test_punctuation():
    led = lint(
        "主要原因是公用经费压缩，在部门预算中，减少了该项支出。。",  # 江苏 人大 2018
        "（四）2210202提租补贴7.5万元，，较2015年决算数增加0.4万元。",  # 政协平潭县委员会 2016
    )
    assert [f["evidence"][-4:] for f in found(led, "punctuation", "warning")][0].endswith("。。")
    assert len(found(led, "punctuation")) == 2
    led = lint("一、部门主要职能 ……………………………………", "按上述要求——即时公开。", "其中：人员经费148.03万元。")
    assert not found(led, "punctuation")


def test_quotes_unbalanced():
    led = lint("七、“三公经费支出：指通过财政拨款资金安排的因公出国（境）费、公务用车购置及运行费和公务接待费支出。")
    (f,) = found(led, "quotes_unbalanced", "warning")
    assert "unclosed" in f["message"]
    # 江苏 人大 2017: a quote opened on one printed line and closed on the next is one paragraph; "1）" is a number
    led = lint(
        "（十二）以提高履职能力为重点加强自身建设。巩固“三", "严三实”专题教育成果。", "1）因公出国（境）费0万元。"
    )
    assert not found(led, "quotes_unbalanced")


def test_year_mismatch():
    led = lint(
        "第三部分",
        "2020年度部门决算情况说明",
        "截至2020年12月31日，部门（单位）共有车辆0辆。",
    )
    assert [f["message"][:12] for f in found(led, "year_mismatch", "error")] == ["a heading na", "a date '截至20"]
    # 江苏 人大常委会 2019 预算: the report names itself with last year's year
    js = Identity(kind="预算", year=2019, department="江苏省人大常委会办公厅", scope="部门")
    led = lint("2．从预算单位构成看，纳入本部门2018年部门汇总预算编制范围的预算单位共计一家。", identity=js)
    assert len(found(led, "year_mismatch")) == 1


def test_years_in_prose_are_not_findings():
    led = lint(
        "2021年度部门决算情况说明",
        "2021年度收、支总计986.66万元，与2020年相比，减少15.15万元。",
        "截至2021年12月31日，部门（单位）共有车辆0辆。",
        "2021年本部门开支培训费0.1万元，用于召开石峰区2022年度城乡居民医保参保工作动员暨业务培训。",
    )
    assert not found(led, "year_mismatch")
    # 上海 预算 2024: assets as of the August before; the budget compared with last year's
    wanli = Identity(kind="预算", year=2024, department="上海市普陀区人民政府万里街道办事处", scope="部门")
    led = lint(
        "截至2023年8月31日，上海市普陀区人民政府万里街道办事处（部门）共有车辆7辆。",
        "财政拨款支出预算15621.11万元，比2023年预算减少876.75万元。",
        "2023年当年预算执行数为60.13万元，2024年预算安排25.77万元。",
        identity=wanli,
    )
    assert not found(led, "year_mismatch")


def test_department_name():
    led = lint("（一）内设机构设置。株洲市石峰区医疗保险局（以下简称石峰区医保局）包括局机关。")
    (f,) = found(led, "department_name", "warning")
    assert "株洲市石峰区医疗保险局" in f["message"]
    # another unit of the place, an abbreviation, a unit under it: not findings
    led = lint(
        "按照株洲市石峰区财政局的要求。",
        "石峰区医保局包括局机关及副科级内设二级机构区医疗保障事务中心。",
        "株洲市石峰区医疗保障事务中心为所属事业单位。",
    )
    assert not found(led, "department_name")
    commerce = Identity(
        kind="预算", year=2025, department="上海市普陀区商务委员会", scope="部门", region=Region(printed="上海市普陀区")
    )
    led = lint(
        "上海市普陀区商务委员会…加挂上海市普陀区经济委员会、上海市普陀区粮食和物资储备局牌子。", identity=commerce
    )
    assert not found(led, "department_name")


def test_scope_wording():
    justice = Identity(kind="预算", year=2026, department="上海市普陀区司法局", scope="单位")
    led = lint("2026年部门预算安排购置车辆0辆，其中：部级领导干部用车0辆。", identity=justice)  # 司法局单位2026年预算
    (f,) = found(led, "scope_wording", "warning")
    assert "部门预算" in f["message"]
    led = lint(
        "2026年预算单位一般公共预算基本支出部门预算经济分类预算表",
        "2026年度本单位政府采购预算1484.2万元。",
        identity=justice,
    )
    assert not found(led, "scope_wording")
    assert outcomes(lint("2021年度部门决算情况说明"), "scope_wording") == ["not_checked"]  # a 部门 document


def test_amount_unit():
    led = lint("2025年度项目总预算1720.00万，其中各级企业技术中心认定1720.00万。")  # 上海 商务委员会 2025
    assert len(found(led, "amount_unit", "warning")) == 2
    led = lint("国内公务接待支出0.39万元（含外宾接待支出0万元）。", "全年参保31.56万人，发放宣传单2万余份。")
    assert not found(led, "amount_unit")
