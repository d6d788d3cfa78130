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
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import pandas as pd

from .codes import parent_of
from .schema import conform, empty_frame
from .textnorm import match_key, strip_ordinal

_EPS = 1e-9


def tolerance(n_addends: int, half_unit: float = 0.005) -> float:
    """Largest |printed total − Σ printed addends| that rounding explains: (n + 1) half units."""
    return (n_addends + 1) * half_unit


def compare(check: str, table: str, code: str, measure: str, expected: float, actual: float, n_addends: int,
            half_unit: float, message: str) -> dict | None:
    """One identity: a finding dict when ``actual`` differs from ``expected``, else None."""
    diff = round(actual - expected, 10)
    if abs(diff) <= _EPS:
        return None
    tol = tolerance(n_addends, half_unit)
    severity = "info" if abs(diff) <= tol + _EPS else "error"
    return {"check": check, "severity": severity, "table": table, "code": code, "measure": measure,
            "expected": round(expected, 6), "actual": round(actual, 6), "difference": round(diff, 6),
            "tolerance": round(tol, 6), "message": message + ("" if severity == "error" else " (within rounding)")}


@dataclass(frozen=True)
class Identity:
    table: str
    total: str
    parts: tuple[tuple[int, str], ...]  # (sign, measure)
    description: str


@lru_cache(maxsize=1)
def load_identities() -> tuple[Identity, ...]:
    path = resources.files("juesuan.tables").joinpath("data/identities.csv")
    out = []
    with path.open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            parts = tuple((-1, p[1:]) if p.startswith("-") else (1, p) for p in r["parts"].split("|"))
            out.append(Identity(r["table"], r["total"], parts, r["description"]))
    return tuple(out)


def _key(name: str) -> str:
    return match_key(strip_ordinal(name))


