"""``juesuan.read(path) -> Document``: one file through the whole pipeline.

read → recognise tables → parse into cells → narrative facts → checks. The Document holds the contract's tables for
that file (``cells``, ``facts``, ``findings``, ``checks``, ``tables``, ``dropped``) and its ``meta`` (one
``documents`` row).

The pipeline makes row dicts (``Records``, from ``read_records``/``raw_to_records``); only the last step,
``records_to_document``, makes them DataFrames. Everything before it runs without importing pandas, so a command
that prints from the records (``juesuan show FILE``) starts without pandas' import (0.8 s under pandas 3).
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import narrative
from .errors import JuesuanError, NotABudgetDocument
from .identity import Identity, identify, reidentify, simplified
from .raw import RawDocument
from .readers import read_raw
from .schema import frame_from_records
from .tables import ParsedTable, choose_by_header, find_tables, identify_by_header, load_specs, parse_region
from .tables.parse import amounts_printed
from .tables.recognise import label_number
from .textnorm import is_amount, printable, squash

if TYPE_CHECKING:
    import pandas as pd

    from .geometry import Settings
    from .limits import Limits

from .validate import Ledger, check_cells, make_finding
from .validate.review import document_checks

_UNIT_LINE = re.compile(r"(?:金额)?单位\s*[:：]\s*(万元|元|千元|亿元)")
# Checks whose findings mean a table could not be fully read: the document is then "partial", not "ok".
_PARTIAL_CHECKS = {
    "header_unrecognised",
    "unreadable_value",
    "reader",
    "table_unreadable",
    "row_misaligned",
    "amounts_unread",
}
_NOT_INFO = ("warning", "error")
# Formats whose sources have lines a reader can be sent to (cells and facts record their line)
_LINE_FORMATS = {"text", "html", "webcopy", "docx"}


@dataclass
class Document:
    """One disclosure read into the data contract.

    Attributes: ``meta`` (dict: the documents row), ``cells``, ``facts``, ``findings``, ``tables`` (one row per
    table found), ``dropped`` (numbers printed in tables that are not cells, with the reason), ``raw`` (the
    RawDocument the reader returned).
    """

    meta: dict
    cells: pd.DataFrame
    facts: pd.DataFrame
    findings: pd.DataFrame
    tables: pd.DataFrame
    dropped: pd.DataFrame
    checks: pd.DataFrame = field(default_factory=lambda: frame_from_records([], "checks"))
    raw: RawDocument | None = None
    parsed: dict[str, ParsedTable] = field(default_factory=dict, repr=False)
    identity: Identity | None = field(default=None, repr=False)

    @property
    def doc_id(self) -> str:
        return self.meta["doc_id"]

    def table(self, table_id: str) -> pd.DataFrame:
        """One table as printed: one row per printed data row, its measures as columns (values in 万元).

        ``table_id`` is a family ("02", "2", "政府采购"): 江苏's 收入预算总表 is that file's table 02. Raises KeyError
        naming the tables that were found when it is not among them.
        """
        key = f"{int(table_id):02d}" if str(table_id).isdigit() else str(table_id)
        if key not in self.parsed:
            raise KeyError(f"{self.meta.get('file')}: no table {key}; found: {', '.join(self.parsed) or 'none'}")
        return self.parsed[key].printed.copy()

    def page_image(self, page: int, highlight=None, **options):
        """Page ``page`` as a PIL Image with boxes around ``highlight`` (cells, findings, panel rows); ``options``:
        scale, crop, source (see ``juesuan.page_image.page_image``)."""
        from .page_image import page_image

        return page_image(self, page, highlight, **options)

    @property
    def errors(self) -> pd.DataFrame:
        return self.findings[self.findings["severity"] == "error"]

    def __repr__(self) -> str:
        m = self.meta
        return (
            f"<Document {m['file']!r} {m['kind']} {m['year']} {m['department']!r}: tables {m['tables'] or '-'}, "
            f"{len(self.cells)} cells, {len(self.errors)} errors>"
        )

    def _repr_html_(self) -> str:
        m = self.meta
        esc = html.escape
        totals = _key_totals(self.cells)
        rows = "".join(
            f"<tr><th style='text-align:left'>{esc(k)}</th><td>{esc(str(v))}</td></tr>"
            for k, v in [
                ("部门", m["department"]),
                ("地区", m["region"]),
                ("年度", m["year"]),
                ("类型", m["kind"]),
                ("单位", m["unit"]),
                ("表", m["tables"] or "—"),
                ("cells", len(self.cells)),
                ("facts", len(self.facts)),
                *totals,
                (
                    "findings",
                    ", ".join(f"{n} {s}" for s, n in self.findings["severity"].value_counts().sort_index().items())
                    or "none",
                ),
                ("status", m["status"] + (f": {m['error']}" if m["error"] else "")),
            ]
        )
        errs = self.errors.head(5)
        err_html = "".join(
            f"<li>{esc(r.message)} (expected {r.expected}, actual {r.actual})</li>" for r in errs.itertuples()
        )
        more = f"<p>{len(self.errors) - 5} more errors</p>" if len(self.errors) > 5 else ""
        return (
            f"<div><strong>{esc(m['file'])}</strong><table>{rows}</table>"
            + (f"<p>Errors:</p><ul>{err_html}</ul>{more}" if err_html else "")
            + "</div>"
        )


@dataclass
class Records:
    """One disclosure read into the contract's rows, before any DataFrame: ``meta`` (the documents row) and, as lists
    of dicts with the contract's fields, ``cells``, ``facts``, ``findings``, ``checks``, ``tables`` and ``dropped``
    (each row has its ``doc_id``); ``raw``, ``parsed`` and ``identity`` as in ``Document``. ``records_to_document``
    makes the Document; a script that wants no pandas can read these. Rows may carry private fields (names starting
    with ``_``) that the frames leave out."""

    meta: dict
    cells: list[dict]
    facts: list[dict]
    findings: list[dict]
    checks: list[dict]
    tables: list[dict]
    dropped: list[dict]
    raw: RawDocument
    parsed: dict[str, ParsedTable] = field(default_factory=dict, repr=False)
    identity: Identity | None = field(default=None, repr=False)


def _key_totals(cells: pd.DataFrame) -> list[tuple[str, str]]:
    out = []
    for label, side, item in (("收入合计 (万元)", "收入", "本年收入合计"), ("支出合计 (万元)", "支出", "本年支出合计")):
        sel = (
            (cells["table"] == "01") & (cells["side"] == side) & (cells["item"] == item) & (cells["measure"] == "合计")
        )
        v = cells[sel.fillna(False)]["value"]
        if len(v):
            out.append((label, f"{v.iloc[0]:,.2f}"))
    return out


def _table_finding(
    check: str, severity: str, message: str, table: str = "", page: int | None = None, evidence: str = ""
) -> dict:
    return make_finding(check, severity, message, table=table, page=page, evidence=evidence)


def settle_untitled(
    regions: list, specs: dict, kind: str, findings: list[dict], line_numbers: bool = True
) -> list[dict]:
    """Name the regions found without a known title by their header (or, in a 决算, their 公开NN表 label); report
    the others and return their numbers as dropped records. Appends findings; sets ``region.table`` in place."""
    unrecognised: list[dict] = []
    for region in [r for r in regions if r.table == "?"]:
        amounts = [(ln, i, c) for ln in region.rows for i, c in enumerate(ln.cells) if c and is_amount(c)]
        page = region.lines[0].page
        if region.title:
            what = f"table {region.title!r} on page {page}"
        else:
            what = _name_by_header(region, specs, kind, findings)
            if what is None:
                continue  # named, or a grid of words and row numbers with no amount to lose
        findings.append(
            _table_finding(
                "table_unrecognised",
                "warning",
                f"{what}, {len(region.rows)} rows and {len(amounts)} numbers, is not a "
                "standard table; its numbers are in dropped",
                page=page,
                evidence=region.title or region.label,
            )
        )
        reason = f"table not recognised: {region.title or 'untitled'}"
        unrecognised.extend(_unrecognised_record(ln, i, c, reason, line_numbers) for ln, i, c in amounts)
    return unrecognised


def _name_by_header(region, specs: dict, kind: str, findings: list[dict]) -> str | None:
    """An untitled region's table from its header (or its 决算 label): None when named (an info finding says how)
    or when it prints no amount; else how to describe it in the table_unrecognised finding."""
    page = region.lines[0].page
    table_id, candidates = identify_by_header(region, specs)
    how = "their header is that of table"
    if not table_id and kind == "决算" and label_number(region.label) in specs and not candidates:
        table_id, how = label_number(region.label), "the 决算 set numbers its tables: label of table"
    if table_id:
        region.table = table_id
        findings.append(
            _table_finding(
                "table_by_header",
                "info",
                f"rows on page {page} ({region.label or 'no label'}) have no title; {how} {table_id}",
                table=specs[table_id].family,
                page=page,
                evidence=region.label,
            )
        )
        return None
    if not amounts_printed(region.rows):  # codes, 行次/序号 and 栏次 are not amounts
        return None
    return f"untitled rows ({region.label or 'no label'}) on page {page}" + (
        f" (header fits tables {', '.join(candidates)} alike)" if candidates else ""
    )


def _unrecognised_record(ln, i: int, text: str, reason: str, line_numbers: bool) -> dict:
    """A dropped record for a number of a table we could not recognise, with its provenance."""
    box = ln.box(i)
    return {
        "table": None,
        "page": ln.page,
        "column": i,
        "text": text,
        "sheet": ln.sheet or None,
        "cell": ln.address(i) or None,
        "line": ln.row if line_numbers and not ln.sheet else None,
        **(dict(zip(("x0", "top", "x1", "bottom"), box)) if box else {}),
        "reason": reason,
    }


def parse_regions(
    regions: list, specs: dict, kind: str, doc_unit: str, findings: list[dict], line_numbers: bool = True
) -> dict[str, ParsedTable]:
    """Parse every recognised region into its family; a second table of one family is kept as "05_2"; a table that
    cannot be read is an error finding and the others go on. Appends findings."""
    parsed: dict[str, ParsedTable] = {}
    _settle_shared_titles(regions, specs)
    for region in regions:
        spec = specs[region.table]
        page = region.lines[0].page
        try:
            table = parse_region(region, spec, kind, doc_unit, line_numbers)
        except Exception as err:  # noqa: BLE001 - one table we cannot read must not cost the others
            findings.append(
                _table_finding(
                    "table_unreadable",
                    "error",
                    f"table {spec.family} ({region.title or region.label}) on page {page} "
                    f"could not be read: {type(err).__name__}: {err}",
                    table=spec.family,
                    page=page,
                    evidence=region.title or region.label,
                )
            )
            continue
        key, n = table.table, 2
        while key in parsed:
            key = f"{table.table}_{n}"
            n += 1
        if key != table.table:
            findings.append(
                _table_finding(
                    "duplicate_table",
                    "warning",
                    f"a second table {table.table} ({region.title or region.label}) on page "
                    f"{table.page}; kept as {key}",
                    table=key,
                    page=table.page,
                    evidence=region.title or region.label,
                )
            )
            table.table = key
            for rec in table.cells + table.dropped + table.findings:
                rec["table"] = key
        parsed[key] = table
        findings.extend(table.findings)
    return parsed


def _settle_shared_titles(regions: list, specs: dict) -> None:
    """Two tables of one family where one's title is also another table's (四川 prints 国有资本经营预算财政拨款收入支出
    决算表 beside 国有资本经营预算财政拨款支出决算表; elsewhere the first is 09 alone): the one with another reading
    takes it, so neither becomes "09_2"."""
    seen: dict[str, int] = {}
    for region in regions:
        seen[specs[region.table].family] = seen.get(specs[region.table].family, 0) + 1
    for region in regions:
        family = specs[region.table].family
        if seen[family] < 2:
            continue
        other = next((c for c in region.candidates if c != region.table and specs[c].family not in seen), None)
        if other is not None:
            seen[family] -= 1
            seen[specs[other].family] = 1
            region.table = other


def _doc_unit(raw: RawDocument, regions: list) -> str:
    units = [r.unit for r in regions if r.unit] or [
        _UNIT_LINE.search(squash(ln.text)).group(1)
        for ln in raw.lines
        if not ln.is_row and _UNIT_LINE.search(squash(ln.text))
    ]
    return Counter(units).most_common(1)[0][0] if units else ""


def _reader_findings(raw: RawDocument) -> list[dict]:
    out = []
    for note in raw.notes:
        severity, message, *rest = note
        # a 4th element gives the finding its own check id, box and evidence (an OCR correction: ocr_corrected)
        extra = rest[1] if len(rest) > 1 else {}
        out.append(
            make_finding(
                extra.get("check", "reader"),
                severity,
                message,
                page=rest[0] if rest else None,
                at=extra.get("at"),
                evidence=extra.get("evidence", ""),
            )
        )
    return out


def _table_rows(doc_id: str, parsed: dict[str, ParsedTable]) -> list[dict]:
    return [
        {
            "doc_id": doc_id,
            "table": k,
            "title": t.title,
            "variant": t.variant,
            "label": t.label,
            "page": t.page,
            "last_page": t.last_page,
            "n_rows": t.n_rows,
            "n_cells": len(t.cells),
            "n_amounts": t.n_amounts,
            "n_dropped": len(t.dropped),
            "empty": t.empty,
            "note": t.note,
        }
        for k, t in parsed.items()
    ]


def _status(findings: list[dict]) -> tuple[str, str]:
    """ "partial" and why when a finding says a table could not be fully read, else "ok". Reads the finding records
    (a pandas selection on the findings frame cost more than the rest of the assembly)."""
    partial = [f["message"] for f in findings if f.get("check") in _PARTIAL_CHECKS and f.get("severity") in _NOT_INFO]
    if not partial:
        return "ok", ""
    return "partial", "; ".join(dict.fromkeys(partial))[:500]


def raw_to_document(raw: RawDocument, file_label: str | None = None) -> Document:
    """Run recognition, parsing, narrative and checks on a RawDocument.

    Raises NotABudgetDocument when the file has no recognisable table and says nothing of 决算 or 预算; a file that
    reads but is not a disclosure (the official template, a 公开情况检查表) is a Document with status
    ``not_disclosure`` and the reason.
    """
    return records_to_document(raw_to_records(raw, file_label))


def raw_to_records(raw: RawDocument, file_label: str | None = None) -> Records:
    """``raw_to_document`` up to its rows, without pandas: the same checks, raising the same errors."""
    doc_id = raw.sha256[:16]
    file_label = file_label or raw.path
    raw = simplified(raw)  # a mirror in traditional characters reads like the original
    lines_ok = raw.format in _LINE_FORMATS
    findings = _reader_findings(raw)
    regions, ident, unrecognised = _recognise(raw, findings, lines_ok)
    kind, year, department = ident.kind, ident.year, ident.department
    if not regions and not kind:
        raise NotABudgetDocument(
            file_label, "not a 决算/预算 document: no standard table found and the text mentions neither 决算 nor 预算"
        )
    doc_unit = _doc_unit(raw, regions)
    parsed = parse_regions(regions, load_specs(), kind, doc_unit, findings, lines_ok)
    if regions and not any(r.unit for r in regions) and not doc_unit:
        findings.append(
            _table_finding("unit_unknown", "warning", "no unit stated with the tables; values read as 万元")
        )
    records = [
        dict(c, doc_id=doc_id, year=year, department=department or None) for t in parsed.values() for c in t.cells
    ]
    ledger = check_cells(records, year, Ledger(findings=findings))
    fact_records = narrative.lines_to_records(raw.lines, year, kind)
    narrative.fact_checks(fact_records, records, kind, ledger)
    facts = narrative.fact_rows(fact_records, doc_id, year, department, lines_ok)
    document_checks(raw, parsed, facts, ident, ledger)
    dropped = [dict(d, doc_id=doc_id) for t in parsed.values() for d in t.dropped] + [
        dict(d, doc_id=doc_id) for d in unrecognised
    ]
    status, error = _status(ledger.findings)
    if ident.status != "disclosure":
        status, error = "not_disclosure", f"{ident.status}: {ident.reason}"
    counts = {
        "n_cells": len(records),
        "n_facts": len(facts),
        "n_errors": sum(f.get("severity") == "error" for f in ledger.findings),
    }
    return Records(
        meta=_meta(raw, file_label, ident, doc_unit, parsed, counts, status, error),
        cells=records,
        facts=facts,
        findings=[dict(f, doc_id=doc_id) for f in ledger.findings],
        checks=[dict(r, doc_id=doc_id) for r in ledger.rows],
        tables=_table_rows(doc_id, parsed),
        dropped=dropped,
        raw=raw,
        parsed=parsed,
        identity=ident,
    )


def records_to_document(rec: Records) -> Document:
    """The Document of a ``Records``: each list of rows as its contract DataFrame."""
    return Document(
        meta=rec.meta,
        cells=frame_from_records(rec.cells, "cells"),
        facts=frame_from_records(rec.facts, "facts"),
        findings=frame_from_records(rec.findings, "findings"),
        tables=frame_from_records(rec.tables, "tables"),
        dropped=frame_from_records(rec.dropped, "dropped"),
        checks=frame_from_records(rec.checks, "checks"),
        raw=rec.raw,
        parsed=rec.parsed,
        identity=rec.identity,
    )


def _recognise(raw: RawDocument, findings: list[dict], lines_ok: bool) -> tuple[list, Identity, list[dict]]:
    """The document's table regions (each named by its family), its identity and the numbers of tables we could not
    recognise. Identity is asked twice: once to know the kind that names untitled tables, then on the tables kept."""
    regions = find_tables(raw.lines)
    specs = load_specs()
    ident = identify(raw, regions)
    unrecognised = settle_untitled(regions, specs, ident.kind, findings, lines_ok)
    regions = [r for r in regions if r.table != "?"]
    for region in regions:
        region.table = choose_by_header(region, specs)
    return regions, reidentify(ident, raw, regions), unrecognised


def _meta(
    raw: RawDocument, file_label: str, ident: Identity, unit: str, parsed: dict, counts: dict, status: str, error
) -> dict:
    """The documents row."""
    region = ident.region
    return {
        "doc_id": raw.sha256[:16],
        "file": file_label,
        "sha256": raw.sha256,
        "format": raw.format,
        "kind": ident.kind or None,
        "year": ident.year,
        "department": ident.department or None,
        "department_norm": ident.department_canonical or None,
        "scope": ident.scope or None,
        "region": region.printed or region.name or None,
        "province": region.province or None,
        "city": region.city or None,
        "county": region.county or None,
        "adcode": region.code or None,
        "unit": unit or None,
        "pages": raw.pages,
        "tables": ",".join(parsed) or None,
        **counts,
        "status": status,
        "error": error or None,
    }


def read(
    path: str | Path,
    file_label: str | None = None,
    corrections=None,
    *,
    settings: Settings | None = None,
    limits: Limits | None = None,
) -> Document:
    """Read one disclosure (text export, PDF, Excel …) into a Document.

    ``file_label`` is the name recorded in ``meta["file"]`` (a build passes the path relative to its input folder).
    ``corrections``: a corrections file (or its loaded frame) whose rows for this file are applied, each a finding
    (``juesuan.corrections``). Raises a ``JuesuanError`` subclass naming the file and the problem when the file
    cannot be used at all.
    ``settings``: the PDF/OCR page-layout tolerances (``juesuan.geometry.Settings``, as pdfplumber's table
    settings); ``limits``: the bounds on file size, pages, cells … (``juesuan.limits.Limits``; default from the
    ``JUESUAN_*`` environment variables).
    """
    doc = records_to_document(read_records(path, file_label, settings=settings, limits=limits))
    if corrections is not None:
        from .corrections import apply_corrections

        doc = apply_corrections(doc, corrections)
    return doc


def read_records(
    path: str | Path,
    file_label: str | None = None,
    *,
    settings: Settings | None = None,
    limits: Limits | None = None,
) -> Records:
    """``read`` without the DataFrames (and without corrections): the document's rows, as ``Records``. Neither this
    nor anything it calls imports pandas."""
    raw = read_raw(path, limits=limits, settings=settings)
    return raw_to_records(raw, file_label or printable(str(path)))


__all__ = [
    "Document",
    "JuesuanError",
    "Records",
    "raw_to_document",
    "raw_to_records",
    "read",
    "read_records",
    "records_to_document",
]
