"""Checks of the narrative's figures: against the tables (the cells of the same document) and against itself.

Check ids and what each verifies are rows of ``juesuan/validate/data/checks.csv``: narrative_total, narrative_split,
narrative_sangong (a concept's cells in concepts.csv), narrative_subject (a cited 类/款/项 in the table of the funds
its clause speaks of, subject_tables.csv), narrative_share, narrative_rate and narrative_change (the narrative's own
figures).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from ..validate.ledger import Ledger, make_finding
from .reader import CURRENT, PRIOR
from .vocab import concepts, subject_tables

_EPS = 1e-9
# Which cells hold a figure of each basis: a 年初预算 is printed as 预算数 in many 07s, a 预算安排 is a 预算's 预算.
BASIS_CELLS = {
    "决算": ("决算",),
    "预算": ("预算", "年初预算"),
    "年初预算": ("年初预算", "预算"),
    "调整预算": ("调整预算",),
    "全年预算": ("全年预算", "调整预算"),
    "预算安排": ("预算",),
    "执行数": ("执行数",),
}
BUDGETS = ("年初预算", "预算", "调整预算", "全年预算", "预算安排")


def half_unit(value: float, places: int | None = None) -> float:
    """Half a unit of the last digit a value was printed with ("2" → 0.5, "53.24" → 0.005, "730.8" → 0.05);
    ``places`` when the printed digits are known ("2.00" → 0.005), else from the value (which can only err towards
    looser, never towards a false error)."""
    if places is None:
        d = Decimal(repr(float(value))).normalize()
        exponent = d.as_tuple().exponent
        places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return 0.5 * 10**-places


def _places(f: dict) -> int | None:
    p = f.get("_places")
    return None if p is None or p != p else int(p)


def _rounds_to(actual: float, expected: float, half: float) -> bool:
    """True when ``expected`` printed to the precision of ``actual`` gives ``actual`` (half away from zero)."""
    step = Decimal(repr(2 * half)).normalize()
    printed = Decimal(repr(float(expected))).quantize(step, rounding=ROUND_HALF_UP)
    return abs(float(printed) - actual) < _EPS + float(step) * 1e-6


class CellIndex:
    """The cells of one document indexed once by (table, basis): each narrative figure looks its cell up here."""

    def __init__(self, cells: list[dict]):
        self.by: dict[tuple[str, str], list[dict]] = {}
        self.measures: dict[tuple[str, str], set[str]] = {}
        for c in cells:
            key = (c["table"], c["basis"])
            self.by.setdefault(key, []).append(c)
            self.measures.setdefault(key, set()).add(c["measure"])

    def value(self, ref: tuple[str, ...], code: str, basis: str) -> tuple[float, dict | None] | None:
        """The printed value of one cell; (0.0, None) when its row is printed with that column blank; None when the
        table, the row or the column is not printed."""
        for b in BASIS_CELLS.get(basis, (basis,)):
            hit = self._value(ref, code, b)
            if hit is not None:
                return hit
        return None

    def _value(self, ref: tuple[str, ...], code: str, basis: str) -> tuple[float, dict | None] | None:
        table, side, row, measure = ref[:4]
        key = (table, basis)
        recs = self.by.get(key)
        if not recs:
            return None
        if row == "{code}":
            rows = [c for c in recs if code and c.get("code") == code]
        else:
            rows = [c for c in recs if c.get("item") == row and not c.get("code")]
        rows = [c for c in rows if not side or c.get("side") == side]
        if not rows or measure not in self.measures[key]:
            return None
        hit = [c for c in rows if c["measure"] == measure]
        return (float(hit[0]["value"]), hit[0]) if hit else (0.0, None)


def refs_of(f: dict) -> tuple[str, tuple[tuple[str, ...], ...], tuple[tuple[str, ...], ...]]:
    """(check id, the cells that may hold the fact's figure, the cells to try when none of those is printed).

    A cited 类/款/项 is looked up in the tables of the funds its clause speaks of (subject_tables.csv: 01/03 for all
    funds, 05 for 一般公共预算 …), and in the tables of unsaid funds only when none of those prints it. Nothing for a
    figure no table prints."""
    concept = concepts().get(f["concept"])
    if concept is None:
        return "", (), ()
    if f["subject"] == "部门":
        return concept.check, concept.cells, ()
    if f["subject"] == "科目":
        tables = subject_tables()
        fund, generic = f.get("_fund") or "", tables.get(("", f["concept"]), ())
        refs = tables.get((fund, f["concept"]), ()) if fund else generic
        return ("narrative_subject", refs, generic) if refs else ("", (), ())
    return "", (), ()


def _table_checks(facts: list[dict], cells: list[dict], ledger: Ledger) -> None:
    index = CellIndex(cells)
    for f in facts:
        if f["period"] != CURRENT or f["derived"] or f["unit"] != "万元" or f["figure"] != "amount":
            continue
        check, refs, fallback = refs_of(f)
        if not check or not refs:
            continue
        code = f.get("code") or ""
        scope = {"table": refs[0][0], "subject": code or f["concept"], "measure": ""}
        if f["subject"] == "科目" and not code:
            ledger.not_checked(check, f"the cited subject {f.get('subject_name')} has no code", **scope)
            continue
        found = [(ref, v) for ref in refs if (v := index.value(ref, code, f["basis"])) is not None]
        if not found:
            found = [(ref, v) for ref in fallback if (v := index.value(ref, code, f["basis"])) is not None]
        if not found:
            ledger.not_checked(check, f"no table prints {f['concept']} ({f['basis']})", **scope)
            continue
        ledger.result(check, _cell_finding(check, f, found), **scope)


def _cell_finding(check: str, f: dict, found: list) -> dict | None:
    value = float(f["value"])
    tol = half_unit(value, _places(f))
    ok = [x for x in found if abs(value - x[1][0]) <= tol + _EPS]
    ref, (v, cell) = (ok or found)[0]
    if ok and (abs(value - v) < _EPS or _rounds_to(value, v, tol)):
        return None  # equal, or the table's figure printed to the narrative's digits
    code = f.get("code") or ""
    where = f"{code} " if code else ""
    severity, verb = ("info", "within the rounding of") if ok else ("error", "does not match")
    return make_finding(
        check,
        severity,
        f"narrative (page {f['page']}) states {f['concept']} {value:g}, {verb} table "
        f"{ref[0]} {where}{ref[2].replace('{code}', '')} {ref[3]} {v:.2f}",
        table=ref[0],
        subject=code or f["concept"],
        measure=ref[3],
        expected=v,
        actual=value,
        tolerance=round(tol, 6),
        at=cell,
        page=f.get("page"),
        evidence=f.get("sentence") or "",
    )


class FactIndex:
    """Money facts by (concept, subject, code, period): stated ones for checks, prior ones (stated or derived) for
    rates of change."""

    def __init__(self, facts: list[dict]):
        self.stated: dict[tuple, list[dict]] = {}
        self.prior: dict[tuple, list[dict]] = {}
        for f in facts:
            if f["unit"] != "万元" or f["figure"] != "amount":
                continue
            key = (f["concept"], f["subject"], f.get("code") or "")
            if not f["derived"]:
                self.stated.setdefault((*key, f["period"]), []).append(f)
            if f["period"] == PRIOR:
                self.prior.setdefault(key, []).append(f)

    def nearest(self, key: tuple, period: str, near: dict, bases: tuple[str, ...] = ()) -> dict | None:
        """The stated fact for key/period closest to ``near`` (same line first, then before it), of ``bases``."""
        cands = [f for f in self.stated.get((*key, period), []) if not bases or f["basis"] in bases]
        if not cands:
            return None
        line = near.get("line") or 0
        return min(cands, key=lambda f: (f["page"] != near.get("page"), abs((f["line"] or 0) - line)))


def _key(f: dict) -> tuple:
    return (f["concept"], f["subject"], f.get("code") or "")


def _ratio_finding(
    check: str, f: dict, part: float, whole: dict, severity: str, what: str, parts: tuple
) -> dict | None:
    p, w = part, float(whole["value"])
    expected = 100 * p / w
    hp = sum(half_unit(x["value"], _places(x)) for x in parts)
    hw, hs = half_unit(w, _places(whole)), half_unit(f["value"], _places(f))
    # a full unit of the percent's last digit: documents truncate percentages as often as they round them
    tol = 2 * hs + 100 * (hp / abs(w) + abs(p) * hw / (w * w))
    if _rounds_to(float(f["value"]), expected, hs):
        return None
    sev = "info" if abs(f["value"] - expected) <= tol + _EPS else severity
    return make_finding(
        check,
        sev,
        f"narrative (page {f['page']}) states {what} {f['value']:g}%; its figures give {p:g} / {w:g} = {expected:.2f}%",
        subject=f.get("code") or f["concept"],
        expected=round(expected, 4),
        actual=float(f["value"]),
        tolerance=round(tol, 6),
        page=f.get("page"),
        evidence=f.get("sentence") or "",
    )


def _scope(f: dict) -> dict:
    return {"subject": f.get("code") or f["concept"]}


def _share_check(f: dict, idx: FactIndex, ledger: Ledger) -> None:
    whole_concept = (f.get("formula") or "").partition(" / ")[2].replace(" (implied)", "").strip()
    part = idx.nearest(_key(f), f["period"], f)
    whole = idx.nearest((whole_concept, "部门", ""), f["period"], f)
    if part is None or whole is None or abs(float(whole["value"])) < _EPS:
        missing = f["concept"] if part is None else whole_concept
        ledger.not_checked("narrative_share", f"the narrative states no {missing}", **_scope(f))
        return
    # An implied whole is our reading of the sentence, so a miss there is doubtful rather than wrong.
    severity = "warning" if "(implied)" in (f.get("formula") or "") else "error"
    what = f"the share of {f['concept']} in {whole_concept}"
    finding = _ratio_finding("narrative_share", f, float(part["value"]), whole, severity, what, (part,))
    ledger.result("narrative_share", finding, **_scope(f))


def _rate_check(f: dict, idx: FactIndex, ledger: Ledger) -> None:
    part = idx.nearest(_key(f), f["period"], f, ("决算",))
    whole = idx.nearest(_key(f), f["period"], f, BUDGETS)
    if part is None or whole is None:
        ledger.not_checked("narrative_rate", "the narrative states no 决算 or no 预算 for it", **_scope(f))
        return
    if abs(float(whole["value"])) < _EPS:
        if abs(float(part["value"])) < _EPS and abs(float(f["value"])) < _EPS:
            ledger.result("narrative_rate", None, **_scope(f))  # "预算为0万元，决算为0万元，完成预算的0%"
            return
        msg = f"narrative (page {f['page']}) states a completion rate of {f['value']:g}% against a budget of 0"
        finding = make_finding(
            "narrative_rate", "error", msg, subject=f.get("code") or f["concept"], actual=float(f["value"]),
            page=f.get("page"), evidence=f.get("sentence") or "",
        )  # fmt: skip
        ledger.result("narrative_rate", finding, **_scope(f))
        return
    what = f"{f['concept']} as a share of its budget"
    finding = _ratio_finding("narrative_rate", f, float(part["value"]), whole, "error", what, (part,))
    ledger.result("narrative_rate", finding, **_scope(f))


def _rate_of_change_check(f: dict, idx: FactIndex, ledger: Ledger) -> None:
    cur = idx.nearest(_key(f), CURRENT, f, BASIS_CELLS.get(f["basis"], ())) or idx.nearest(_key(f), CURRENT, f)
    prior = idx.prior.get(_key(f))
    if cur is None or not prior:
        reason = "the narrative states no figure for this year or the year before"
        ledger.not_checked("narrative_change", reason, **_scope(f))
        return
    p = min(prior, key=lambda x: (x["page"] != f.get("page"), abs((x["line"] or 0) - (f.get("line") or 0))))
    if abs(float(p["value"])) < _EPS and abs(float(cur["value"])) < _EPS and abs(float(f["value"])) < _EPS:
        ledger.result("narrative_change", None, **_scope(f))  # "0万元，与上年相比增加（减少）0万元，增长（减少）0%"
        return
    if abs(float(p["value"])) < _EPS:
        msg = (
            f"narrative (page {f['page']}) states a change of {f['value']:g}% in {f['concept']} from a prior year of 0"
        )
        finding = make_finding(
            "narrative_change", "warning", msg, subject=f.get("code") or f["concept"], actual=float(f["value"]),
            tolerance=0.0, page=f.get("page"), evidence=f.get("sentence") or "",
        )  # fmt: skip
        ledger.result("narrative_change", finding, **_scope(f))
        return
    delta = float(cur["value"]) - float(p["value"])
    what = f"the year-on-year change of {f['concept']}"
    finding = _ratio_finding("narrative_change", f, delta, p, "warning", what, (cur, p))
    ledger.result("narrative_change", finding, **_scope(f))


def _amount_of_change_check(f: dict, idx: FactIndex, ledger: Ledger) -> None:
    prior = idx.nearest(_key(f), PRIOR, f)  # stated only: a derived one is this change itself
    cur = idx.nearest(_key(f), CURRENT, f)
    if prior is None or cur is None:
        reason = "the narrative states no figure for this year or the year before"
        ledger.not_checked("narrative_change", reason, **_scope(f))
        return
    expected = float(cur["value"]) - float(prior["value"])
    tol = sum(half_unit(x["value"], _places(x)) for x in (f, cur, prior))
    diff = abs(f["value"] - expected)
    finding = None
    if diff > _EPS:
        within = diff <= tol + _EPS
        said = (
            f"; {cur['value']:g} − {prior['value']:g} = {expected:.2f}"
            if within
            else f", but it states {cur['value']:g} this year and {prior['value']:g} the year before"
        )
        finding = make_finding(
            "narrative_change",
            "info" if within else "warning",
            f"narrative (page {f['page']}) states a change of {f['value']:g} in {f['concept']}{said}",
            subject=f.get("code") or f["concept"],
            expected=expected,
            actual=float(f["value"]),
            tolerance=round(tol, 6),
            page=f.get("page"),
            evidence=f.get("sentence") or "",
        )
    ledger.result("narrative_change", finding, **_scope(f))


_SELF_CHECKS = {
    ("share", "%"): _share_check,
    ("rate", "%"): _rate_check,
    ("change", "%"): _rate_of_change_check,
    ("change", "万元"): _amount_of_change_check,
}


def fact_checks(facts: list[dict], cells: list[dict], kind: str = "", ledger: Ledger | None = None) -> Ledger:
    """Check the narrative's figures; every check that applies leaves a ledger row, breaks are findings.

    ``facts`` are records from ``lines_to_records``; ``cells`` the document's cell records. Against the tables:
    every stated 本年 amount whose concept a table holds (concepts.csv; a cited 类/款/项 in the table of its funds,
    subject_tables.csv) is compared with the cell of its basis; the tolerance is half a unit of the narrative
    number's last printed digit ("2万元" restates 2.00; "8695.94" restates 86,959,408.34 元). Beyond it: error;
    within it but not the table's figure printed to those digits: info; else passed. A figure whose table or row is
    not printed is "not checked". Against itself: shares, completion rates and stated changes are recomputed from
    the narrative's own figures, the tolerance widened by their rounding; a change or an implied whole that does
    not fit is a warning. ``kind`` is accepted for the pipeline's call and not needed (facts carry their basis).
    """
    ledger = ledger if ledger is not None else Ledger()
    if cells:
        _table_checks(facts, cells, ledger)
    idx = FactIndex(facts)
    for f in facts:
        check = _SELF_CHECKS.get((f["figure"], f["unit"]))
        if check is not None:
            check(f, idx, ledger)
    return ledger
