"""Codes and names printed in the tables against the classification catalog (``juesuan.codes``)."""

from __future__ import annotations

from functools import lru_cache

from ..textnorm import strip_ordinal
from .ledger import Ledger, make_finding

# The catalog is sure of editions from 2019 on; for an earlier document "not in this edition" would say nothing
# about the document, so its codes are checked against all editions.
_FIRST_CERTAIN_EDITION = 2019


@lru_cache(maxsize=1 << 14)
def _check_code(code: str, name: str, classification: str, edition: int | None) -> tuple[str, ...]:
    """The catalog's verdict on one printed pair; cached, since a corpus prints the same pairs over and over."""
    from ..codes import check_code

    return tuple(check_code(code, name, classification, edition))


def code_checks(cells: list[dict], year: int | None = None, ledger: Ledger | None = None) -> Ledger:
    """Each (classification, code, name) printed, against the code catalog (``juesuan.codes.check_code``).

    An unknown code is a warning (``code_unknown``): it stays in cells, the catalog may simply not know it yet. A
    name printed differently from the catalog is info (``name_differs``): names are kept as printed, codes are the
    key. One check (and at most one finding per problem) per distinct pair, at the first cell that prints it.
    """
    ledger = ledger if ledger is not None else Ledger()
    edition = year if year and year >= _FIRST_CERTAIN_EDITION else None
    first: dict[tuple[str, str, str], dict] = {}
    for r in cells:
        if r["code"] and r["classification"] in ("功能分类", "经济分类"):
            first.setdefault((r["classification"], r["code"], r["name"]), r)
    for (classification, code, name), rec in sorted(first.items()):
        problems = _check_code(code, strip_ordinal(name), classification, edition)
        unknown = [p for p in problems if " printed as " not in p]
        differs = [p for p in problems if " printed as " in p]
        for check, found, severity in (("code_unknown", unknown, "warning"), ("name_differs", differs, "info")):
            finding = None
            if found:
                finding = make_finding(
                    check, severity, found[0], table=rec["table"], subject=code, at=rec, evidence=f"{code} {name}"
                )
            ledger.result(check, finding, table=rec["table"], subject=code)
    return ledger
