"""Checks: the arithmetic of the tables, codes against the catalog, and the ledger of what was checked.

``check_cells(records, year)`` runs every table check on one document's cell records and returns a ``Ledger``: its
``findings`` (the findings contract without doc_id) and its ``rows`` (the checks contract: every check that applied,
passed, failed or not checked and why). ``data/checks.csv`` is the catalogue of check ids and what each verifies.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from ..schema import frame_from_records
from .arithmetic import Checker, arithmetic_checks, compare, load_identities, rounding_bound, tolerance
from .codes import code_checks
from .ledger import FAILED, NOT_CHECKED, PASSED, Ledger, is_code, make_finding
from .ocr import LOW_CONFIDENCE, ocr_checks

if TYPE_CHECKING:  # the checks work on records; only the frame builders below make DataFrames (schema imports pandas)
    import pandas as pd


def check_cells(cells: list[dict], year: int | None = None, ledger: Ledger | None = None) -> Ledger:
    """Arithmetic, code and OCR-confidence checks on one document's cell records (as the table parser makes them)."""
    ledger = arithmetic_checks(cells, ledger)
    ledger = code_checks(cells, year, ledger)
    return ocr_checks(cells, ledger)


@lru_cache(maxsize=1)
def checks_catalogue() -> dict[str, dict[str, str]]:
    """check id → {stage, description} for every check juesuan makes (validate/data/checks.csv)."""
    with resources.files(__package__).joinpath("data/checks.csv").open(encoding="utf-8") as fh:
        return {r["check"]: r for r in csv.DictReader(fh)}


def findings_frame(found: list[dict], doc_id: str = "") -> pd.DataFrame:
    """Finding dicts → the findings contract (NA where a finding has no value)."""
    return frame_from_records([dict(f, doc_id=doc_id) for f in found], "findings")


def checks_frame(rows: list[dict], doc_id: str = "") -> pd.DataFrame:
    return frame_from_records([dict(r, doc_id=doc_id) for r in rows], "checks")


def cell_records(cells: pd.DataFrame) -> list[dict]:
    """A cells DataFrame (contract v2) as the records the checks read: NA → None, each value's half unit from its
    printed text and unit (0.005 万元 where nothing is printed), rows in their order."""
    from ..tables.parse import half_unit_of

    out = []
    for i, r in enumerate(cells.astype(object).where(cells.notna(), None).to_dict("records")):
        r.setdefault("row", i)
        r["basis"] = r.get("basis") or "决算"
        if not r.get("_half"):
            r["_half"] = half_unit_of(r.get("printed"), r.get("unit"))
        out.append(r)
    return out


def cells_to_findings(cells: pd.DataFrame | list[dict], doc_id: str = "") -> pd.DataFrame:
    """All arithmetic checks on one document's cells → findings (contract columns), in a stable order."""
    records = cells if isinstance(cells, list) else cell_records(cells)
    return findings_frame(arithmetic_checks(records).findings, doc_id)


__all__ = [
    "FAILED",
    "NOT_CHECKED",
    "PASSED",
    "Checker",
    "LOW_CONFIDENCE",
    "Ledger",
    "arithmetic_checks",
    "check_cells",
    "checks_catalogue",
    "checks_frame",
    "cells_to_findings",
    "code_checks",
    "compare",
    "findings_frame",
    "is_code",
    "load_identities",
    "make_finding",
    "ocr_checks",
    "rounding_bound",
    "tolerance",
]
