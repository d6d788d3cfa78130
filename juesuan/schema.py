"""The data contract: every output table and every field, defined once.

Column order, dtypes, the CSV writer, ``Document`` attributes and datapackage.json all read from here, so a field is
added in one place. Types follow the Frictionless Table Schema names (string, integer, number, boolean); a field with
``values`` takes only those strings (or is missing), and datapackage.json declares them as an enum.

In a DataFrame, text is pandas' ``string`` dtype with ``<NA>`` for missing (never ``""``), integers are nullable
``Int64``, numbers ``float64`` with NaN, flags nullable ``boolean``. ``SCHEMA_VERSION`` names the contract: it is
written into datapackage.json and the Parquet metadata, and ``analysis.read_clean`` asks for a rebuild when it meets
an older build. CHANGELOG.md says what changed between versions and how to migrate.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
# pandas and numpy are imported by the functions that build frames: the field definitions are read by code that must
# not pay pandas' import (the reading pipeline up to its records, and ``juesuan show``, which prints from them)

SCHEMA_VERSION = "2.0"


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # string | integer | number | boolean
    description: str
    unit: str = ""
    values: tuple[str, ...] = ()  # the vocabulary of a small set of strings; empty: free text


# Vocabularies, one per meaning, shared by every table that uses it.
KINDS = ("决算", "预算")
SIDES = ("收入", "支出")
CLASSIFICATIONS = ("功能分类", "经济分类")
LEVELS = ("类", "款", "项")
BASES = ("决算", "预算", "年初预算", "调整预算", "全年预算", "预算安排", "执行数")
PERIODS = ("本年", "上年")
FIGURES = ("amount", "share", "rate", "change", "count")
SUBJECTS = ("部门", "科目", "项目", "其他")
SEVERITIES = ("error", "warning", "info")
OUTCOMES = ("passed", "failed", "not_checked")
STATUSES = ("ok", "partial", "failed", "not_disclosure")
SCOPES = ("部门", "单位", "本级", "汇总")

_DOC = Field("doc_id", "string", "Stable id of the document: the first 16 hex digits of its sha256")
_PAGE = Field("page", "integer", "Page of the source, 1-based (the sheet's position for spreadsheets)")
# Where a printed value stands: a box on the page (PDF, OCR), a cell of a sheet (spreadsheets), a line (text, HTML).
_WHERE = [
    Field("x0", "number", "Left edge of the printed text's box, in points from the page's left (PDF, OCR)", "pt"),
    Field("top", "number", "Top edge of the box, in points from the top of the page as displayed", "pt"),
    Field("x1", "number", "Right edge of the box", "pt"),
    Field("bottom", "number", "Bottom edge of the box", "pt"),
    Field("sheet", "string", "Sheet name (spreadsheets)"),
    Field("cell", "string", "Cell address in the sheet, e.g. D7 (spreadsheets)"),
    Field("line", "integer", "Line of the source, 1-based (text exports, web pages, browser copies)"),
]

TABLES: dict[str, list[Field]] = {
    "documents": [
        _DOC,
        Field("file", "string", "Path of the source file (relative to the input folder in a build)"),
        Field("sha256", "string", "SHA-256 of the source file's bytes"),
        Field("format", "string", "Reader used: text, pdf, xlsx, xls, html, docx, webcopy, ocr …"),
        Field("kind", "string", "决算 (final accounts) or 预算 (budget)", values=KINDS),
        Field("year", "integer", "Fiscal year the document reports on"),
        Field("department", "string", "Department or unit as printed"),
        Field("department_norm", "string", "Department's canonical name (aliases and renames resolved)"),
        Field(
            "scope",
            "string",
            "部门 (department), 单位 (one unit), 本级 or 汇总, where the document says",
            values=SCOPES,
        ),
        Field("region", "string", "Region as printed in the department's name or title (e.g. 株洲市石峰区)"),
        Field("province", "string", "Province (省/自治区/直辖市), from the gazetteer"),
        Field("city", "string", "City (市/州/盟), from the gazetteer"),
        Field("county", "string", "County or district (县/区/旗), from the gazetteer"),
        Field("adcode", "string", "6-digit administrative division code of the most specific region found"),
        Field("unit", "string", "Money unit as printed on the tables (万元 or 元); values are converted to 万元"),
        Field("pages", "integer", "Pages in the source (form-feed pages for text exports)"),
        Field("tables", "string", "Table families found, comma-separated (01–09 or named families)"),
        Field("n_cells", "integer", "Number of cells read"),
        Field("n_facts", "integer", "Number of narrative facts read"),
        Field("n_errors", "integer", "Number of error findings"),
        Field("status", "string", "ok; partial (read with problems); failed; not_disclosure", values=STATUSES),
        Field("error", "string", "Why the document failed, is partial or is not a disclosure"),
    ],
    "tables": [
        _DOC,
        Field("table", "string", "Table family: 01–09 for the standard set, or a named family (政府采购 …)"),
        Field("title", "string", "Title as printed (whitespace removed)"),
        Field("variant", "string", "Layout variant of the family (e.g. 江苏收入总表), when not the standard one"),
        Field("label", "string", "The 公开NN表 label as printed, if any"),
        Field("page", "integer", "Page where the table starts"),
        Field("last_page", "integer", "Page where the table ends"),
        Field("n_rows", "integer", "Data rows read"),
        Field("n_cells", "integer", "Cells read"),
        Field("n_amounts", "integer", "Amounts printed in the table's area (= cells + dropped amounts)"),
        Field("n_dropped", "integer", "Printed numbers of the table that are not cells (see dropped)"),
        Field("empty", "boolean", "True when the table's area holds no amount"),
        Field("note", "string", "The sentence stating why an empty table is empty, or other notes printed with it"),
    ],
    "cells": [
        _DOC,
        Field("year", "integer", "Fiscal year of the document"),
        Field("department", "string", "Department as printed (see documents for the canonical name)"),
        Field("table", "string", "Table family: 01–09 or a named family, whatever the region prints"),
        Field("title", "string", "Title of the table as printed"),
        Field("variant", "string", "Layout variant of the family, when not the standard one"),
        Field("side", "string", "收入 or 支出, in two-sided tables (01, 04)", values=SIDES),
        Field("classification", "string", "功能分类 or 经济分类 for coded rows", values=CLASSIFICATIONS),
        Field("code", "string", "Classification code (3/5/7 digits); for 01/04 expenditure classes the 类 code"),
        Field("level", "string", "类, 款 or 项 for coded rows", values=LEVELS),
        Field("parent", "string", "Code of the parent level (prefix of the code)"),
        Field("name", "string", "The row item as printed, whitespace normalised (in 07 the 三公 item)"),
        Field("item", "string", "Canonical item for rows without a code (01/04 items, 07 items, 06 footers)"),
        Field(
            "measure",
            "string",
            "What the column measures: 合计, 基本支出, 项目支出, 财政拨款收入 … (no side, no basis)",
        ),
        Field("basis", "string", "Which figure: 决算, 预算, 年初预算, 调整预算 … as the column says", values=BASES),
        Field("value", "number", "Amount in 万元 (converted from 元 where printed in 元)", "万元"),
        Field("printed", "string", "The amount exactly as printed"),
        Field("unit", "string", "Unit the amount is printed in (万元, 元 …)"),
        Field(
            "corrected",
            "boolean",
            "True when a corrections file set value (printed keeps the text as printed; a correction finding says "
            "who, why and the value as read); empty otherwise",
        ),
        _PAGE,
        *_WHERE,
        Field("confidence", "number", "OCR confidence of the printed text, 0–1 (scans only)"),
    ],
    "facts": [
        _DOC,
        Field("year", "integer", "Fiscal year of the document"),
        Field("department", "string", "Department as printed"),
        Field(
            "concept",
            "string",
            "What the figure is (收入合计, 基本支出, 三公经费 …): juesuan/data/concepts.csv, aliases in concept_aliases.csv",
        ),
        Field(
            "subject",
            "string",
            "Whom it is about: 部门 (the whole department or unit), 科目, 项目, 其他",
            values=SUBJECTS,
        ),
        Field("code", "string", "Classification code of a cited 类/款/项 subject"),
        Field("subject_name", "string", "The subject as the sentence names it, when not the department"),
        Field("basis", "string", "决算, 预算, 年初预算, 调整预算, 全年预算, 预算安排, 执行数", values=BASES),
        Field("period", "string", "本年 or 上年", values=PERIODS),
        Field("figure", "string", "amount, share (%), rate (completion %), change (vs 上年), count", values=FIGURES),
        Field("value", "number", "Value (万元 for money; see unit)"),
        Field("unit", "string", "万元, %, 辆, 个, 批次, 人次 …"),
        Field("derived", "boolean", "True when computed from stated figures rather than stated"),
        Field("formula", "string", "How a derived value was computed, or the whole a share is of"),
        Field("sentence", "string", "The sentence the fact came from"),
        _PAGE,
        Field("line", "integer", "Line of the source where the sentence starts"),
        Field("start", "integer", "Character offset of the figure in the sentence (0-based)"),
        Field("end", "integer", "Character offset just past the figure"),
    ],
    "findings": [
        _DOC,
        Field("check", "string", "Check id (juesuan/validate/data/checks.csv lists every check)"),
        Field(
            "severity",
            "string",
            "error (beyond rounding), warning (doubtful), info (within rounding or a note)",
            values=SEVERITIES,
        ),
        Field("table", "string", "Table family concerned (for cross-table checks the table holding the actual value)"),
        Field("code", "string", "Classification code concerned (codes only)"),
        Field("item", "string", "Item or concept concerned when it has no code (人员经费合计, 三公经费 …)"),
        Field("measure", "string", "Measure concerned"),
        Field("expected", "number", "What the identity says the value should be", "万元"),
        Field("actual", "number", "The value printed", "万元"),
        Field("difference", "number", "actual − expected", "万元"),
        Field("tolerance", "number", "Largest difference rounding can explain", "万元"),
        _PAGE,
        *_WHERE[:4],
        Field("evidence", "string", "The printed text or sentence the finding rests on"),
        Field("message", "string", "What was checked and what was found, in words"),
    ],
    "checks": [
        _DOC,
        Field("check", "string", "Check id (juesuan/validate/data/checks.csv)"),
        Field("table", "string", "Table family the check applies to"),
        Field("code", "string", "Classification code the check applies to"),
        Field("item", "string", "Item or concept the check applies to"),
        Field("measure", "string", "Measure the check applies to"),
        Field("outcome", "string", "passed, failed (see findings) or not_checked", values=OUTCOMES),
        Field("reason", "string", "Why not checked (missing table, missing column, blank cell …)"),
    ],
    "dropped": [
        _DOC,
        Field("table", "string", "Table family (empty for a table not recognised)"),
        _PAGE,
        *_WHERE,
        Field("column", "integer", "0-based column of the text in its printed row"),
        Field("text", "string", "The text that was not taken into cells"),
        Field("reason", "string", "Why it is not a cell (行次 row number, 栏次 column number, …)"),
    ],
}

_DTYPES = {"string": "string", "integer": "Int64", "number": "float64", "boolean": "boolean"}


def columns(table: str) -> list[str]:
    return [f.name for f in TABLES[table]]


def field(table: str, name: str) -> Field:
    return next(f for f in TABLES[table] if f.name == name)


def empty_frame(table: str) -> pd.DataFrame:
    """An empty DataFrame with the contract's columns and dtypes."""
    return _empty(table).copy()


