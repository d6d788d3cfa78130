"""Checks on what OCR read: doubtful numbers are findings, and an identity that fails on OCR cells says so.

A recogniser is sure of most characters (0.99 and up) and unsure of a few: a faint decimal point, a digit touched
by a speck. A cell's confidence is its least sure character's (``readers.ocr``), so one doubtful digit makes a
doubtful amount. Cells below ``LOW_CONFIDENCE`` are warnings (``ocr_low_confidence``) pointing at the cell's page
and box with the text as read, so a reader can look at the scan; values are never changed here.

An arithmetic finding whose values came from OCR carries the count of doubtful ones in its message (``ocr_note``,
called by ``arithmetic.Checker.check_sum``): a break among values read at 0.99 is likely printed; one on a value
read at 0.5 may be the recogniser's.
"""

from __future__ import annotations

from collections import defaultdict

from .ledger import FAILED, PASSED, Ledger, make_finding

LOW_CONFIDENCE = 0.9  # below this a cell's least sure character is as likely misread as not (measured on scans)


def _ocr(records) -> list[dict]:
    return [r for r in records if r is not None and r.get("confidence") is not None]


def ocr_note(records) -> str:
    """The suffix an arithmetic message gets when values it compares were read by OCR, "" when none were."""
    read = _ocr(records)
    if not read:
        return ""
    low = sum(1 for r in read if r["confidence"] < LOW_CONFIDENCE)
    if low:
        return f" (OCR: {low} of {len(read)} values below {LOW_CONFIDENCE:.2f} confidence)"
    return f" (OCR: {len(read)} values, none below {LOW_CONFIDENCE:.2f} confidence)"


def _subject(rec: dict) -> str:
    return rec.get("code") or rec.get("item") or rec.get("name") or ""


def ocr_checks(cells: list[dict], ledger: Ledger | None = None) -> Ledger:
    """A warning for every OCR cell read below ``LOW_CONFIDENCE``; one ledger row per table read by OCR."""
    ledger = ledger if ledger is not None else Ledger()
    by_table: dict[str, list[dict]] = defaultdict(list)
    for rec in _ocr(cells):
        by_table[rec["table"]].append(rec)
    for table in sorted(by_table):
        low = [r for r in by_table[table] if r["confidence"] < LOW_CONFIDENCE]
        for r in low:
            subject = _subject(r)
            ledger.findings.append(
                make_finding(
                    "ocr_low_confidence",
                    "warning",
                    f"{table} {subject} {r.get('measure') or ''}: OCR read {r.get('printed')!r} with confidence "
                    f"{r['confidence']:.2f} (below {LOW_CONFIDENCE:.2f}); check it on the scan",
                    table=table,
                    subject=subject,
                    measure=r.get("measure") or "",
                    actual=r.get("value"),
                    at=r,
                    evidence=r.get("printed") or "",
                )
            )
        ledger.record("ocr_low_confidence", FAILED if low else PASSED, table=table)
    return ledger
