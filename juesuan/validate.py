"""Check the arithmetic of a document's tables: within tables, across tables. Breaks become findings, never fixes.

Every identity goes through one tolerance-aware comparison, ``compare``. Each printed value was rounded to its last
printed digit (0.01 万元 mostly), so it may be off its true value by half a unit (0.005). A total printed beside n
printed addends can therefore differ from their sum by up to (n + 1) × 0.005 without anything being wrong
(seed 000: 301 + 303 = 148.02 but 人员经费合计 = 148.03). Blank addends are exact zeros and add no rounding.
A difference within that bound is reported at info level; beyond it, at error level. A fixed tolerance would be
wrong both ways: exact equality flags honest rounding, and a 0.5 万元 slack hides real errors in small tables.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import pandas as pd

from .codes import parent_of
from .schema import frame_from_records
from .textnorm import match_key, strip_ordinal

_EPS = 1e-9


def tolerance(n_addends: int, half_unit: float = 0.005) -> float:
    """Largest |printed total − Σ printed addends| that rounding explains when every value has the same printed
    precision: (n + 1) half units. Values printed with fewer decimals ("22,118,861" among "…​.00") bring their own,
    larger half unit: the checks add each value's half unit (``compare``'s ``tol``)."""
    return (n_addends + 1) * half_unit


def compare(
    check: str, table: str, code: str, measure: str, expected: float, actual: float, tol: float, message: str
) -> dict | None:
    """One identity: a finding dict when ``actual`` differs from ``expected``, else None.

    ``tol`` is what rounding can explain: the sum of the half units of every printed value involved.
    """
    diff = round(actual - expected, 10)
    if abs(diff) <= _EPS:
        return None
    severity = "info" if abs(diff) <= tol + _EPS else "error"
    return {
        "check": check,
        "severity": severity,
        "table": table,
        "code": code,
        "measure": measure,
        "expected": round(expected, 6),
        "actual": round(actual, 6),
        "difference": round(diff, 6),
        "tolerance": round(tol, 6),
        "message": message + ("" if severity == "error" else " (within rounding)"),
    }


@dataclass(frozen=True)
class Identity:
    table: str
    total: str
    parts: tuple[tuple[int, str], ...]  # (sign, measure)
    description: str
    unless: frozenset[str] = frozenset()  # measures whose presence means another layout (江苏 07's 会议费/培训费)


@lru_cache(maxsize=1)
def load_identities() -> tuple[Identity, ...]:
    path = resources.files("juesuan.tables").joinpath("data/identities.csv")
    out = []
    with path.open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            parts = tuple((-1, p[1:]) if p.startswith("-") else (1, p) for p in r["parts"].split("|"))
            unless = frozenset(m for m in (r.get("unless") or "").split("|") if m)
            out.append(Identity(r["table"], r["total"], parts, r["description"], unless))
    return tuple(out)


def _key(name: str) -> str:
    return match_key(strip_ordinal(name))


_THIS_YEAR = {
    "收入": ("本年收入合计", "当年收入小计", "本年收入小计"),
    "支出": ("本年支出合计", "当年支出小计", "本年支出小计"),
}
_GRAND = {"收入": ("总计", "收入总计", "收入合计"), "支出": ("总计", "支出总计", "支出合计")}
_CARRY_WORDS = ("结转", "结余", "弥补", "使用", "分配")
_TOP_ORDINAL = re.compile(r"^[一二三四五六七八九十]+[、.．]")


class _Checker:
    """The identities over one document's cells, held as plain records indexed by table (pandas row selection
    per identity cost more than reading the PDF). Each record carries the half unit of its printed value."""

    def __init__(self, cells: list[dict], half_units: dict[str, float]):
        self.found: list[dict] = []
        self.by_table: dict[str, list[dict]] = defaultdict(list)
        for rec in cells:
            half = rec.get("_half") or half_units.get(rec["table"], 0.005)
            self.by_table[rec["table"]].append(dict(rec, key=_key(rec["name"]), half=half))
        self.tables = set(self.by_table)
        self.measures = {t: {r["measure"] for r in recs} for t, recs in self.by_table.items()}

    def add(self, f: dict | None) -> None:
        if f is not None:
            self.found.append(f)

    def table(self, t: str) -> list[dict]:
        return self.by_table.get(t, [])

    def check_sum(
        self, check: str, table: str, code: str, measure: str, total: dict | None, parts: list, message: str, sign=None
    ) -> None:
        """``total`` (a record, or None for a blank) against Σ ``parts`` (records); signs default to +1."""
        signs = sign or [1] * len(parts)
        expected = sum(sg * r["value"] for sg, r in zip(signs, parts))
        actual = total["value"] if total else 0.0
        tol = sum(r["half"] for r in parts) + (total["half"] if total else 0.0)
        self.add(compare(check, table, code, measure, expected, actual, tol, message))

    # -- within a table ------------------------------------------------------------------------------------------
    def hierarchy(self) -> None:
        """类 = Σ 款 = Σ 项 in each coded table (and 经济分类 类 = Σ 款 in 06); 合计 = Σ 类."""
        for table in sorted(self.by_table):
            if table in ("01", "04"):
                continue
            recs = self.by_table[table]
            for classification in ("功能分类", "经济分类"):
                coded = [r for r in recs if r["code"] and r["classification"] == classification]
                if not coded:
                    continue
                printed = sorted({r["code"] for r in coded})
                children: dict[str, list[str]] = defaultdict(list)
                for c in printed:
                    parent = parent_of(c, classification)
                    if parent:
                        children[parent].append(c)
                levels = {r["code"]: r["level"] for r in coded}
                for measure in sorted({r["measure"] for r in coded}):
                    rows = {r["code"]: r for r in coded if r["measure"] == measure}
                    for parent in printed:
                        kids_codes = children.get(parent)
                        if not kids_codes:
                            continue
                        kids = [rows[c] for c in kids_codes if c in rows]
                        if parent not in rows and not kids:
                            continue
                        kind = "款" if levels.get(kids_codes[0]) == "款" else "项"
                        self.check_sum(
                            "hierarchy_sum",
                            table,
                            parent,
                            measure,
                            rows.get(parent),
                            kids,
                            f"{table} {parent} {measure} = Σ of its {len(kids_codes)} {kind}",
                        )
                    if classification == "功能分类":  # the 合计 row against the 类 rows
                        total = [
                            r
                            for r in recs
                            if not r["code"] and r["measure"] == measure and r["key"] in ("合计", "总计")
                        ]
                        classes = [r for c, r in rows.items() if levels.get(c) == "类"]
                        if len(total) == 1 and classes:
                            self.check_sum(
                                "hierarchy_sum",
                                table,
                                "合计",
                                measure,
                                total[0],
                                classes,
                                f"{table} 合计 {measure} = Σ 类",
                            )

    def row_identities(self) -> None:
        """Identities between the columns of one row (02 收入合计 = Σ sources, 05 小计 = 基本 + 项目 …)."""
        for ident in load_identities():
            recs = self.table(ident.table)
            part_measures = {m for _, m in ident.parts}
            present = self.measures.get(ident.table, set())
            if ident.total not in present or not part_measures & present or ident.unless & present:
                continue  # the table has none of the part columns, or another layout's: nothing to check
            measures = {ident.total} | part_measures
            rows: dict[tuple[str, str], dict[str, dict]] = defaultdict(dict)
            for r in recs:
                if r["measure"] in measures:
                    rows[(r["code"], r["name"])][r["measure"]] = r
            for code, name in sorted(rows):
                row = rows[(code, name)]
                parts = [(sign, row[m]) for sign, m in ident.parts if m in row]
                if ident.total not in row and all(abs(r["value"]) <= _EPS for _, r in parts):
                    continue
                label = code or name
                self.check_sum(
                    "row_identity",
                    ident.table,
                    label,
                    ident.total,
                    row.get(ident.total),
                    [r for _, r in parts],
                    f"{ident.table} {label}: {ident.description}",
                    sign=[sg for sg, _ in parts],
                )

    def summary_totals(self) -> None:
        """01/04: 本年收入合计 = Σ income items; 总计 = 合计 + carry-overs; 本年支出合计 = Σ 类; the two 总计 agree.

        Sub-items ("1.一般公共预算资金" under "一、财政拨款收入") are not added again; 上海 prints no 本年收入合计 and
        江苏 calls it 当年收入小计 and its grand total 收入合计.
        """
        for table in ("01", "04"):
            recs = self.table(table)
            if not recs:
                continue
            totals: dict[str, dict[str, dict]] = {}
            for measure in sorted({r["measure"] for r in recs}):
                side = "收入" if measure.startswith("收入") else "支出"
                g = sorted((r for r in recs if r["measure"] == measure), key=lambda r: (r["page"], r["row"]))
                keys = [r["key"] for r in g]
                pos = next((keys.index(k) for k in _THIS_YEAR[side] if k in keys), None)
                end = next((i for i, k in enumerate(keys) if k in _GRAND[side] and (pos is None or i > pos)), None)
                first_total = pos if pos is not None else end
                if first_total is None:
                    continue
                items = g[:first_total]
                if side == "支出":
                    items = [r for r in items if r["code"]] or items
                elif any(_TOP_ORDINAL.match(r["name"]) for r in items):
                    items = [r for r in items if _TOP_ORDINAL.match(r["name"])]
                label = keys[first_total]
                self.check_sum(
                    "summary_total",
                    table,
                    label,
                    measure,
                    g[first_total],
                    items,
                    f"{table} {label} = Σ {len(items)} items above it",
                )
                if pos is not None and end is not None:
                    # sub-items of 年初财政拨款结转和结余 (fund names without 结转/结余) are not added again
                    top = [r for r in g[pos + 1 : end] if any(w in r["key"] for w in _CARRY_WORDS)]
                    self.check_sum(
                        "summary_total",
                        table,
                        "总计",
                        measure,
                        g[end],
                        [g[pos]] + top,
                        f"{table} {side}总计 = {keys[pos]} + 结转结余 items",
                    )
                if end is not None:
                    totals.setdefault(side, {})[measure] = g[end]
            income, spend = totals.get("收入", {}), totals.get("支出", {})
            if income and spend:
                inc = next(iter(income.values()))
                sp_measure = next(
                    (m for m in ("支出合计", "支出决算数", "支出预算数") if m in spend), next(iter(spend))
                )
                self.check_sum(
                    "summary_total", table, "总计", sp_measure, spend[sp_measure], [inc], f"{table} 收入总计 = 支出总计"
                )

    # -- across tables -------------------------------------------------------------------------------------------
    def _rows(self, table: str, measure: str, *, code: str = "", name_key: str = "") -> list[dict]:
        return [
            r
            for r in self.table(table)
            if r["measure"] == measure and (not code or r["code"] == code) and (not name_key or r["key"] == name_key)
        ]

    def _has(self, table: str, measure: str) -> bool:
        return measure in self.measures.get(table, ())

    def cross_classes(self, check: str, ref: tuple[str, str], other: tuple[str, str]) -> None:
        """Per 类: the reference table's column against the other table's (a missing row counts as 0, a missing
        column means the layout does not carry the figure: no check)."""
        (rt, rm), (ot, om) = ref, other
        if not self._has(rt, rm) or ot not in self.tables:
            return
        a = {r["code"]: r for r in self.table(rt) if r["measure"] == rm and r["level"] == "类"}
        b = {r["code"]: r for r in self.table(ot) if r["measure"] == om and r["level"] == "类"}
        for code in sorted(set(a) | set(b)):
            self.check_sum(
                check, ot, code, om, b.get(code), [a[code]] if code in a else [], f"{rt} {rm} for 类 {code} = {ot} {om}"
            )

    def cross_value(self, check: str, ref_alternatives: list[list[tuple]], other: tuple, message: str) -> None:
        """A value (or Σ of values) of one table against a value of another.

        ``ref_alternatives`` are ways the reference figure is printed (01 lists 一般公共预算/政府性基金/国有资本
        财政拨款收入; 上海 prints one 财政拨款收入): the first with any printed value is used. No check when the
        reference is not printed at all or the other table lacks the column.
        """
        ot, om, sel = other
        if not self._has(ot, om):
            return
        if sel.get("name_key") and not any(r["key"] == sel["name_key"] for r in self.table(ot)):
            return  # the other table prints no such row (no 合计 row): nothing to compare with
        for parts in ref_alternatives:
            if not all(self._has(t, m) for t, m, _ in parts):
                continue
            found = [r for t, m, s in parts for r in self._rows(t, m, **s)]
            if found:
                actual = self._rows(ot, om, **sel)
                code = sel.get("code") or sel.get("name_key", "")
                self.check_sum(
                    check,
                    ot,
                    code,
                    om,
                    actual[0]
                    if len(actual) == 1
                    else (dict(actual[0], value=sum(r["value"] for r in actual)) if actual else None),
                    found,
                    message,
                )
                return

    def _measure(self, table: str, *names: str) -> str:
        return next((n for n in names if self._has(table, n)), names[0])

    def across(self) -> None:
        total = {"name_key": "合计"}
        inc = self._measure("01", "收入决算数", "收入预算数")
        out = self._measure("01", "支出决算数", "支出预算数")
        # 01 income items = 02 合计 row
        funds = ("一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款")
        self.cross_value(
            "cross_01_02",
            [[("01", inc, {"name_key": f + "收入"}) for f in funds], [("01", inc, {"name_key": "财政拨款收入"})]],
            ("02", "财政拨款收入", total),
            "01 财政拨款收入 = 02 合计 财政拨款收入",
        )
        for item in ("上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入"):
            self.cross_value(
                "cross_01_02", [[("01", inc, {"name_key": item})]], ("02", item, total), f"01 {item} = 02 合计 {item}"
            )
        self.cross_value(
            "cross_01_02",
            [[("01", inc, {"name_key": k})] for k in _THIS_YEAR["收入"]] + [[("01", inc, {"name_key": "收入总计"})]],
            ("02", "本年收入合计", total),
            "01 本年收入合计 = 02 合计 本年收入合计",
        )
        # 01 expenditure per 类 = 03
        self.cross_classes("cross_01_03", ("01", out), ("03", "本年支出合计"))
        self.cross_value(
            "cross_01_03",
            [[("01", out, {"name_key": k})] for k in _THIS_YEAR["支出"]] + [[("01", out, {"name_key": "支出总计"})]],
            ("03", "本年支出合计", total),
            "01 本年支出合计 = 03 合计",
        )
        # 04 income = 01 appropriation income
        for fund in funds:
            self.cross_value(
                "cross_01_04",
                [[("01", inc, {"name_key": fund + "收入"})]],
                ("04", "收入金额", {"name_key": fund}),
                f"01 {fund}收入 = 04 {fund}",
            )
        # 04 by fund per 类 = 05 / 08 / 09
        for check, measure, t in (
            ("cross_04_05", "支出一般公共预算财政拨款", "05"),
            ("cross_04_08", "支出政府性基金预算财政拨款", "08"),
            ("cross_04_09", "支出国有资本经营预算财政拨款", "09"),
        ):
            self.cross_classes(check, ("04", measure), (t, "本年支出合计"))
        self.cross_value(
            "cross_04_05",
            [[("04", "支出一般公共预算财政拨款", {"name_key": k})] for k in _THIS_YEAR["支出"]],
            ("05", "本年支出合计", total),
            "04 一般公共预算 本年支出合计 = 05 合计",
        )
        # 05 基本支出 = 06 人员经费 + 公用经费
        for m in self._measures("06"):
            self.cross_value(
                "cross_05_06",
                [[("06", m, {"name_key": k}) for k in ("人员经费合计", "公用经费合计")]],
                ("05", "基本支出", total),
                "05 合计 基本支出 = 06 人员经费合计 + 公用经费合计",
            )

    def _measures(self, table: str) -> list[str]:
        return sorted(self.measures.get(table, ()))

    def economic_footer(self) -> None:
        """06: 人员经费合计 + 公用经费合计 = Σ 类; 人员经费合计 = 301 + 303 (工资福利 + 对个人和家庭的补助)."""
        recs = self.table("06")
        for measure in self._measures("06"):
            m = [r for r in recs if r["measure"] == measure]
            classes = [r for r in m if r["level"] == "类" and r["classification"] == "经济分类"]
            footer = {r["key"]: r for r in m if not r["code"]}
            staff, office = footer.get("人员经费合计"), footer.get("公用经费合计")
            if staff is None and office is None:
                continue
            both = [r for r in (staff, office) if r]
            self.check_sum(
                "economic_footer",
                "06",
                "人员经费合计+公用经费合计",
                measure,
                dict(both[0], value=sum(r["value"] for r in both), half=sum(r["half"] for r in both)),
                classes,
                "06 人员经费合计 + 公用经费合计 = Σ 经济分类 类",
            )
            if staff is not None:
                personnel = [r for r in classes if r["code"] in ("301", "303")]
                self.check_sum(
                    "economic_footer", "06", "人员经费合计", measure, staff, personnel, "06 人员经费合计 = 301 + 303"
                )


# The catalog is sure of editions from 2019 on; for an earlier document "not in this edition" would say nothing
# about the document, so its codes are checked against all editions.
_FIRST_CERTAIN_EDITION = 2019


@lru_cache(maxsize=1 << 14)
def _check_code(code: str, name: str, classification: str, edition: int | None) -> tuple[str, ...]:
    """The catalog's verdict on one printed pair; cached, since a corpus prints the same pairs over and over."""
    from .codes import check_code

    return tuple(check_code(code, name, classification, edition))