@cache
def _empty(table: str) -> pd.DataFrame:
    return frame_from_records([{}], table).iloc[0:0].reset_index(drop=True)


def _missing(v) -> bool:
    import pandas as pd

    return v is None or v is pd.NA or v == "" or (isinstance(v, float) and v != v)


def _text_value(v) -> str | None:
    return None if _missing(v) else (v if type(v) is str else str(v))


def _text(values: list) -> pd.arrays.StringArray:
    """Text column: missing (None, NaN, NA, "") → NA; anything else as its str()."""
    import numpy as np
    import pandas as pd

    # a str is missing only when empty, None always: both without a call (most values are one or the other)
    cleaned = [(v or None) if type(v) is str else (None if v is None else _text_value(v)) for v in values]
    dtype = pd.StringDtype()
    if dtype.storage == "pyarrow":
        # pyarrow builds the column from the list in one C call; pandas' own constructor checks and converts every
        # value again in Python (a document's frames spent most of their time there)
        import pyarrow as pa

        arr = pd.arrays.ArrowStringArray(pa.array(cleaned, type=pa.large_string()))
        if arr.dtype == dtype:
            return arr
    return pd.array(np.array(cleaned, dtype=object), dtype="string")


_NONE = type(None)


def _number(values: list) -> np.ndarray:
    """Number column: a fresh writable float64 array (under copy-on-write a view would be read-only for the user)."""
    import numpy as np
    import pandas as pd

    if set(map(type, values)) <= {float, _NONE}:
        return np.array(values, dtype="float64")  # None → NaN; the usual case, without a Series round trip
    values = [np.nan if v is None or v is pd.NA else v for v in values]
    return np.array(pd.to_numeric(pd.Series(values, dtype=object), errors="raise"), dtype="float64")