class _Checker:
    """The identities over one document's cells, held as plain records indexed by table (pandas row selection
    per identity cost more than reading the PDF)."""

    def __init__(self, cells: list[dict], half_units: dict[str, float]):
        self.half = half_units
        self.found: list[dict] = []
        self.by_table: dict[str, list[dict]] = defaultdict(list)
        for rec in cells:
            self.by_table[rec["table"]].append(dict(rec, key=_key(rec["name"])))
        self.tables = set(self.by_table)

    def hu(self, *tables: str) -> float:
        return max([self.half.get(t, 0.005) for t in tables] or [0.005])

    def add(self, f: dict | None) -> None:
        if f is not None:
            self.found.append(f)

    def table(self, t: str) -> list[dict]:
        return self.by_table.get(t, [])

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
                    values = {r["code"]: r["value"] for r in coded if r["measure"] == measure}
                    for parent in printed:
                        kids_codes = children.get(parent)
                        if not kids_codes:
                            continue
                        kids = [values[c] for c in kids_codes if c in values]
                        if parent not in values and not kids:
                            continue
                        kind = "款" if levels.get(kids_codes[0]) == "款" else "项"
                        self.add(compare("hierarchy_sum", table, parent, measure, sum(kids), values.get(parent, 0.0),
                                         len(kids), self.hu(table), f"{table} {parent} {measure} = Σ of its "
                                         f"{len(kids_codes)} {kind}"))
                    if classification == "功能分类":  # the 合计 row against the 类 rows
                        total = [r for r in recs if not r["code"] and r["measure"] == measure
                                 and r["key"] in ("合计", "总计")]
                        classes = [v for c, v in values.items() if levels.get(c) == "类"]
                        if len(total) == 1 and classes:
                            self.add(compare("hierarchy_sum", table, "合计", measure, sum(classes),
                                             float(total[0]["value"]), len(classes), self.hu(table),
                                             f"{table} 合计 {measure} = Σ 类"))

    def row_identities(self) -> None:
        """Identities between the columns of one row (02 收入合计 = Σ sources, 05 小计 = 基本 + 项目 …)."""
        for ident in load_identities():
            recs = self.table(ident.table)
            part_measures = {m for _, m in ident.parts}
            if not part_measures & {r["measure"] for r in recs}:
                continue  # the table has none of the part columns (a regional variant): nothing to check
            measures = {ident.total} | part_measures
            rows: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
            for r in recs:
                if r["measure"] in measures:
                    rows[(r["code"], r["name"])][r["measure"]] = r["value"]
            for (code, name) in sorted(rows):
                values = rows[(code, name)]
                parts = [(sign, values[m]) for sign, m in ident.parts if m in values]
                if ident.total not in values and all(abs(v) <= _EPS for _, v in parts):
                    continue
                label = code or name
                self.add(compare("row_identity", ident.table, label, ident.total, sum(sg * v for sg, v in parts),
                                 values.get(ident.total, 0.0), len(parts), self.hu(ident.table),
                                 f"{ident.table} {label}: {ident.description}"))

    def summary_totals(self) -> None:
        """01/04: 本年收入合计 = Σ income items; 总计 = 合计 + carry-overs; 本年支出合计 = Σ 类; the two 总计 agree."""
        for table in ("01", "04"):
            recs = self.table(table)
            if not recs:
                continue
            totals: dict[str, dict[str, float]] = {}
            for measure in sorted({r["measure"] for r in recs}):
                side = "收入" if measure.startswith("收入") else "支出"
                g = sorted((r for r in recs if r["measure"] == measure), key=lambda r: r["row"])
                keys = [r["key"] for r in g]
                this_year = f"本年{side}合计"
                if this_year not in keys:
                    continue
                pos = keys.index(this_year)
                items = [r for r in g[:pos] if side == "收入" or r["code"]]
                total_this_year = float(g[pos]["value"])
                self.add(compare("summary_total", table, this_year, measure, sum(r["value"] for r in items),
                                 total_this_year, len(items), self.hu(table),
                                 f"{table} {this_year} = Σ {len(items)} items above it"))
                if "总计" in keys:
                    end = keys.index("总计")
                    # sub-items of 年初财政拨款结转和结余 (fund names without 结转/结余) are not added again
                    top = [r for r in g[pos + 1:end] if any(w in r["key"] for w in ("结转", "结余", "弥补", "使用", "分配"))]
                    grand = float(g[end]["value"])
                    self.add(compare("summary_total", table, "总计", measure,
                                     total_this_year + sum(r["value"] for r in top), grand, len(top) + 1,
                                     self.hu(table), f"{table} {side}总计 = {this_year} + 结转结余 items"))
                    totals.setdefault(side, {})[measure] = grand
            income, spend = totals.get("收入", {}), totals.get("支出", {})
            if income and spend:
                inc = next(iter(income.values()))
                sp_measure = "支出合计" if "支出合计" in spend else next(iter(spend))
                self.add(compare("summary_total", table, "总计", sp_measure, inc, spend[sp_measure], 1,
                                 self.hu(table), f"{table} 收入总计 = 支出总计"))

    # -- across tables -------------------------------------------------------------------------------------------
    def _value(self, table: str, measure: str, *, code: str = "", name_key: str = "") -> float | None:
        vals = [r["value"] for r in self.table(table) if r["measure"] == measure
                and (not code or r["code"] == code) and (not name_key or r["key"] == name_key)]
        return float(sum(vals)) if vals else None

    def _per_class(self, table: str, measure: str) -> dict[str, float]:
        return {r["code"]: r["value"] for r in self.table(table) if r["measure"] == measure and r["level"] == "类"}

    def cross_classes(self, check: str, ref: tuple[str, str], other: tuple[str, str]) -> None:
        """Per 类: the reference table's column against the other table's (missing rows count as 0)."""
        (rt, rm), (ot, om) = ref, other
        if rt not in self.tables or ot not in self.tables:
            return
        a, b = self._per_class(rt, rm), self._per_class(ot, om)
        for code in sorted(set(a) | set(b)):
            self.add(compare(check, ot, code, om, a.get(code, 0.0), b.get(code, 0.0), 1, self.hu(rt, ot),
                             f"{rt} {rm} for 类 {code} = {ot} {om}"))

    def cross_value(self, check: str, ref: tuple, ref_parts: list[tuple], other: tuple, message: str) -> None:
        """A value (or Σ of values) of one table against a value of another; skipped when either table is absent."""
        rt, ot = ref[0], other[0]
        if rt not in self.tables or ot not in self.tables:
            return
        printed = [v for v in (self._value(*p[:2], **p[2]) for p in ref_parts) if v is not None]
        actual = self._value(other[0], other[1], **other[2])
        if not printed and actual is None:
            return
        self.add(compare(check, ot, other[2].get("code") or other[2].get("name_key", ""), other[1], sum(printed),
                         actual if actual is not None else 0.0, len(printed), self.hu(rt, ot), message))

    def across(self) -> None:
        total = {"name_key": "合计"}
        inc = "收入决算数"
        # 01 income items = 02 合计 row
        self.cross_value("cross_01_02", ("01",), [("01", inc, {"name_key": k}) for k in
                                                  ("一般公共预算财政拨款收入", "政府性基金预算财政拨款收入",
                                                   "国有资本经营预算财政拨款收入")],
                         ("02", "财政拨款收入", total), "01 财政拨款收入 (三本预算) = 02 合计 财政拨款收入")
        for item in ("上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入", "本年收入合计"):
            self.cross_value("cross_01_02", ("01",), [("01", inc, {"name_key": item})], ("02", item, total),
                             f"01 {item} = 02 合计 {item}")
        # 01 expenditure per 类 = 03
        self.cross_classes("cross_01_03", ("01", "支出决算数"), ("03", "本年支出合计"))
        self.cross_value("cross_01_03", ("01",), [("01", "支出决算数", {"name_key": "本年支出合计"})],
                         ("03", "本年支出合计", total), "01 本年支出合计 = 03 合计")
        # 04 income = 01 appropriation income
        for fund in ("一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款"):
            self.cross_value("cross_01_04", ("01",), [("01", inc, {"name_key": fund + "收入"})],
                             ("04", "收入金额", {"name_key": fund}), f"01 {fund}收入 = 04 {fund}")
        # 04 by fund per 类 = 05 / 08 / 09
        for check, measure, t in (("cross_04_05", "支出一般公共预算财政拨款", "05"),
                                  ("cross_04_08", "支出政府性基金预算财政拨款", "08"),
                                  ("cross_04_09", "支出国有资本经营预算财政拨款", "09")):
            self.cross_classes(check, ("04", measure), (t, "本年支出合计"))
        self.cross_value("cross_04_05", ("04",), [("04", "支出一般公共预算财政拨款", {"name_key": "本年支出合计"})],
                         ("05", "本年支出合计", total), "04 一般公共预算 本年支出合计 = 05 合计")
        # 05 基本支出 = 06 人员经费 + 公用经费
        self.cross_value("cross_05_06", ("06",), [("06", m, {"name_key": k}) for k in ("人员经费合计", "公用经费合计")
                                                  for m in self._measures("06")],
                         ("05", "基本支出", total), "05 合计 基本支出 = 06 人员经费合计 + 公用经费合计")

    def _measures(self, table: str) -> list[str]:
        return sorted({r["measure"] for r in self.table(table)})

    def economic_footer(self) -> None:
        """06: 人员经费合计 + 公用经费合计 = Σ 类; 人员经费合计 = 301 + 303 (工资福利 + 对个人和家庭的补助)."""
        recs = self.table("06")
        for measure in self._measures("06"):
            m = [r for r in recs if r["measure"] == measure]
            classes = [r for r in m if r["level"] == "类" and r["classification"] == "经济分类"]
            footer = {r["key"]: float(r["value"]) for r in m if not r["code"]}
            staff, office = footer.get("人员经费合计"), footer.get("公用经费合计")
            if staff is None and office is None:
                continue
            self.add(compare("economic_footer", "06", "人员经费合计+公用经费合计", measure,
                             sum(r["value"] for r in classes), (staff or 0.0) + (office or 0.0), len(classes),
                             self.hu("06"), "06 人员经费合计 + 公用经费合计 = Σ 经济分类 类"))
            if staff is not None:
                personnel = [r["value"] for r in classes if r["code"] in ("301", "303")]
                self.add(compare("economic_footer", "06", "人员经费合计", measure, sum(personnel), staff,
                                 len(personnel), self.hu("06"), "06 人员经费合计 = 301 + 303"))


