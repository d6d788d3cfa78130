"""The checks a careful reviewer makes beyond the sums: words against numbers, structure, text lints, names.

``document_checks(raw, parsed, facts, identity, ledger)`` runs them all on one document after its tables and facts
are read (``juesuan.document.raw_to_document`` calls it). It reads the printed text (``validate.text``), the parsed
tables, the facts (rows of the facts contract, or its frame) and the document's identity (kind, year, department,
scope); findings and ledger rows go to ``ledger``. Every check is a row of ``data/checks.csv``; the modules say what
each verifies:

- ``words``: comparison_word, completion_rate, change_direction, change_rate, item_amounts
- ``structure``: table_missing, empty_table_unexplained, empty_table_statement, narrative_table_blank,
  section_missing, toc_table_count
- ``lints``: placeholder, template_residue, punctuation, quotes_unbalanced, year_mismatch, department_name,
  scope_wording, amount_unit
- ``names``: subject_name, subject_purpose

A file that is not a disclosure (the official template, a 公开情况检查表) is full of placeholders by design: its
review checks are recorded as not checked, with the reason.
"""

from __future__ import annotations

from ..identity import Identity
from ..raw import RawDocument
from .ledger import Ledger, make_finding
from .lints import lint_checks
from .names import names_checks
from .structure import structure_checks
from .text import text_of
from .words import word_checks

# Why a check that found nothing to read is not checked (its other outcomes come with their own reasons)
_NOTHING_TO_READ = {
    "comparison_word": "the text compares no 决算数 with a 预算数 (大于/小于/等于/持平)",
    "completion_rate": "the text states no completion rate (完成预算的…%)",
    "change_direction": "the text states no change with both its figures (执行数, 预算安排) or with amount and rate",
    "change_rate": "the text states no change rate with both its figures (执行数, 预算安排)",
    "item_amounts": "no numbered paragraph states an item's amount after its 类/款/项 citation",
    "empty_table_unexplained": "no table is printed empty",
    "empty_table_statement": "no table note says the table is empty",
    "subject_purpose": "no 项 is described (主要用于…) after its citation",
    "subject_name": "the text cites no 类/款/项",
}

REVIEW_CHECKS = (
    "comparison_word",
    "completion_rate",
    "change_direction",
    "change_rate",
    "item_amounts",
    "table_missing",
    "empty_table_unexplained",
    "empty_table_statement",
    "narrative_table_blank",
    "section_missing",
    "toc_table_count",
    "placeholder",
    "template_residue",
    "punctuation",
    "quotes_unbalanced",
    "year_mismatch",
    "department_name",
    "scope_wording",
    "amount_unit",
    "subject_name",
    "subject_purpose",
)


def document_checks(raw: RawDocument, parsed: dict, facts, identity, ledger: Ledger | None = None) -> Ledger:
    """Run every review check on one document; returns ``ledger`` (a new one when None).

    ``raw`` is the RawDocument (after ``identity.simplified``), ``parsed`` the tables as read (family → ParsedTable),
    ``facts`` the fact rows (``narrative.fact_rows``) or facts frame (may be empty or None), ``identity`` a
    ``juesuan.identity.Identity``.
    """
    ledger = ledger if ledger is not None else Ledger()
    if identity is not None and not identity.is_disclosure:
        for check in REVIEW_CHECKS:
            ledger.not_checked(check, f"not a disclosure ({identity.status}): {identity.reason}"[:200])
        return ledger
    kind = identity.kind if identity is not None else ""
    year = identity.year if identity is not None else None
    identity = identity if identity is not None else Identity()
    text = text_of(raw)
    start = len(ledger.rows)
    families = (
        ("words", lambda: word_checks(text, kind, ledger)),
        ("structure", lambda: structure_checks(text, parsed, facts, kind, year, ledger)),
        ("lints", lambda: lint_checks(text, kind, year, identity, ledger)),
        ("names", lambda: names_checks(text, year, parsed, ledger)),
    )
    for family, run in families:
        try:
            run()
        except Exception as err:  # noqa: BLE001 - one family's failure on an odd text must not cost the document
            ledger.findings.append(
                make_finding(
                    "review_failed",
                    "warning",
                    f"the {family} checks failed on this document: {type(err).__name__}: {err}",
                )
            )
            ledger.not_checked("review_failed", f"{family}: {type(err).__name__}: {err}"[:200])
    seen = {r["check"] for r in ledger.rows[start:]}
    for check in REVIEW_CHECKS:
        if check not in seen:
            ledger.not_checked(check, _NOTHING_TO_READ.get(check, "nothing of this kind in the document"))
    return ledger