def _masked(values: list, dt: str):
    """Int64 or boolean column. When every value is an int (a bool) or None, the masked array is made directly:
    pd.array infers and checks every value in Python, which made integer columns the dearest of a frame."""
    import numpy as np
    import pandas as pd

    exact = int if dt == "Int64" else bool
    if set(map(type, values)) <= {exact, _NONE}:
        data = np.array(values, dtype=object)
        mask = np.equal(data, None)
        data[mask] = 1 if exact is int else False  # what pandas puts under the mask (its _internal_fill_value)
        data = data.astype("int64" if exact is int else bool)
        return pd.arrays.IntegerArray(data, mask) if exact is int else pd.arrays.BooleanArray(data, mask)
    return pd.array([None if _missing(v) else v for v in values], dtype=dt)


def _column(values: list, ftype: str):
    dt = _DTYPES[ftype]
    if dt == "string":
        return _text(values)
    if dt == "float64":
        return _number(values)
    return _masked(values, dt)


def conform(df: pd.DataFrame, table: str) -> pd.DataFrame:
    """Order columns as the contract says and give each its dtype; raises KeyError on a missing column."""
    import numpy as np
    import pandas as pd

    missing = [c for c in columns(table) if c not in df.columns]
    if missing:
        raise KeyError(f"{table}: missing columns {missing}")
    data = {}
    for f in TABLES[table]:
        col = df[f.name]
        if str(col.dtype) == _DTYPES[f.type]:
            data[f.name] = col.array if f.type != "number" else np.array(col, dtype="float64")
        else:
            data[f.name] = _column(col.tolist(), f.type)
    return pd.DataFrame(data, copy=False)


def frame_from_records(records: list[dict], table: str) -> pd.DataFrame:
    """A contract DataFrame straight from row dicts (keys beyond the contract are ignored; missing ones are NA)."""
    import pandas as pd

    if not records:
        return empty_frame(table)
    data = {f.name: _column([r.get(f.name) for r in records], f.type) for f in TABLES[table]}
    return pd.DataFrame(data, copy=False)


def vocabulary_problems(df: pd.DataFrame, table: str) -> list[str]:
    """Values outside a field's vocabulary (a test and ``check_package`` use it): "" when all is well."""
    out = []
    for f in TABLES[table]:
        if f.values and f.name in df:
            bad = sorted(set(df[f.name].dropna()) - set(f.values))
            if bad:
                out.append(f"{table}.{f.name}: {bad} not in {list(f.values)}")
    return out