def _records(cells: pd.DataFrame | list[dict]) -> list[dict]:
    return cells.to_dict("records") if isinstance(cells, pd.DataFrame) else cells


def code_problems(cells: pd.DataFrame | list[dict], year: int | None = None) -> list[dict]:
    """Each (classification, code, name) printed, against the code catalog (``juesuan.codes.check_code``).

    An unknown code is a warning (``code_unknown``): it stays in cells, the catalog may simply not know it yet. A
    name printed differently from the catalog is info (``name_differs``): names are kept as printed, codes are the
    key. One finding (a dict without doc_id) per distinct pair, on the first table that prints it.
    """
    edition = year if year and year >= _FIRST_CERTAIN_EDITION else None
    first_table: dict[tuple[str, str, str], str] = {}
    for r in _records(cells):
        if r["code"] and r["classification"] in ("功能分类", "经济分类"):
            first_table.setdefault((r["classification"], r["code"], r["name"]), r["table"])
    found = []
    for (classification, code, name), table in sorted(first_table.items()):
        for problem in _check_code(code, strip_ordinal(name), classification, edition):
            differs = " printed as " in problem
            found.append(
                {
                    "check": "name_differs" if differs else "code_unknown",
                    "severity": "info" if differs else "warning",
                    "table": table,
                    "code": code,
                    "measure": "",
                    "message": problem,
                }
            )
    return found


