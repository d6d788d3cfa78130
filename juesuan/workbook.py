"""data/clean as one Excel workbook, ``juesuan.xlsx``, that Excel and WPS open without losing a code.

A CSV opened in Excel or WPS goes through their type guessing: table ``01`` becomes the number 1, code ``2101501``
a number, ``301 01`` stays text, and a long doc_id may turn into a date or an exponent. The workbook writes every
field of the contract with its own cell type instead: text fields (codes, table ids, doc_ids, printed amounts) as
text cells, numbers as numbers, flags as booleans, a missing value as an empty cell. Each table of
``juesuan.schema.TABLES`` is a sheet of its own with its header row frozen and filtered; a ``dictionary`` sheet
describes every field from ``juesuan.schema`` (type, unit, allowed values, description) and an ``about`` sheet
names the contract's version. A table longer than a sheet allows (1,048,575 data rows) continues on ``cells (2)``….

``write_workbook(frames, path)`` writes it (openpyxl, write-only; same frames → byte-identical file: fixed document
dates and zip timestamps); ``read_workbook(path)`` reads it back with the contract's dtypes (``analysis.read_clean``
reads a folder's workbook the same way).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from .schema import SCHEMA_VERSION, TABLES, conform, empty_frame
from .textnorm import display_width

WORKBOOK = "juesuan.xlsx"
DICTIONARY, ABOUT = "dictionary", "about"
MAX_ROWS = 1_048_575  # Excel's 1,048,576 rows less the header
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip entry can carry: the file says nothing about when it was made
_FIXED_DATE = "2000-01-01T00:00:00Z"


def _column_widths(df: pd.DataFrame) -> list[float]:
    widths = []
    for col in df.columns:
        sample = [str(v) for v in df[col].head(200).dropna().tolist()]
        longest = sorted(display_width(s) for s in sample)[int(0.9 * (len(sample) - 1))] if sample else 0
        widths.append(min(60, max(8, display_width(col) + 2, longest + 2)))
    return widths


def _cell(value):
    """A value as openpyxl writes it: NA/NaN → empty; numpy scalars → Python."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    return value.item() if hasattr(value, "item") else value


def _chunks(df: pd.DataFrame, name: str) -> list[tuple[str, pd.DataFrame]]:
    if len(df) <= MAX_ROWS:
        return [(name, df)]
    parts = range(0, len(df), MAX_ROWS)
    return [(name if i == 0 else f"{name} ({i // MAX_ROWS + 1})", df.iloc[i : i + MAX_ROWS]) for i in parts]


def _table(frames, name: str) -> pd.DataFrame:
    try:
        return frames[name]
    except (KeyError, AttributeError):  # a mapping without the table, or a Corpus of an older contract
        return empty_frame(name)


def _write_sheet(wb, title: str, df: pd.DataFrame, text_columns: set[str]) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    for i, (col, width) in enumerate(zip(df.columns, _column_widths(df)), start=1):
        dim = ws.column_dimensions[get_column_letter(i)]
        dim.width = width
        if col in text_columns:
            dim.number_format = "@"  # what a person types into the column stays text
    ws.freeze_panes = "A2"
    if len(df.columns):
        ws.auto_filter.ref = f"A1:{get_column_letter(len(df.columns))}{len(df) + 1}"
    bold = Font(bold=True)
    header = []
    for col in df.columns:
        cell = WriteOnlyCell(ws, value=col)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    for row in df.itertuples(index=False, name=None):
        values = [_cell(v) for v in row]
        if values and values[-1] is None:
            values[-1] = ""  # an empty cell is not written: an empty text closes the row, so every row is whole
        ws.append(values)


def dictionary_frame() -> pd.DataFrame:
    """Every field of the contract: table, field, type, unit, allowed values, description (from juesuan.schema)."""
    rows = [
        {
            "table": table,
            "field": f.name,
            "type": f.type,
            "unit": f.unit,
            "values": ", ".join(f.values),
            "description": f.description,
        }
        for table, fields in TABLES.items()
        for f in fields
    ]
    return pd.DataFrame(rows, columns=["table", "field", "type", "unit", "values", "description"])


