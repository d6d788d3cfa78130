"""data/clean/ as a Frictionless Data Package: ``datapackage.json`` and the Parquet copies, both from ``juesuan.schema``.

The descriptor is generated from ``schema.TABLES`` (never a second list of fields): one tabular resource per output
table, pointing at its CSV (else its Parquet file, else its sheet of the workbook), with a Table Schema whose fields
carry the contract's type (codes and table ids are ``string``: frictionless and ``analysis.read_clean`` keep them as
text), description, unit and vocabulary, and the foreign keys to ``documents``. Each resource names its Parquet copy
in ``"parquet"`` and its sheet of ``juesuan.xlsx`` in ``"xlsx"`` (custom properties: the Data Package spec allows
them) when they were written. ``check_package(folder)`` checks a written package without third-party tools (``frictionless validate
datapackage.json`` does the full check when frictionless is installed: ``pip install -e '.[dev]'``).
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from .schema import SCHEMA_VERSION, TABLES
from .workbook import WORKBOOK

# Keys a reader of the package can rely on (names only: the fields themselves live in schema.TABLES)
PRIMARY_KEYS: dict[str, list[str]] = {"documents": ["file"]}
# Every row of the other tables belongs to a document (doc_id → documents.doc_id)
FOREIGN_KEYS: dict[str, list[dict]] = {
    name: [{"fields": "doc_id", "reference": {"resource": "documents", "fields": "doc_id"}}]
    for name in TABLES
    if name != "documents"
}
REQUIRED: dict[str, list[str]] = {name: (["file", "status"] if name == "documents" else ["doc_id"]) for name in TABLES}
for _name, _cols in [*PRIMARY_KEYS.items(), *REQUIRED.items()]:
    assert set(_cols) <= {f.name for f in TABLES[_name]}, f"{_name}: {_cols} not all in schema.TABLES"

_PARQUET_MEDIATYPE = "application/vnd.apache.parquet"
_XLSX_MEDIATYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_NAME = re.compile(r"^[a-z0-9._-]+$")  # the Data Package spec's pattern for package and resource names


def table_schema(table: str) -> dict:
    """The Frictionless Table Schema of one output table, from ``schema.TABLES``."""
    required = set(REQUIRED.get(table, []))
    fields = []
    for f in TABLES[table]:
        d: dict = {"name": f.name, "type": f.type, "description": f.description}
        if f.unit:
            d["unit"] = f.unit
        constraints: dict = {}
        if f.name in required:
            constraints["required"] = True
        if f.values:
            constraints["enum"] = list(f.values)
        if constraints:
            d["constraints"] = constraints
        fields.append(d)
    out: dict = {"fields": fields, "missingValues": [""]}
    if table in PRIMARY_KEYS:
        out["primaryKey"] = PRIMARY_KEYS[table]
    if table in FOREIGN_KEYS:
        out["foreignKeys"] = FOREIGN_KEYS[table]
    return out


def descriptor(formats: Sequence[str] = ("csv", "parquet")) -> dict:
    """The datapackage.json content for the outputs written in ``formats`` (CSV resources, Parquet copies noted)."""
    from . import __version__

    resources = []
    for name in TABLES:
        res: dict = {"name": name, "profile": "tabular-data-resource"}
        if "csv" in formats:
            res.update(
                {
                    "path": f"{name}.csv",
                    "format": "csv",
                    "mediatype": "text/csv",
                    "encoding": "utf-8",
                    "dialect": {"delimiter": ",", "lineTerminator": "\n", "quoteChar": '"', "header": True},
                }
            )
        elif "parquet" in formats:  # Parquet without CSV: the Parquet file is the resource
            res.update({"path": f"{name}.parquet", "format": "parquet", "mediatype": _PARQUET_MEDIATYPE})
        else:  # the workbook alone: its sheet is the resource
            res.update({"path": WORKBOOK, "format": "xlsx", "mediatype": _XLSX_MEDIATYPE})
            res["dialect"] = {"excel": {"sheet": name}}
        if "csv" in formats and "parquet" in formats:
            res["parquet"] = f"{name}.parquet"
        if "xlsx" in formats and res["format"] != "xlsx":
            res["xlsx"] = {"path": WORKBOOK, "sheet": name}
        res["schema"] = table_schema(name)
        resources.append(res)
    return {
        "profile": "tabular-data-package",
        "name": "juesuan-clean",
        "title": "部门决算/预算 disclosures read into tidy tables (juesuan)",
        "description": "Tables of the juesuan data contract, built by `juesuan build`. Money in 万元. "
        "CSV is UTF-8 with a byte-order mark; each table also as Parquet where a resource names it, and as a "
        "sheet of the workbook juesuan.xlsx (codes as text cells, for Excel and WPS) where it names one.",
        "version": __version__,
        "juesuan_schema_version": SCHEMA_VERSION,
        "resources": resources,
    }


def write_datapackage(out: str | Path, formats: Sequence[str] = ("csv", "parquet")) -> Path:
    """Write ``datapackage.json`` into ``out`` (stable key order, UTF-8, no BOM); returns its path."""
    path = Path(out) / "datapackage.json"
    path.write_text(json.dumps(descriptor(formats), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def parquet_available() -> bool:
    """True when pyarrow can be imported (Parquet outputs need it)."""
    try:
        import pyarrow  # noqa: F401
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        return False
    return True


def arrow_schema(table: str):
    """The pyarrow schema of one output table: types from the contract, descriptions and units as field metadata."""
    import pyarrow as pa

    types = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_()}
    return pa.schema(
        [
            pa.field(
                f.name,
                types[f.type],
                nullable=True,
                metadata={"description": f.description, **({"unit": f.unit} if f.unit else {})},
            )
            for f in TABLES[table]
        ],
        metadata={"juesuan.table": table, "juesuan.schema_version": SCHEMA_VERSION},
    )


def write_parquet(df: pd.DataFrame, table: str, path: str | Path) -> Path:
    """Write one conformed output table as Parquet (no index; same frame → same bytes)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = arrow_schema(table)
    arrays = [
        pa.array(df[f.name].tolist() if len(df) else [], type=schema.field(f.name).type, from_pandas=True)
        for f in TABLES[table]
    ]
    pq.write_table(pa.Table.from_arrays(arrays, schema=schema), path, compression="zstd")
    return Path(path)