def arithmetic_problems(cells: pd.DataFrame | list[dict], half_units: dict[str, float] | None = None) -> list[dict]:
    """All arithmetic checks on one document's cells, as finding dicts (without doc_id), in a stable order."""
    records = _records(cells)
    if not records:
        return []
    c = _Checker(records, half_units or {})
    c.hierarchy()
    c.row_identities()
    c.summary_totals()
    c.economic_footer()
    c.across()
    return c.found


def findings_frame(found: list[dict], doc_id: str = "") -> pd.DataFrame:
    """Finding dicts → the findings contract (blank numbers where a finding has none)."""
    return frame_from_records([dict(f, doc_id=doc_id) for f in found], "findings")


def codes_to_findings(cells: pd.DataFrame | list[dict], year: int | None = None, doc_id: str = "") -> pd.DataFrame:
    """``code_problems`` as a findings DataFrame."""
    return findings_frame(code_problems(cells, year), doc_id)


def cells_to_findings(
    cells: pd.DataFrame | list[dict], half_units: dict[str, float] | None = None, doc_id: str = ""
) -> pd.DataFrame:
    """All arithmetic checks on one document's cells → findings (contract columns), in a stable order.

    ``half_units`` maps table id → half of its last printed digit in 万元 (0.005 for 万元 with two decimals); tables
    not listed use 0.005; a cell's own ``_half`` (set by the parser) wins over both.
    """
    return findings_frame(arithmetic_problems(cells, half_units), doc_id)
