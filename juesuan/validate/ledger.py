"""The ledger of checks and the one way findings are built.

Every check that applies to a document leaves a row in the ledger — ``passed``, ``failed`` (with findings) or
``not_checked`` with the reason (a missing table, a missing column, a blank total) — so "no findings" can be told from
"nothing was checked". Findings are built by ``make_finding`` only, so each carries the same fields: its check, where
it is (table, code or item, measure; page and box of the printed value) and its evidence (the text as printed).
"""

from __future__ import annotations

from dataclasses import dataclass, field

PASSED, FAILED, NOT_CHECKED = "passed", "failed", "not_checked"
_CODE_CHARS = set("0123456789")


def is_code(text: str | None) -> bool:
    """A classification code (3/5/7 digits), not an item name: findings keep codes and items apart."""
    return bool(text) and set(text) <= _CODE_CHARS and len(text) in (3, 5, 7)


def where_of(rec: dict | None) -> dict:
    """Page and box of a cell record (the value a finding is about), when it has them."""
    if not rec:
        return {}
    return {k: rec.get(k) for k in ("page", "x0", "top", "x1", "bottom") if rec.get(k) is not None}


def make_finding(
    check: str,
    severity: str,
    message: str,
    *,
    table: str = "",
    subject: str = "",
    measure: str = "",
    expected: float | None = None,
    actual: float | None = None,
    tolerance: float | None = None,
    at: dict | None = None,
    page: int | None = None,
    evidence: str = "",
) -> dict:
    """One finding (a dict of the findings contract, without doc_id).

    ``subject`` is a code or an item: it lands in ``code`` when it is a classification code, else in ``item``.
    ``at`` is the cell record (or any dict with page/box) the finding points at; ``page`` overrides its page.
    """
    rec = {
        "check": check,
        "severity": severity,
        "table": table or None,
        "code": subject if is_code(subject) else None,
        "item": None if is_code(subject) or not subject else subject,
        "measure": measure or None,
        "expected": expected,
        "actual": actual,
        "difference": None if expected is None or actual is None else round(actual - expected, 6),
        "tolerance": tolerance,
        "message": message,
        "evidence": evidence or None,
        **where_of(at),
    }
    if page is not None:
        rec["page"] = page
    return rec


@dataclass
class Ledger:
    """What was checked in one document: ``rows`` (the checks contract, without doc_id) and ``findings``."""

    rows: list[dict] = field(default_factory=list)
    findings: list[dict] = field(default_factory=list)

    def record(
        self, check: str, outcome: str, *, table: str = "", subject: str = "", measure: str = "", reason: str = ""
    ) -> None:
        self.rows.append(
            {
                "check": check,
                "table": table or None,
                "code": subject if is_code(subject) else None,
                "item": None if is_code(subject) or not subject else subject,
                "measure": measure or None,
                "outcome": outcome,
                "reason": reason or None,
            }
        )

    def not_checked(self, check: str, reason: str, **scope) -> None:
        self.record(check, NOT_CHECKED, reason=reason, **scope)

    def result(self, check: str, finding: dict | None, **scope) -> None:
        """A check that ran: passed when there is no finding or only an info one (within rounding), else failed."""
        if finding is not None:
            self.findings.append(finding)
        failed = finding is not None and finding["severity"] != "info"
        self.record(check, FAILED if failed else PASSED, **scope)