def _parses(value: str, ftype: str) -> bool:
    if ftype == "integer":
        return re.fullmatch(r"[+-]?\d+", value) is not None
    if ftype == "number":
        try:
            float(value)
        except ValueError:
            return False
        return True
    if ftype == "boolean":
        return value in ("true", "True", "TRUE", "1", "false", "False", "FALSE", "0")
    return True


def check_package(folder: str | Path) -> list[str]:
    """Problems with the Data Package in ``folder`` (empty list: none).

    Checks the descriptor's required properties (resources, each with a valid unique name, a path that exists and
    a schema with named, typed fields), that each field list equals ``schema.TABLES``, that every CSV's header equals
    its fields, that every value parses as its field's type, that required fields are filled and primary keys are
    unique, and that each Parquet copy has the same columns and rows as its CSV.
    """
    folder = Path(folder)
    problems: list[str] = []
    try:
        pkg = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        return [f"datapackage.json: {err}"]
    resources = pkg.get("resources")
    if not isinstance(resources, list) or not resources:
        return ["datapackage.json: 'resources' must be a non-empty list"]
    if "name" in pkg and not _NAME.match(str(pkg["name"])):
        problems.append(f"package name {pkg['name']!r} does not match {_NAME.pattern}")
    names = [r.get("name") for r in resources]
    if len(set(names)) != len(names):
        problems.append(f"resource names are not unique: {names}")
    if set(names) != set(TABLES):
        problems.append(f"resources {sorted(map(str, names))} are not the schema's tables {sorted(TABLES)}")
    for res in resources:
        name = str(res.get("name"))
        if not _NAME.match(name):
            problems.append(f"resource name {name!r} does not match {_NAME.pattern}")
        if not isinstance(res.get("path"), str) or not (folder / res["path"]).is_file():
            problems.append(f"{name}: path {res.get('path')!r} is not a file in {folder}")
            continue
        fields = (res.get("schema") or {}).get("fields")
        if not isinstance(fields, list) or not all(isinstance(f, dict) and f.get("name") for f in fields):
            problems.append(f"{name}: schema.fields must be a list of objects with a name")
            continue
        if name not in TABLES:
            continue
        contract = [(f.name, f.type) for f in TABLES[name]]
        if [(f["name"], f.get("type", "string")) for f in fields] != contract:
            problems.append(f"{name}: schema fields differ from juesuan.schema.TABLES[{name!r}]")
        if res.get("format") == "csv":
            problems += _check_csv(folder / res["path"], name, res)
        parquet = res.get("parquet") or (res["path"] if res.get("format") == "parquet" else None)
        if parquet:
            problems += _check_parquet(folder / parquet, folder / res["path"], name, res.get("format"))
        if res.get("xlsx") or res.get("format") == "xlsx":
            csv_path = folder / res["path"] if res.get("format") == "csv" else None
            problems += _check_sheet(folder / WORKBOOK, name, csv_path)
    return problems


