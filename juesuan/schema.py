"""The data contract: every output table and every field, defined once.

Column order, dtypes, the CSV writer, ``Document`` attributes and datapackage.json all read from here, so a field is
added in one place. Types follow the Frictionless Table Schema names (string, integer, number, boolean).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # string | integer | number | boolean
    description: str
    unit: str = ""


TABLES: dict[str, list[Field]] = {
    "documents": [
        Field("doc_id", "string", "Stable id of the document: the first 16 hex digits of its sha256"),
        Field("file", "string", "Path of the source file (relative to the input folder in a build)"),
        Field("sha256", "string", "SHA-256 of the source file's bytes"),
        Field("format", "string", "Reader used: text, pdf, xlsx, xls"),
        Field("kind", "string", "决算 or 预算"),
        Field("year", "integer", "Fiscal year the document reports on"),
        Field("department", "string", "Department (部门) as printed"),
        Field("region", "string", "Region part of the department name as found (e.g. 株洲市石峰区)"),
        Field("province", "string", "Province (省/自治区/直辖市) where stated"),
        Field("city", "string", "City (市/州/盟) where stated"),
        Field("county", "string", "County or district (县/区/旗) where stated"),
        Field("unit", "string", "Money unit as printed on the tables (万元 or 元); values are converted to 万元"),
        Field("pages", "integer", "Pages in the source (form-feed pages for text exports)"),
        Field("tables", "string", "Standard tables found, comma-separated ids (01–09 or named variants)"),
        Field("n_cells", "integer", "Number of cells read"),
        Field("n_errors", "integer", "Number of error findings"),
        Field("status", "string", "ok, partial (read with problems) or failed"),
        Field("error", "string", "Why the document failed or is partial"),
    ],
    "tables": [
        Field("doc_id", "string", "Document id"),
        Field("table", "string", "Table id: 01–09 for the standard 决算 set, or a named variant"),
        Field("title", "string", "Title as printed (whitespace removed)"),
        Field("label", "string", "The 公开NN表 label as printed, if any"),
        Field("page", "integer", "Page where the table starts"),
        Field("last_page", "integer", "Page where the table ends"),
        Field("n_rows", "integer", "Data rows read"),
        Field("n_cells", "integer", "Cells read"),
        Field("empty", "boolean", "True when the table is printed without data"),
        Field("note", "string", "The sentence stating why an empty table is empty, or other notes printed with it"),
    ],
    "cells": [
        Field("doc_id", "string", "Document id"),
        Field("table", "string", "Table id (01–09 or a named variant)"),
        Field("classification", "string", "功能分类, 经济分类, or none (summary items, totals)"),
        Field("code", "string", "Classification code (3/5/7 digits); for 01/04 expenditure classes the 类 code"),
        Field("level", "string", "类, 款 or 项 for coded rows; empty otherwise"),
        Field("parent", "string", "Code of the parent level (prefix of the code)"),
        Field("name", "string", "Row name as printed, whitespace removed"),
        Field("measure", "string", "Canonical column name (see juesuan/tables/data/measures.csv)"),
        Field("value", "number", "Amount in 万元 (converted from 元 where printed in 元)", "万元"),
        Field("page", "integer", "Page of the source row"),
        Field("row", "integer", "Row of the source (text line, sheet row, or line on the PDF page)"),
    ],
    "facts": [
        Field("doc_id", "string", "Document id"),
        Field("key", "string", "Canonical fact key (see juesuan/data/fact_keys.csv)"),
        Field("period", "string", "本年 or 上年"),
        Field("code", "string", "Classification code for facts about a cited subject"),
        Field("value", "number", "Value (万元 for money; see unit)"),
        Field("unit", "string", "万元, %, 辆, 个, 人次 …"),
        Field("derived", "boolean", "True when computed from stated figures rather than stated"),
        Field("formula", "string", "How a derived value was computed"),
        Field("sentence", "string", "The sentence the fact came from"),
        Field("row", "integer", "Source row of the sentence"),
    ],
    "findings": [
        Field("doc_id", "string", "Document id"),
        Field("check", "string", "Check id (e.g. hierarchy_sum, row_identity, cross_01_02)"),
        Field("severity", "string", "error (beyond rounding), warning (doubtful), info (within rounding or a note)"),
        Field("table", "string", "Table concerned (for cross-table checks the table holding the actual value)"),
        Field("code", "string", "Code or item concerned"),
        Field("measure", "string", "Measure concerned"),
        Field("expected", "number", "What the identity says the value should be", "万元"),
        Field("actual", "number", "The value printed", "万元"),
        Field("difference", "number", "actual − expected", "万元"),
        Field("tolerance", "number", "Largest difference rounding can explain", "万元"),
        Field("message", "string", "What was checked, in words"),
    ],
    "dropped": [
        Field("doc_id", "string", "Document id"),
        Field("table", "string", "Table id"),
        Field("page", "integer", "Page of the source row"),
        Field("row", "integer", "Row of the source"),
        Field("column", "integer", "0-based column of the cell in its row"),
        Field("text", "string", "The text that was not taken into cells"),
        Field("reason", "string", "Why it is not a cell (行次 row number, 栏次 column number, …)"),
    ],
}

_DTYPES = {"string": "object", "integer": "Int64", "number": "float64", "boolean": "boolean"}


def columns(table: str) -> list[str]:
    return [f.name for f in TABLES[table]]


def empty_frame(table: str) -> pd.DataFrame:
    """An empty DataFrame with the contract's columns and dtypes."""
    return _empty(table).copy()


@cache
def _empty(table: str) -> pd.DataFrame:
    return conform(pd.DataFrame({c: [] for c in columns(table)}), table)


def conform(df: pd.DataFrame, table: str) -> pd.DataFrame:
    """Order columns as the contract says and give each its dtype; raises KeyError on a missing column.

    Text columns hold str ("" for missing), integers nullable Int64, numbers float64, flags nullable boolean. The
    frame is built in one go from converted columns: per-column assignment cost more than the parsing it follows.
    """
    missing = [c for c in columns(table) if c not in df.columns]
    if missing:
        raise KeyError(f"{table}: missing columns {missing}")
    data = {}
    for f in TABLES[table]:
        col = df[f.name]
        dt = _DTYPES[f.type]
        if dt == "object":  # text: missing → "", everything else as its str()
            values = col.tolist()
            if not all(type(v) is str for v in values):
                values = ["" if v is None or v != v else str(v) for v in values]
            data[f.name] = np.array(values, dtype=object)
        elif str(col.dtype) == dt:
            data[f.name] = col.to_numpy(copy=False) if dt == "float64" else col.array
        elif dt == "float64":
            data[f.name] = pd.to_numeric(col, errors="raise").to_numpy(dtype="float64", na_value=np.nan)
        else:
            data[f.name] = pd.array(col.tolist(), dtype=dt)
    return pd.DataFrame(data, copy=False)


def frame_from_records(records: list[dict], table: str) -> pd.DataFrame:
    """A contract DataFrame straight from row dicts (keys beyond the contract are ignored; missing ones are blank)."""
    if not records:
        return empty_frame(table)
    data = {}
    for f in TABLES[table]:
        values = [r.get(f.name) for r in records]
        dt = _DTYPES[f.type]
        if dt == "object":
            data[f.name] = np.array(
                ["" if v is None or v != v else v if type(v) is str else str(v) for v in values], dtype=object
            )
        elif dt == "float64":
            data[f.name] = np.array([np.nan if v is None else v for v in values], dtype="float64")
        else:
            data[f.name] = pd.array(values, dtype=dt)
    return pd.DataFrame(data, copy=False)
