"""Check the arithmetic of a document's tables: within tables, across tables. Breaks become findings, never fixes.

Every identity is a row of ``data/identities.csv`` (hierarchy sums, row identities, 07's item identities, 01/04
summary totals, 06 footers, cross-table identities) and goes through one tolerance-aware comparison, ``compare``.
Each printed value was rounded to its last printed digit (0.01 万元 mostly), so it may be off its true value by half a
unit (0.005). A total printed beside n independently rounded addends can differ from their sum by up to the sum of
all their half units (seed 000: 301 + 303 = 148.02 but 人员经费合计 = 148.03). Where the total restates a single
printed value (a 款 with one 项, 04 against 05 合计) rounding cannot explain any difference and the tolerance is
zero. A difference within the bound is an info finding; beyond it, an error. A fixed tolerance would be wrong both
ways: exact equality flags honest rounding, and a 0.5 万元 slack hides real errors in small tables.

Identities compare cells of one basis (决算 with 决算, 年初预算 with 年初预算); every identity that applies leaves a
ledger row (passed, failed, or not checked and why).
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..codes import parent_of
from ..textnorm import ORD_WORD
from .ledger import Ledger, make_finding
from .ocr import ocr_note

_EPS = 1e-9
_CARRY_WORDS = ("结转", "结余", "弥补", "使用", "分配")
_TOP_ORDINAL = re.compile(rf"^{ORD_WORD}")
_THIS_YEAR = {"收入": "本年收入合计", "支出": "本年支出合计"}
# 江苏 names its grand totals 收入合计/支出合计 (after 当年收入小计); elsewhere 总计
_GRAND = {"收入": ("收入总计", "收入合计"), "支出": ("支出总计", "支出合计")}


def tolerance(n_addends: int, half_unit: float = 0.005) -> float:
    """Largest |printed total − Σ printed addends| that rounding explains when every value has the same printed
    precision: (n + 1) half units for several addends; 0 when the total restates a single printed value."""
    return 0.0 if n_addends == 1 else (n_addends + 1) * half_unit


def rounding_bound(total: dict | None, parts: list[dict]) -> float:
    """What rounding can explain between a printed total and its printed parts (records carry ``half``).

    One part printed to the same precision as the total: both are roundings of one true value, so they must be equal.
    Otherwise every value involved brings its half unit.
    """
    if len(parts) == 1 and total is not None and abs(parts[0]["half"] - total["half"]) < _EPS:
        return 0.0
    return sum(r["half"] for r in parts) + (total["half"] if total else 0.0)


def compare(
    check: str,
    table: str,
    code: str,
    measure: str,
    expected: float,
    actual: float,
    tol: float,
    message: str,
    at: dict | None = None,
    evidence: str = "",
) -> dict | None:
    """One identity: a finding dict when ``actual`` differs from ``expected``, else None.

    ``tol`` is what rounding can explain; ``at`` is the cell record the finding points at (its page and box).
    """
    diff = round(actual - expected, 10)
    if abs(diff) <= _EPS:
        return None
    severity = "info" if abs(diff) <= tol + _EPS else "error"
    return make_finding(
        check,
        severity,
        message + ("" if severity == "error" else " (within rounding)"),
        table=table,
        subject=code,
        measure=measure,
        expected=round(expected, 6),
        actual=round(actual, 6),
        tolerance=round(tol, 6),
        at=at,
        evidence=evidence,
    )


@dataclass(frozen=True)
class Identity:
    check: str
    type: str  # hierarchy | row | items | summary | footer | cross_class | cross_value
    tables: tuple[str, ...]
    variant: str
    total: str
    parts: tuple[tuple[int, str], ...]  # (sign, measure or item)
    unless: frozenset[str]  # measures/items whose presence means another layout (江苏 07's 会议费/培训费)
    ref: tuple[tuple[tuple[str, ...], ...], ...]  # alternatives, each a sum of selectors (table, side, subject, m)
    other: tuple[str, ...]
    description: str


def _selectors(text: str) -> tuple[tuple[tuple[str, ...], ...], ...]:
    return tuple(tuple(tuple(sel.split("/")) for sel in alt.split("+")) for alt in text.split(";") if alt)


@lru_cache(maxsize=1)
def load_identities() -> tuple[Identity, ...]:
    """The identities a document's tables must satisfy, from validate/data/identities.csv."""
    out = []
    with resources.files(__package__).joinpath("data/identities.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            parts = tuple((-1, p[1:]) if p.startswith("-") else (1, p) for p in r["parts"].split("|") if p)
            out.append(
                Identity(
                    r["check"],
                    r["type"],
                    tuple(r["table"].split("|")),
                    r["variant"],
                    r["total"],
                    parts,
                    frozenset(m for m in r["unless"].split("|") if m),
                    _selectors(r["ref"]),
                    tuple(r["other"].split("/")) if r["other"] else (),
                    r["description"],
                )
            )
    return tuple(out)


def _evidence(total: dict | None, parts: list[dict]) -> str:
    head = (total or {}).get("printed") or "(blank)"
    return f"{head} vs " + " + ".join(p.get("printed") or str(p["value"]) for p in parts) if parts else head


def _subject(rec: dict) -> str:
    return rec.get("code") or rec.get("item") or rec.get("name") or ""


class Checker:
    """The identities over one document's cells, held as plain records indexed by (table, basis): pandas row
    selection per identity cost more than reading the PDF. Each record carries ``half``, the half unit of its
    printed value."""

    def __init__(self, cells: list[dict], ledger: Ledger | None = None):
        self.ledger = ledger if ledger is not None else Ledger()
        self.by_table: dict[str, list[dict]] = defaultdict(list)
        for rec in cells:
            self.by_table[rec["table"]].append(dict(rec, half=rec.get("_half") or 0.005))
        self.tables = set(self.by_table)

    # -- plumbing --------------------------------------------------------------------------------------------
    def bases(self, table: str) -> list[str]:
        return sorted({r["basis"] for r in self.by_table.get(table, ())})

    def recs(self, table: str, basis: str | None = None) -> list[dict]:
        return [r for r in self.by_table.get(table, ()) if basis is None or r["basis"] == basis]

    def check_sum(
        self,
        check: str,
        table: str,
        subject: str,
        measure: str,
        total: dict | None,
        parts: list[dict],
        message: str,
        signs: list[int] | None = None,
    ) -> None:
        """``total`` (a record, or None for a blank) against Σ ``parts``; records the outcome in the ledger."""
        signs = signs or [1] * len(parts)
        expected = sum(sg * r["value"] for sg, r in zip(signs, parts))
        actual = total["value"] if total else 0.0
        at = total or (parts[0] if parts else None)
        finding = compare(
            check,
            table,
            subject,
            measure,
            expected,
            actual,
            rounding_bound(total, parts),
            message,
            at=at,
            evidence=_evidence(total, parts),
        )
        if finding is not None:
            finding["message"] += ocr_note([total, *parts])  # values read by OCR: how many were doubtful
        self.ledger.result(check, finding, table=table, subject=subject, measure=measure)

    def skip(self, check: str, reason: str, table: str = "", subject: str = "", measure: str = "") -> None:
        self.ledger.not_checked(check, reason, table=table, subject=subject, measure=measure)

    def run(self) -> Ledger:
        for ident in load_identities():
            getattr(self, f"_{ident.type}")(ident)
        return self.ledger

    # -- within a table ----------------------------------------------------------------------------------------
    def _hierarchy(self, ident: Identity) -> None:
        """类 = Σ 款 = Σ 项 in each coded table (and 经济分类 类 = Σ 款 in 06); 合计 = Σ 类."""
        for table in sorted(self.by_table):
            recs = self.by_table[table]
            if any(r.get("side") for r in recs):
                continue  # 01/04: the summary identities read their classes
            for basis in self.bases(table):
                for classification in ("功能分类", "经济分类"):
                    coded = [
                        r for r in recs if r["code"] and r["classification"] == classification and r["basis"] == basis
                    ]
                    if coded:
                        self._hierarchy_of(ident.check, table, classification, coded, recs, basis)

    def _hierarchy_of(
        self, check: str, table: str, classification: str, coded: list[dict], recs: list[dict], basis: str
    ) -> None:
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
                    check,
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
                    if not r["code"] and r["measure"] == measure and r["basis"] == basis and r.get("item") == "合计"
                ]
                classes = [r for c, r in rows.items() if levels.get(c) == "类"]
                if len(total) == 1 and classes:
                    self.check_sum(check, table, "合计", measure, total[0], classes, f"{table} 合计 {measure} = Σ 类")

    def _row(self, ident: Identity) -> None:
        """Identities between the columns of one row (02 收入合计 = Σ sources, 05 小计 = 基本 + 项目 …)."""
        for table in ident.tables:
            recs = [r for r in self.recs(table) if not ident.variant or r.get("variant") == ident.variant]
            if not recs:
                continue
            present = {r["measure"] for r in recs}
            part_measures = {m for _, m in ident.parts}
            if ident.unless & present:
                continue  # another layout's columns: its own identity applies
            if ident.total not in present or not part_measures & present:
                self.skip(
                    ident.check,
                    f"table {table} prints no {ident.total} column"
                    if ident.total not in present
                    else f"table {table} prints none of {'/'.join(sorted(part_measures))}",
                    table=table,
                    measure=ident.total,
                )
                continue
            # in a two-sided table the identity holds on the side that prints its parts (04: 支出)
            sides = {r.get("side") for r in recs if r["measure"] in part_measures}
            rows: dict[tuple, dict[str, dict]] = defaultdict(dict)
            for r in recs:
                if r.get("side") not in sides:
                    continue
                if r["measure"] == ident.total or r["measure"] in part_measures:
                    rows[(r["basis"], r["code"] or "", r["name"])][r["measure"]] = r
            for key in sorted(rows):
                self._one_row(ident, table, rows[key], key[1] or rows[key][next(iter(rows[key]))].get("item") or "")

    def _one_row(self, ident: Identity, table: str, row: dict[str, dict], label: str) -> None:
        parts = [(sign, row[m]) for sign, m in ident.parts if m in row]
        if ident.total not in row and all(abs(r["value"]) <= _EPS for _, r in parts):
            return  # a row of zeros and blanks
        self.check_sum(
            ident.check,
            table,
            label,
            ident.total,
            row.get(ident.total),
            [r for _, r in parts],
            f"{table} {label}: {ident.description}",
            signs=[sg for sg, _ in parts],
        )

    def _items(self, ident: Identity) -> None:
        """Identities between the item columns of 07 (合计 = 出国 + 车 + 接待), per basis."""
        for table in ident.tables:
            recs = self.recs(table)
            if not recs:
                continue
            items = {r.get("item") for r in recs}
            if ident.unless & items:
                continue
            if ident.total not in items:
                if {m for _, m in ident.parts} & items:
                    self.skip(ident.check, f"table {table} prints no {ident.total}", table=table, subject=ident.total)
                continue
            for basis in self.bases(table):
                by_item = {r["item"]: r for r in recs if r["basis"] == basis}
                parts = [(sign, by_item[m]) for sign, m in ident.parts if m in by_item]
                if not parts:
                    continue
                self.check_sum(
                    ident.check,
                    table,
                    ident.total,
                    "合计",
                    by_item.get(ident.total),
                    [r for _, r in parts],
                    f"{table} {basis}: {ident.description}",
                    signs=[sg for sg, _ in parts],
                )

    def _footer(self, ident: Identity) -> None:
        """06: 人员经费合计 + 公用经费合计 = Σ 类; 人员经费合计 = 301 + 303 (工资福利 + 对个人和家庭的补助)."""
        for table in ident.tables:
            for basis in self.bases(table):
                recs = self.recs(table, basis)
                for measure in sorted({r["measure"] for r in recs}):
                    m = [r for r in recs if r["measure"] == measure]
                    classes = [r for r in m if r["level"] == "类" and r["classification"] == "经济分类"]
                    footer = {r["item"]: r for r in m if not r["code"]}
                    staff, office = footer.get("人员经费合计"), footer.get("公用经费合计")
                    if staff is None and office is None:
                        self.skip(
                            ident.check,
                            f"table {table} prints no 人员经费合计/公用经费合计",
                            table=table,
                            measure=measure,
                        )
                        continue
                    both = [r for r in (staff, office) if r]
                    self.check_sum(
                        ident.check,
                        table,
                        "人员经费合计+公用经费合计",
                        measure,
                        dict(both[0], value=sum(r["value"] for r in both), half=sum(r["half"] for r in both)),
                        classes,
                        f"{table} 人员经费合计 + 公用经费合计 = Σ 经济分类 类",
                    )
                    if staff is not None:
                        personnel = [r for r in classes if r["code"] in ("301", "303")]
                        self.check_sum(
                            ident.check,
                            table,
                            "人员经费合计",
                            measure,
                            staff,
                            personnel,
                            f"{table} 人员经费合计 = 301 + 303",
                        )

    def _summary(self, ident: Identity) -> None:
        """01/04: 本年收入合计 = Σ income items; 总计 = 合计 + carry-overs; 本年支出合计 = Σ 类; the two 总计 agree.

        Sub-items ("1.一般公共预算资金" under "一、财政拨款收入") are not added again; 上海 prints no 本年收入合计 and
        江苏 calls it 当年收入小计 and its grand total 收入合计.
        """
        for table in ident.tables:
            for basis in self.bases(table):
                self._summary_of(ident.check, table, self.recs(table, basis))

    def _summary_of(self, check: str, table: str, recs: list[dict]) -> None:
        grand: dict[str, dict] = {}
        for side, measure in sorted({(r["side"], r["measure"]) for r in recs if r.get("side")}):
            g = sorted(
                (r for r in recs if r["side"] == side and r["measure"] == measure), key=lambda r: (r["page"], r["row"])
            )
            items = [r.get("item") or "" for r in g]
            pos = items.index(_THIS_YEAR[side]) if _THIS_YEAR[side] in items else None
            end = next((i for i, k in enumerate(items) if k in _GRAND[side] and (pos is None or i > pos)), None)
            first_total = pos if pos is not None else end
            if first_total is None:
                self.skip(check, f"no 本年合计 or 总计 row on the {side} side", table=table, measure=measure)
                continue
            # sub-items (items.csv parent: "其他收入:捐赠收入", "年初结转和结余:一般公共预算财政拨款") are in their parent
            above = [r for r in g[:first_total] if ":" not in (r.get("item") or "")]
            if side == "支出":
                above = [r for r in above if r["code"]] or above
            elif any(_TOP_ORDINAL.match(r["name"]) for r in above):
                above = [r for r in above if _TOP_ORDINAL.match(r["name"])]
            label = items[first_total]
            self.check_sum(
                check, table, label, measure, g[first_total], above, f"{table} {label} = Σ {len(above)} items above it"
            )
            if pos is not None and end is not None:
                # sub-items of 年初财政拨款结转和结余 (fund names without 结转/结余) are not added again
                top = [
                    r
                    for r in g[pos + 1 : end]
                    if any(w in (r.get("item") or "") for w in _CARRY_WORDS) and ":" not in (r.get("item") or "")
                ]
                self.check_sum(
                    check,
                    table,
                    "总计",
                    measure,
                    g[end],
                    [g[pos]] + top,
                    f"{table} {side}总计 = {items[pos]} + 结转结余 items",
                )
            if end is not None and measure == "合计":
                grand[side] = g[end]
        if "收入" in grand and "支出" in grand:
            self.check_sum(check, table, "总计", "合计", grand["支出"], [grand["收入"]], f"{table} 收入总计 = 支出总计")

    # -- across tables -----------------------------------------------------------------------------------------
    def select(self, sel: tuple[str, ...], basis: str) -> list[dict]:
        table, side, subject, measure = sel
        return [
            r
            for r in self.recs(table, basis)
            if r["measure"] == measure
            and (not side or r.get("side") == side)
            and (r["code"] == subject if subject.isdigit() else (r.get("item") == subject and not r["code"]))
        ]

    def _cross_bases(self, tables: set[str]) -> list[str]:
        common = None
        for t in tables:
            b = set(self.bases(t))
            common = b if common is None else common & b
        return sorted(common or ())

    def _cross_value(self, ident: Identity) -> None:
        """A value (or Σ of values) of one table against a value of another (per basis both print).

        ``ref`` lists the ways the reference figure is printed (01 lists 一般公共预算/政府性基金/国有资本 财政拨款收入;
        上海 prints one 财政拨款收入): the first with any printed value is used.
        """
        ot, _, osubj, om = ident.other
        ref_tables = {sel[0] for alt in ident.ref for sel in alt}
        missing = sorted(t for t in ref_tables | {ot} if t not in self.tables)
        if missing:
            self.skip(ident.check, f"table {'/'.join(missing)} not found", table=ot, subject=osubj, measure=om)
            return
        for basis in self._cross_bases(ref_tables | {ot}):
            actual = self.select(ident.other, basis)
            if not actual:
                self.skip(ident.check, f"{ot} prints no {osubj} {om}", table=ot, subject=osubj, measure=om)
                continue
            found = next((hit for alt in ident.ref if (hit := [r for s in alt for r in self.select(s, basis)])), [])
            if not found:
                self.skip(
                    ident.check,
                    f"the reference figure ({ident.description.split(' = ')[0]}) is not printed",
                    table=ot,
                    subject=osubj,
                    measure=om,
                )
                continue
            total = actual[0] if len(actual) == 1 else dict(actual[0], value=sum(r["value"] for r in actual))
            self.check_sum(ident.check, ot, osubj, om, total, found, ident.description)

    def _cross_class(self, ident: Identity) -> None:
        """Per 类: the reference table's column against the other table's (a missing row counts as 0)."""
        ((rt, rside, _, rm),) = ident.ref[0]
        ot, _, _, om = ident.other
        if rt not in self.tables or ot not in self.tables:
            self.skip(ident.check, f"table {rt if rt not in self.tables else ot} not found", table=ot, measure=om)
            return
        for basis in self._cross_bases({rt, ot}):
            a = {
                r["code"]: r
                for r in self.recs(rt, basis)
                if r["measure"] == rm and r["level"] == "类" and (not rside or r.get("side") == rside)
            }
            b = {r["code"]: r for r in self.recs(ot, basis) if r["measure"] == om and r["level"] == "类"}
            if not a or not b:
                # a table without 类 rows (江苏's 支出总表 is family 03 but one row by purpose) says nothing per 类
                self.skip(
                    ident.check,
                    f"{rt if not a else ot} prints no 类 rows for {rm if not a else om}",
                    table=ot,
                    measure=om,
                )
                continue
            for code in sorted(set(a) | set(b)):
                self.check_sum(
                    ident.check,
                    ot,
                    code,
                    om,
                    b.get(code),
                    [a[code]] if code in a else [],
                    f"{rt} {rm} for 类 {code} = {ot} {om}",
                )


def arithmetic_checks(cells: list[dict], ledger: Ledger | None = None) -> Ledger:
    """All arithmetic checks on one document's cell records; findings and ledger rows in a stable order."""
    return Checker(cells, ledger).run()