def _check_sheet(book: Path, name: str, csv_path: Path | None) -> list[str]:
    """The workbook has the table's sheet(s) with the schema's header, and as many rows as its CSV."""
    if not book.is_file():
        return [f"{name}: workbook {book.name} missing"]
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(book))
    sheets = [s for s in wb.sheet_names if s == name or s.startswith(f"{name} (")]
    if not sheets:
        return [f"{book.name}: no sheet {name!r}"]
    rows = [wb.get_sheet_by_name(s).to_python(skip_empty_area=False) for s in sheets]
    if any(r[0] != [f.name for f in TABLES[name]] for r in rows):
        return [f"{book.name} sheet {name!r}: header is not the schema's fields"]
    if csv_path is not None:
        with csv_path.open(encoding="utf-8-sig", newline="") as fh:
            n_csv = sum(1 for _ in csv.reader(fh)) - 1
        n_sheet = sum(len(r) - 1 for r in rows)
        if n_csv != n_sheet:
            return [f"{book.name} sheet {name!r}: {n_sheet} rows but {csv_path.name} has {n_csv}"]
    return []


def _check_csv(path: Path, name: str, res: dict) -> list[str]:
    problems = []
    fields = TABLES[name]
    required = [
        i for i, f in enumerate(fields) if (res["schema"]["fields"][i].get("constraints") or {}).get("required")
    ]
    key = [[f.name for f in fields].index(k) for k in res["schema"].get("primaryKey", [])]
    seen: set[tuple] = set()
    raw = path.read_bytes()
    if not raw.startswith(b"\xef\xbb\xbf"):  # the contract: UTF-8 with a BOM, so Excel and WPS read it as UTF-8
        problems.append(f"{path.name}: no UTF-8 BOM")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header != [f.name for f in fields]:
            return problems + [f"{path.name}: header {header} is not the schema's fields"]
        for n, row in enumerate(reader, start=2):
            if len(row) != len(fields):
                problems.append(f"{path.name} record {n}: {len(row)} values for {len(fields)} fields")
                continue
            for f, v in zip(fields, row):
                if v != "" and not _parses(v, f.type):
                    problems.append(f"{path.name} record {n}: {f.name}={v!r} is not a {f.type}")
            for i in required:
                if row[i] == "":
                    problems.append(f"{path.name} record {n}: required {fields[i].name} is empty")
            if key:
                k = tuple(row[i] for i in key)
                if k in seen:
                    problems.append(f"{path.name} record {n}: primary key {k} repeated")
                seen.add(k)
            if len(problems) > 50:
                return problems + ["(stopped after 50 problems)"]
    return problems


def _check_parquet(path: Path, csv_path: Path, name: str, fmt: str | None) -> list[str]:
    if not path.is_file():
        return [f"{name}: Parquet copy {path.name} missing"]
    if not parquet_available():
        return []
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    problems = []
    if table.schema.names != [f.name for f in TABLES[name]]:
        problems.append(f"{path.name}: columns {table.schema.names} are not the schema's fields")
    if not table.schema.equals(arrow_schema(name), check_metadata=False):
        problems.append(f"{path.name}: column types differ from the schema")
    if fmt == "csv":
        with csv_path.open(encoding="utf-8-sig", newline="") as fh:
            n_csv = sum(1 for _ in csv.reader(fh)) - 1
        if n_csv != table.num_rows:
            problems.append(f"{path.name}: {table.num_rows} rows but {csv_path.name} has {n_csv}")
    return problems
