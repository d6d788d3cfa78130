"""Corrections as data: a person's fix of a misread figure, applied in the open and never silently.

A corrections file is a CSV, one row per figure:

    sha256,table,code,item,measure,basis,value,reason,who
    8f3e29accc7952d2…,05,2101599,,合计,决算,76.65,"pdf prints 76.65; the text layer has 76.66",张三

``sha256`` is the file's SHA-256 (the 64 hex digits of ``documents.sha256``, or at least its first 16, the doc_id);
``table`` the family, ``code`` the classification code or, for rows without one, ``item`` (canonical item or the
name as printed); ``measure`` and, where the table has several, ``basis`` (and ``side`` in 01/04, an optional
column) say which column; ``value`` is the correct amount in 万元; ``reason`` and ``who`` say why and who (both
required). An optional ``printed`` column guards the row: it applies only while the cell still prints that text.

Applied (``apply_corrections`` to a Document, ``juesuan.read(path, corrections=…)``, ``juesuan build --corrections``):
the cell's ``value`` becomes the corrected amount, ``corrected`` is True and ``printed`` keeps the text as printed;
each correction is a finding (check ``correction``, severity info, expected = the corrected value, actual = the value
as read, with the cell's page and box) and a row of the ledger. A row that matches no cell, or several, changes
nothing and is a warning finding saying so.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pandas as pd

from .errors import JuesuanError
from .schema import columns, conform
from .validate import Ledger, checks_frame, findings_frame, make_finding

REQUIRED = ("sha256", "table", "measure", "value", "reason", "who")
KEYS = ("code", "item", "basis", "side", "printed")
CHECK = "correction"
_HEX = re.compile(r"^[0-9a-f]{16,64}$")


class CorrectionsError(JuesuanError):
    problem_kind = "bad corrections file"


def load_corrections(path: str | Path) -> pd.DataFrame:
    """Read and check a corrections file: the columns of ``REQUIRED`` plus ``code`` or ``item``; ``value`` a
    number. Raises CorrectionsError naming the file and the row (as numbered in the file) of the first problem."""
    path = Path(path)
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as err:
        raise CorrectionsError(path, f"cannot be read as CSV ({err})") from None
    missing = [c for c in REQUIRED if c not in df.columns] + ([] if {"code", "item"} & set(df.columns) else ["code"])
    if missing:
        raise CorrectionsError(path, f"lacks the columns {missing}; it needs {', '.join(REQUIRED)} and code or item")
    df = df.reindex(columns=list(dict.fromkeys([*REQUIRED, *KEYS, *df.columns])), fill_value="")
    df = df.apply(lambda col: col.str.strip())
    for n, row in enumerate(df.to_dict("records"), start=2):
        problem = _row_problem(row)
        if problem:
            raise CorrectionsError(path, f"row {n}: {problem}")
    df["table"] = [f"{int(t):02d}" if t.isdigit() else t for t in df["table"]]
    df["sha256"] = df["sha256"].str.lower()
    df["value"] = df["value"].str.replace(",", "").astype(float)
    return df.reset_index(drop=True)


def _row_problem(row: dict) -> str:
    if not _HEX.match(row["sha256"].lower()):
        return f"sha256 {row['sha256']!r} is not 16 to 64 hex digits"
    if not row["code"] and not row["item"]:
        return "give the code, or the item of a row without one"
    for col in ("table", "measure", "reason", "who"):
        if not row[col]:
            return f"{col} is empty"
    try:
        float(row["value"].replace(",", ""))
    except ValueError:
        return f"value {row['value']!r} is not a number"
    return ""


def _matches(cells: pd.DataFrame, fix: dict) -> pd.DataFrame:
    hit = (cells["table"] == fix["table"]) & (cells["measure"] == fix["measure"])
    if fix["code"]:
        hit &= cells["code"] == fix["code"]
    else:
        hit &= (cells["item"] == fix["item"]) | (cells["name"] == fix["item"])
    for col in ("basis", "side", "printed"):
        if fix.get(col):
            hit &= cells[col] == fix[col]
    return cells[hit.fillna(False)]


def _describe(fix: dict) -> str:
    what = fix["code"] or fix["item"]
    extra = " ".join(fix[c] for c in ("side", "basis") if fix.get(c))
    return f"table {fix['table']} {what} {fix['measure']}{' ' + extra if extra else ''}"


def correct_cells(cells: pd.DataFrame, fixes: pd.DataFrame, ledger: Ledger) -> pd.DataFrame:
    """One document's cells with ``fixes`` (its rows of a corrections file) applied; a finding and a ledger row per
    fix are added to ``ledger``."""
    cells = cells.copy()
    for fix in fixes.to_dict("records"):
        hit = _matches(cells, fix)
        scope = {"table": fix["table"], "subject": fix["code"] or fix["item"], "measure": fix["measure"]}
        if len(hit) != 1:
            why = "no cell" if not len(hit) else f"{len(hit)} cells (give basis, side or printed)"
            message = f"correction of {_describe(fix)} to {fix['value']} not applied: {why} matches it"
            ledger.findings.append(make_finding(CHECK, "warning", message, **scope, evidence=fix["reason"]))
            ledger.not_checked(CHECK, f"{why} matches the correction", **scope)
            continue
        i = hit.index[0]
        before = cells.loc[i].astype(object).where(cells.loc[i].notna(), None).to_dict()
        cells.loc[i, "value"] = fix["value"]
        cells.loc[i, "corrected"] = True
        message = (
            f"{_describe(fix)}: read as {before['printed'] or before['value']}, corrected to {fix['value']} by "
            f"{fix['who']} ({fix['reason']}); the printed text is kept in cells.printed"
        )
        finding = make_finding(
            CHECK, "info", message, **scope, expected=fix["value"], actual=before["value"], at=before,
            evidence=before["printed"] or "",
        )  # fmt: skip
        ledger.result(CHECK, finding, **scope)
    return cells


def _for(fixes: pd.DataFrame, sha256: str) -> pd.DataFrame:
    return fixes[[bool(sha256) and sha256.startswith(s) for s in fixes["sha256"]]]


def apply_corrections(doc, corrections) -> object:
    """A Document with the corrections of its file applied (``corrections``: a loaded frame or a path); the
    Document itself when none is for it."""
    fixes = load_corrections(corrections) if isinstance(corrections, (str, Path)) else corrections
    mine = _for(fixes, doc.meta.get("sha256") or "")
    if not len(mine):
        return doc
    ledger = Ledger()
    cells = conform(correct_cells(doc.cells, mine, ledger), "cells")
    findings = pd.concat([doc.findings, findings_frame(ledger.findings, doc.doc_id)], ignore_index=True)
    checks = pd.concat([doc.checks, checks_frame(ledger.rows, doc.doc_id)], ignore_index=True)
    return replace(doc, cells=cells, findings=conform(findings, "findings"), checks=conform(checks, "checks"))


def apply_to_frames(frames: dict[str, pd.DataFrame], corrections) -> dict[str, pd.DataFrame]:
    """The contract's tables of many documents (documents, cells, findings, checks …) with the corrections applied
    document by document; the other tables as they were. A correction for a file not among the documents is left
    out (a corrections file may cover more files than one build reads)."""
    fixes = load_corrections(corrections) if isinstance(corrections, (str, Path)) else corrections
    out = dict(frames)
    docs = frames["documents"].dropna(subset=["sha256"]).drop_duplicates("doc_id")
    targets = [(d, s) for d, s in zip(docs["doc_id"], docs["sha256"]) if len(_for(fixes, s))]
    if not targets:
        return out
    cells, found, rows = frames["cells"], [], []
    for doc_id, sha in targets:
        ledger = Ledger()
        mine = cells["doc_id"] == doc_id
        fixed = correct_cells(cells[mine], _for(fixes, sha), ledger)
        cells = pd.concat([cells[~mine], fixed]).sort_index(kind="stable")
        found.append(findings_frame(ledger.findings, doc_id))
        rows.append(checks_frame(ledger.rows, doc_id))
    out["cells"] = conform(cells.reset_index(drop=True), "cells")
    for name, extra in (("findings", found), ("checks", rows)):
        merged = pd.concat([frames[name], *extra], ignore_index=True)
        out[name] = conform(merged.sort_values("doc_id", kind="stable").reset_index(drop=True), name)
    return out


def apply_to_columns(tables: dict[str, dict[str, list]], doc_id: str, sha256: str, fixes: pd.DataFrame) -> dict:
    """One document's tables as column lists (what a build streams from its cache entries) with the corrections of
    its file applied: cells corrected, a finding and a ledger row per correction appended."""
    mine = _for(fixes, sha256 or "")
    if not len(mine):
        return tables
    ledger = Ledger()
    cells = conform(pd.DataFrame(tables.get("cells") or {c: [] for c in columns("cells")}), "cells")
    fixed = correct_cells(cells, mine, ledger)
    out = dict(tables)
    out["cells"] = conform(fixed, "cells").to_dict("list")
    for name, extra in (
        ("findings", findings_frame(ledger.findings, doc_id)),
        ("checks", checks_frame(ledger.rows, doc_id)),
    ):
        have = conform(pd.DataFrame(tables.get(name) or {c: [] for c in columns(name)}), name)
        out[name] = conform(pd.concat([have, extra], ignore_index=True), name).to_dict("list")
    return out


def apply_to_corpus(corpus, corrections):
    """The Corpus with the corrections applied to its tables, document by document, as they are read from the
    build's entries (so a build writing its outputs by streaming writes the corrected values too)."""
    fixes = load_corrections(corrections) if isinstance(corrections, (str, Path)) else corrections
    corpus.set_corrections(fixes)
    return corpus


__all__ = [
    "CHECK",
    "CorrectionsError",
    "apply_corrections",
    "apply_to_columns",
    "apply_to_corpus",
    "apply_to_frames",
    "load_corrections",
]