def _about() -> pd.DataFrame:
    from . import __version__

    return pd.DataFrame(
        {
            "key": ["juesuan_schema_version", "juesuan_version", "money_unit", "sheets"],
            "value": [SCHEMA_VERSION, __version__, "万元", ", ".join(TABLES)],
        }
    )


def write_workbook(frames: Mapping[str, pd.DataFrame], path: str | Path) -> Path:
    """Write the contract's tables (``frames``: table name → DataFrame, e.g. a Corpus) as one workbook at ``path``.

    One sheet per table of ``juesuan.schema.TABLES`` in its order (an empty table is a header row), then
    ``dictionary`` and ``about``. Text fields are text cells whatever they hold, so "01" and "2101501" stay as
    printed. Returns the path.
    """
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    for name, fields in TABLES.items():
        df = _table(frames, name)[[f.name for f in fields]]
        text = {f.name for f in fields if f.type == "string"}
        for title, part in _chunks(df, name):
            _write_sheet(wb, title, part, text)
    _write_sheet(wb, DICTIONARY, dictionary_frame(), set(dictionary_frame().columns))
    _write_sheet(wb, ABOUT, _about(), {"key", "value"})
    buffer = io.BytesIO()
    wb.save(buffer)
    path = Path(path)
    path.write_bytes(_reproducible(buffer.getvalue()))
    return path


def _reproducible(blob: bytes) -> bytes:
    """The same workbook with the document's dates and every zip entry's timestamp fixed."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(blob)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _fixed_dates(data)
            entry = zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            dst.writestr(entry, data)
    return out.getvalue()


def _fixed_dates(xml: bytes) -> bytes:
    import re

    return re.sub(
        rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)", rb"\g<1>" + _FIXED_DATE.encode() + rb"\2", xml
    )


def read_workbook(path: str | Path) -> dict[str, pd.DataFrame]:
    """The contract's tables from a workbook ``write_workbook`` wrote, with the contract's dtypes (codes as strings).

    Raises ValueError naming the file when it was written for another contract version, lacks a table's sheet, or
    a sheet lacks a field.
    """
    from python_calamine import CalamineWorkbook

    path = Path(path)
    book = CalamineWorkbook.from_path(str(path))
    sheets = book.sheet_names
    about = dict(_rows(book, ABOUT)[1:]) if ABOUT in sheets else {}
    if about.get("juesuan_schema_version") != SCHEMA_VERSION:
        raise ValueError(
            f"{path}: written for data contract {about.get('juesuan_schema_version') or '?'}; this juesuan reads "
            f"{SCHEMA_VERSION}: run `juesuan build --format xlsx` again"
        )
    out = {}
    for name, fields in TABLES.items():
        parts = [s for s in sheets if s == name or (s.startswith(f"{name} (") and s.endswith(")"))]
        if not parts:
            raise ValueError(f"{path}: no sheet {name!r}")
        rows = [r for s in parts for r in _rows(book, s)[1:]]
        header = _rows(book, parts[0])[0]
        missing = [f.name for f in fields if f.name not in header]
        if missing:
            raise ValueError(f"{path}: sheet {name!r} lacks {missing}")
        df = pd.DataFrame(rows, columns=header) if rows else empty_frame(name)
        out[name] = conform(_typed(df, fields), name)
    return out


def _rows(book, sheet: str) -> list[list]:
    return book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def _typed(df: pd.DataFrame, fields) -> pd.DataFrame:
    """calamine's values as the contract's: "" is missing, whole floats of integer fields are integers."""
    data = {}
    for f in fields:
        col = [None if v == "" else v for v in df[f.name].tolist()]
        if f.type == "integer":
            col = [int(v) if isinstance(v, float) and v.is_integer() else v for v in col]
        elif f.type == "string":
            col = [v if v is None or isinstance(v, str) else _number_text(v) for v in col]
        data[f.name] = col
    return pd.DataFrame(data)


def _number_text(value) -> str:
    """A number a person typed into a text field (the workbook writes text cells): its digits, no ".0"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


__all__ = ["WORKBOOK", "dictionary_frame", "read_workbook", "write_workbook"]
