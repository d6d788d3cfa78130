"""The checks a careful reviewer makes beyond the sums: words against numbers, structure, text lints, names.

``document_checks(raw, parsed, facts, identity, ledger)`` runs them all on one document after its tables and facts
are read (``juesuan.document.raw_to_document`` calls it). It reads the printed text (``validate.text``), the parsed
tables, the facts frame (the facts contract) and the document's identity (kind, year, department, scope); findings
and ledger rows go to ``ledger``. Every check is a row of ``data/checks.csv``; the modules say what each verifies:

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
from .ledger import Ledger
from .lints import lint_checks
from .names import names_checks
from .structure import structure_checks
from .text import text_of
from .words import word_checks

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
    ``facts`` the facts frame (contract columns; may be empty), ``identity`` a ``juesuan.identity.Identity``.
    """
    ledger = ledger if ledger is not None else Ledger()
    if identity is not None and not identity.is_disclosure:
        for check in REVIEW_CHECKS:
            ledger.not_checked(check, f"not a disclosure ({identity.status}): {identity.reason}"[:200])
        return ledger
    kind = identity.kind if identity is not None else ""
    year = identity.year if identity is not None else None
    text = text_of(raw)
    word_checks(text, kind, ledger)
    structure_checks(text, parsed, facts, kind, year, ledger)
    lint_checks(text, kind, year, identity if identity is not None else Identity(), ledger)
    names_checks(text, year, parsed, ledger)
    return ledger