# The catalog is sure of editions from 2019 on; for an earlier document "not in this edition" would say nothing
# about the document, so its codes are checked against all editions.
_FIRST_CERTAIN_EDITION = 2019


def _records(cells: pd.DataFrame | list[dict]) -> list[dict]:
    return cells.to_dict("records") if isinstance(cells, pd.DataFrame) else cells


def codes_to_findings(cells: pd.DataFrame | list[dict], year: int | None = None, doc_id: str = "") -> pd.DataFrame:
    """Each (classification, code, name) printed, against the code catalog (``juesuan.codes.check_code``).

    An unknown code is a warning (``code_unknown``): it stays in cells, the catalog may simply not know it yet. A
    name printed differently from the catalog is info (``name_differs``): names are kept as printed, codes are the
    key. One finding per distinct pair, on the first table that prints it.
    """
    from .codes import check_code

    edition = year if year and year >= _FIRST_CERTAIN_EDITION else None
    first_table: dict[tuple[str, str, str], str] = {}
    for r in _records(cells):
        if r["code"] and r["classification"] in ("功能分类", "经济分类"):
            first_table.setdefault((r["classification"], r["code"], r["name"]), r["table"])
    found = []
    for (classification, code, name), table in sorted(first_table.items()):
        for problem in check_code(code, strip_ordinal(name), classification, edition):
            differs = " printed as " in problem
            found.append({"check": "name_differs" if differs else "code_unknown",
                          "severity": "info" if differs else "warning", "table": table, "code": code,
                          "measure": "", "message": problem})
    if not found:
        return empty_frame("findings")
    df = pd.DataFrame(found)
    df.insert(0, "doc_id", doc_id)
    for col in ("expected", "actual", "difference", "tolerance"):
        df[col] = float("nan")
    return conform(df, "findings")


def cells_to_findings(cells: pd.DataFrame | list[dict], half_units: dict[str, float] | None = None,
                      doc_id: str = "") -> pd.DataFrame:
    """All arithmetic checks on one document's cells → findings (contract columns), in a stable order.

    ``half_units`` maps table id → half of its last printed digit in 万元 (0.005 for 万元 with two decimals); tables
    not listed use 0.005.
    """
    records = _records(cells)
    if not records:
        return empty_frame("findings")
    c = _Checker(records, half_units or {})
    c.hierarchy()
    c.row_identities()
    c.summary_totals()
    c.economic_footer()
    c.across()
    df = pd.DataFrame(c.found)
    if df.empty:
        return empty_frame("findings")
    df.insert(0, "doc_id", doc_id)
    return conform(df, "findings")
