"""A panel across years and regions, and the helpers the notebooks use: key figures per disclosure, year over year,
series, cross-region comparison, structure and shares, data quality.

Every function here is pure: DataFrames of the data contract (``documents``, ``cells``, ``facts``, ``tables``,
``findings``, ``checks``) in, one tidy DataFrame out.

- **Disclosure** (``disclosures``): the files one department publishes for one year and kind are one disclosure —
  tables and narrative published apart (江苏's "公开表" and "公开文件"), a 部门 document and its 单位 documents, 本级
  and 汇总. Each file is kept with its ``role`` (tables, narrative or both); the panel has one row per department ×
  year × kind × scope. Files that are not disclosures (the official template, a checklist), failed files and files
  without a year or kind are listed with ``why_not`` and stay out of the panel.
- **Department** across names and years: the canonical name of ``juesuan.departments`` (``documents.department_norm``;
  a file of confirmed matches, ``confirmed=``, wins). Names are never merged by similarity here:
  ``department_matches`` lists the candidates for a person to confirm (``departments.save_confirmed``).
- **Key figures** (``key_figures``): from the tables where a file of the disclosure prints them, else from a
  narrative fact about the whole department (subject 部门) on the disclosure's own basis (a 决算's 决算, a 预算's
  预算), else 0 where the table that holds the figure is printed empty. Every row says which (``source``), from which
  file (``doc_id``, ``file``), where (``table``, ``ref``, ``page``, box / ``line``), and what the other sources said
  when they disagree (``other_values``).
- ``year_over_year``, ``series`` and ``cross_region`` compare like with like: a 决算 with 决算 and a 部门 with 部门,
  unless ``mix_kinds`` / ``mix_scopes`` say otherwise (and the rows then say what was compared with what).

Which cells hold which figure is not repeated here: the concept table (``juesuan/data/concepts.csv``, or
``fact_keys.csv`` before it) maps each concept to the cells it restates (``03//合计/合计`` …), and the same map
decides where a key figure is read from.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from .schema import TABLES, conform
from .textnorm import clean_name, strip_ordinal

CURRENT, PRIOR = "本年", "上年"
CELLS, FACTS, EMPTY_TABLE = "cells", "facts", "empty_table"
_SOURCE_RANK = {CELLS: 0, EMPTY_TABLE: 1, FACTS: 2}
# The statuses whose documents are disclosures read (a partial one has problems, which its findings say)
PANEL_STATUSES = ("ok", "partial")

# The figures compared across years and regions, in the order a reader meets them in a 决算.
KEY_FIGURES: tuple[str, ...] = (
    "收支总计",
    "收入合计",
    "支出合计",
    "财政拨款收入",
    "基本支出",
    "项目支出",
    "财政拨款支出",
    "财政拨款基本支出",
    "财政拨款项目支出",
    "人员经费",
    "公用经费",
    "三公经费",
    "因公出国（境）费",
    "公务用车购置及运行费",
    "公务接待费",
    "机关运行经费",
    "政府采购",
)

# Parts and the whole they split: (split name, parts, whole). 人员/公用 split 财政拨款基本支出, the 05 基本支出 that
# table 06 details; when a document states no 财政拨款基本支出 the sum of the parts stands for it.
SPLITS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("基本/项目", ("基本支出", "项目支出"), "支出合计"),
    ("人员/公用", ("人员经费", "公用经费"), "财政拨款基本支出"),
    ("三公", ("因公出国（境）费", "公务用车购置及运行费", "公务接待费"), "三公经费"),
)

DISCLOSURE_COLUMNS = [
    "disclosure",
    "department",
    "department_kind",
    "printed",
    "region",
    "province",
    "city",
    "county",
    "adcode",
    "year",
    "kind",
    "scope",
    "doc_id",
    "file",
    "role",
    "status",
    "n_cells",
    "n_facts",
    "in_panel",
    "why_not",
]
# The panel of key_figures: one row per disclosure × scope × concept × period
FIGURE_COLUMNS = [
    "disclosure",
    "department",
    "department_kind",
    "region",
    "province",
    "city",
    "county",
    "adcode",
    "year",
    "kind",
    "scope",
    "basis",
    "period",
    "fiscal_year",
    "concept",
    "value",
    "unit",
    "source",
    "doc_id",
    "file",
    "table",
    "ref",
    "page",
    "line",
    "x0",
    "top",
    "x1",
    "bottom",
    "derived",
    "n_values",
    "other_values",
    "consistent",
    "sentence",
]
_PLACE_COLUMNS = ["region", "province", "city", "county", "adcode"]
_GROUP = ["disclosure", "scope_key", "concept", "period"]
_DOC_META = [
    "doc_id",
    "disclosure",
    "scope_key",
    "file",
    "n_cells",
    "department",
    "department_kind",
    *_PLACE_COLUMNS,
    "year",
    "kind",
    "scope",
]


# --------------------------------------------------------------------------------------------------------- loading


def default_clean_dir() -> Path:
    """The data/clean/ folder of this checkout (``$JUESUAN_CLEAN`` overrides), found from the package, not the cwd."""
    env = os.environ.get("JUESUAN_CLEAN")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[1] / "data" / "clean"


def default_raw_dir(clean: str | Path | None = None) -> Path:
    """Where the source files of a build are: ``$JUESUAN_RAW``, else the ``raw/`` folder beside ``clean`` (the
    layout ``juesuan build`` makes by default: data/raw → data/clean)."""
    env = os.environ.get("JUESUAN_RAW")
    if env:
        return Path(env)
    return Path(clean if clean is not None else default_clean_dir()).parent / "raw"


def source_file(file: str, raw: str | Path | None = None) -> Path | None:
    """The source file of a documents row's ``file`` (relative to the build's input folder) under ``raw`` (default
    ``default_raw_dir()``); None when it is not there (a build copied elsewhere without its sources)."""
    path = Path(raw if raw is not None else default_raw_dir()) / file
    return path if path.is_file() else None


def _check_version(folder: Path) -> None:
    """A build of another contract version is not read as this one (CHANGELOG.md says what changed)."""
    import json

    from .schema import SCHEMA_VERSION

    package = folder / "datapackage.json"
    if not package.is_file():
        return  # the tables alone (copied elsewhere): their columns are checked below
    version = json.loads(package.read_text(encoding="utf-8")).get("juesuan_schema_version")
    if version != SCHEMA_VERSION:
        raise ValueError(
            f"{folder} was built with data contract {version or '1 (before versions were recorded)'}; this juesuan "
            f"reads contract {SCHEMA_VERSION}: run `juesuan build` again (CHANGELOG.md says what changed)"
        )


def _read_csv(path: Path, name: str) -> pd.DataFrame:
    fields = TABLES[name]
    df = pd.read_csv(
        path,
        encoding="utf-8-sig",
        dtype={f.name: str for f in fields if f.type in ("string", "boolean")},
        keep_default_na=False,
        na_values={f.name: [""] for f in fields},
    )
    return _booleans(df, name)


def _booleans(df: pd.DataFrame, name: str) -> pd.DataFrame:
    truth = {"True": True, "False": False, "true": True, "false": False, True: True, False: False}
    for f in TABLES[name]:
        if f.type == "boolean" and f.name in df and df[f.name].dtype != "boolean":
            df[f.name] = df[f.name].map(truth)
    return df


def _conformed(df: pd.DataFrame, name: str, where: Path) -> pd.DataFrame:
    try:
        return conform(df, name)
    except KeyError as err:
        raise ValueError(
            f"{where}: {err.args[0]}; it was written by an older juesuan: run `juesuan build` again"
        ) from err


def read_clean(folder: str | Path | None = None, format: str | None = None) -> dict[str, pd.DataFrame]:
    """The tables ``juesuan build`` wrote (documents, tables, cells, facts, findings, checks, dropped) with the
    contract's dtypes, from CSV, Parquet or the Excel workbook.

    ``folder`` is the build's folder (default ``default_clean_dir()``) or the path of a workbook (``juesuan.xlsx``).
    ``format`` ("csv", "parquet", "xlsx") picks one; by default CSV, else Parquet, else the workbook, whichever the
    folder holds. Codes stay strings (``"210"``, never 210.0). Raises FileNotFoundError naming the folder when a table
    is missing, and ValueError when a table lacks a column the contract now has (written by an older juesuan).
    """
    path = Path(folder) if folder is not None else default_clean_dir()
    if path.suffix.lower() == ".xlsx":
        return _read_workbook(path)
    _check_version(path)
    fmt = format or next(
        (f for f, probe in (("csv", "documents.csv"), ("parquet", "documents.parquet")) if (path / probe).is_file()),
        "xlsx" if (path / "juesuan.xlsx").is_file() else "csv",
    )
    if fmt == "xlsx":
        return _read_workbook(path / "juesuan.xlsx")
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"format must be csv, parquet or xlsx, not {fmt!r}")
    out = {}
    for name in TABLES:
        file = path / f"{name}.{fmt}"
        if not file.is_file():
            raise FileNotFoundError(f"{file} not found: run `juesuan build` to write {path}")
        df = _read_csv(file, name) if fmt == "csv" else pd.read_parquet(file)
        out[name] = _conformed(df, name, file)
    return out


def _read_workbook(path: Path) -> dict[str, pd.DataFrame]:
    from .workbook import read_workbook

    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: run `juesuan build --format xlsx` to write it")
    return {name: _conformed(df, name, path) for name, df in read_workbook(path).items()}


# ---------------------------------------------------------------------------------------------------- concept map


def _concept_table():
    """The concept table: ``data/concepts.csv`` where the narrative's vocabulary lives, else ``data/fact_keys.csv``."""
    base = resources.files("juesuan").joinpath("data")
    for name in ("concepts.csv", "fact_keys.csv"):
        if base.joinpath(name).is_file():
            return base.joinpath(name)
    raise FileNotFoundError("juesuan/data has neither concepts.csv nor fact_keys.csv")


@lru_cache(maxsize=1)
def cell_refs() -> dict[str, tuple[tuple[str, ...], ...]]:
    """Concept → the cells (table, side, item, measure[, basis]) that hold the department's own figure, in order of
    preference (the concept table's ``cells``; budget rows and cited subjects' rows are left out)."""
    with _concept_table().open(encoding="utf-8") as fh:
        table = pd.read_csv(fh, dtype=str, keep_default_na=False)
    refs: dict[str, list[tuple[str, ...]]] = {}
    for row in table.to_dict("records"):
        if row.get("basis") or row.get("subject") or not row.get("cells"):
            continue  # a budget figure or a cited subject's: not a key figure of the document
        parts = [tuple(r.split("/")) for r in row["cells"].split(";") if r and "{" not in r]
        refs.setdefault(row["concept"], []).extend(p for p in parts if len(p) in (4, 5))
    return {k: tuple(v) for k, v in refs.items()}


def own_basis(kind) -> str:
    """The basis of a document's own figures: 预算 for a budget, 决算 otherwise."""
    return "预算" if kind == "预算" else "决算"


# ---------------------------------------------------------------------------------------------------- disclosures


@lru_cache(maxsize=4096)
def _region(adcode: str):
    from .regions import Region, division, region_from_division

    d = division(adcode) if adcode else None
    return region_from_division(d) if d else Region()


def department_kind(department: str, adcode: str | None = None) -> str:
    """The kind of department without its place: "株洲市石峰区医疗保障局" (430204) → "医疗保障局",
    "中国共产党江苏省委员会办公厅" (320000) → "中国共产党委员会办公厅". The place is the gazetteer's for ``adcode`` (as
    ``departments.standard_place`` prints it, else any of its names); without one the name is returned whole."""
    from .departments import standard_place

    name = clean_name(department)
    if not isinstance(adcode, str) or not adcode:
        return name
    region = _region(adcode)
    places = [standard_place(region), region.name, region.province + region.city, region.county, region.city]
    places += [region.province]
    for place in sorted({p for p in places if p and p != "市辖区"}, key=len, reverse=True):
        if place in name and len(name) > len(place):
            return name.replace(place, "", 1)
    return name


def _canonical(printed, norm, adcode, year, confirmed) -> str:
    """The department's canonical name: a confirmed match for its printed or canonical name wins, else the
    documents row's ``department_norm``, else the printed name cleaned."""
    if confirmed:
        from .departments import parse_department

        for name in (printed, norm):
            if isinstance(name, str) and name:
                year_ = int(year) if pd.notna(year) else None
                parsed = parse_department(name, _region(adcode) if isinstance(adcode, str) else None, year_, confirmed)
                if "confirmed" in parsed.how:
                    return parsed.canonical
    for name in (norm, printed):
        if isinstance(name, str) and name:
            return clean_name(name)
    return ""


def _why_not(row) -> str:
    if row["status"] not in PANEL_STATUSES:
        detail = row["error"] if isinstance(row["error"], str) else ""
        return f"status {row['status']}" + (f": {detail}" if detail else "")
    missing = [
        what for what, col in (("year", "year"), ("kind", "kind"), ("department", "department")) if pd.isna(row[col])
    ]
    return f"no {' or '.join(missing)} found" if missing else ""


def _role(n_cells, n_facts) -> str:
    cells, facts = (int(n) if pd.notna(n) else 0 for n in (n_cells, n_facts))
    return "tables+narrative" if cells and facts else "tables" if cells else "narrative" if facts else "none"


def disclosures(documents: pd.DataFrame, confirmed=None) -> pd.DataFrame:
    """One row per file: the disclosure it belongs to (department × year × kind), its scope and role.

    ``disclosure`` names the group ("中国共产党江苏省委员会办公厅 2019 预算"); ``department`` is the canonical name
    (``confirmed``: a confirmed-matches file or mapping, see ``juesuan.departments.load_confirmed``); ``printed`` the
    name as printed; ``department_kind`` the name without its place; ``role`` says what the file holds (tables,
    narrative, tables+narrative, none); ``in_panel`` is False with ``why_not`` for a file that is not a disclosure
    read (status not_disclosure or failed, no year or kind found).

    Columns: ``DISCLOSURE_COLUMNS``. Raises KeyError when ``documents`` lacks a contract column.
    """
    if isinstance(confirmed, (str, Path)):
        from .departments import load_confirmed

        confirmed = load_confirmed(confirmed)
    d = documents
    department = [
        _canonical(p, n, a, y, confirmed)
        for p, n, a, y in zip(d["department"], d["department_norm"], d["adcode"], d["year"])
    ]
    why = [_why_not(r) for r in d[["status", "error", "year", "kind", "department"]].to_dict("records")]
    out = pd.DataFrame(
        {
            "department": department,
            "department_kind": [department_kind(n, a) for n, a in zip(department, d["adcode"])],
            "printed": d["department"].array,
            **{c: d[c].array for c in _PLACE_COLUMNS + ["year", "kind", "scope", "doc_id", "file", "status"]},
            "role": [_role(c, f) for c, f in zip(d["n_cells"], d["n_facts"])],
            "n_cells": d["n_cells"].array,
            "n_facts": d["n_facts"].array,
            "in_panel": [not w for w in why],
            "why_not": pd.array([w or pd.NA for w in why], dtype="string"),
        }
    )
    out["disclosure"] = pd.array(
        [
            f"{dep} {int(y)} {k}" if ok else pd.NA
            for dep, y, k, ok in zip(out["department"], out["year"], out["kind"], out["in_panel"])
        ],
        dtype="string",
    )
    out = out[DISCLOSURE_COLUMNS].sort_values(
        ["in_panel", "disclosure", "scope", "file"], ascending=[False, True, True, True]
    )
    return out.reset_index(drop=True)


def department_matches(documents: pd.DataFrame, confirmed=None, threshold: float = 0.75) -> pd.DataFrame:
    """Names the panel does *not* merge but might be one department, for a person to confirm.

    ``juesuan.departments.propose_matches`` over the printed names of the documents in the panel, less the pairs
    already one department (same canonical name, or confirmed): what remains are candidate pairs (a successor
    after the 2018 reform, a name printed without its place, similar names) and names that pair with nothing
    (``name_b`` empty, reason "no match"). Keep the right pairs with ``departments.save_confirmed(pairs, path)`` and
    pass the file as ``confirmed=`` to ``disclosures`` / ``key_figures``.
    """
    from .departments import propose_matches

    disc = disclosures(documents, confirmed)
    disc = disc[disc["in_panel"]].drop_duplicates("printed")
    canonical = dict(zip(disc["printed"], disc["department"]))
    pairs = propose_matches(
        list(disc["printed"]), [_region(a) if isinstance(a, str) else None for a in disc["adcode"]], threshold
    )
    merged = pd.Series(
        [bool(b) and canonical.get(a) == canonical.get(b) for a, b in zip(pairs["name_a"], pairs["name_b"])],
        index=pairs.index,
        dtype=bool,
    )
    out = pairs[~merged].copy()
    out["department_a"] = out["name_a"].map(canonical)
    out["department_b"] = out["name_b"].map(canonical).fillna("")
    return out.reset_index(drop=True)


# ----------------------------------------------------------------------------------------------------- key figures


def _wanted_cells(concepts: list[str]) -> pd.DataFrame:
    rows = [
        (concept, i, table, side, item, measure, fixed[0] if fixed else "")
        for concept in concepts
        for i, (table, side, item, measure, *fixed) in enumerate(cell_refs().get(concept, ()))
    ]
    return pd.DataFrame(rows, columns=["concept", "order", "table", "_side", "_item", "measure", "_fixed"])


def _cell_candidates(docs: pd.DataFrame, cells: pd.DataFrame, concepts: list[str]) -> pd.DataFrame:
    """Per file and concept the cell that holds it, on the file's own basis (the first of the concept's cells the
    file prints; a budget's 07 is its 预算 row, a 决算's its 决算 row)."""
    wanted = _wanted_cells(concepts)
    c = cells[cells["table"].isin(set(wanted["table"])) & cells["code"].isna() & cells["doc_id"].isin(docs["doc_id"])]
    c = c.assign(_side=c["side"].fillna(""), _item=c["item"].fillna(""))
    c = c.merge(docs[["doc_id", "kind"]], on="doc_id").merge(wanted, on=["table", "_side", "_item", "measure"])
    c = c[c["basis"] == c["_fixed"].where(c["_fixed"] != "", c["kind"].map(own_basis))]
    c = c.sort_values(["doc_id", "concept", "order", "page", "top", "line"], kind="stable", na_position="last")
    c = c.drop_duplicates(["doc_id", "concept"])
    ref = [
        f"{t}/{side + '/' if side else ''}{item}/{m} {b}" + (f" (page {int(p)})" if pd.notna(p) else "")
        for t, side, item, m, b, p in zip(c["table"], c["_side"], c["_item"], c["measure"], c["basis"], c["page"])
    ]
    return pd.DataFrame(
        {
            "doc_id": c["doc_id"],
            "concept": c["concept"],
            "period": CURRENT,
            "value": c["value"].astype(float),
            "source": CELLS,
            "order": c["order"].astype(float),
            "basis": c["basis"],
            "table": c["table"],
            "ref": pd.array(ref, dtype="string"),
            "page": c["page"],
            "line": c["line"],
            **{k: c[k] for k in ("x0", "top", "x1", "bottom")},
            "derived": False,
            "sentence": pd.NA,
        }
    )


def _empty_candidates(docs: pd.DataFrame, tables: pd.DataFrame | None, concepts: list[str]) -> pd.DataFrame:
    """0 for a concept whose own table a file prints empty ("故本表无数据"): the first table of the concept's cells,
    where every layout prints it. A table that holds the concept in some layouts only (机关运行经费 is a column of
    上海's 07, not of the 决算 template's) says nothing about it when empty: the narrative's figure stands."""
    if tables is None or not len(tables):
        return pd.DataFrame()
    empty = tables[tables["empty"].fillna(False).astype(bool) & tables["doc_id"].isin(docs["doc_id"])]
    wanted = _wanted_cells(concepts)
    wanted = wanted[wanted["order"] == 0].drop_duplicates(["concept", "table"])
    hit = empty[["doc_id", "table", "page"]].merge(wanted[["concept", "table", "order"]], on="table")
    hit = hit.merge(docs[["doc_id", "kind"]], on="doc_id")
    return pd.DataFrame(
        {
            "doc_id": hit["doc_id"],
            "concept": hit["concept"],
            "period": CURRENT,
            "value": 0.0,
            "source": EMPTY_TABLE,
            "order": hit["order"].astype(float),
            "basis": hit["kind"].map(own_basis),
            "table": hit["table"],
            "ref": "table " + hit["table"] + " printed empty",
            "page": hit["page"],
            "derived": True,
        }
    )


def _fact_candidates(docs: pd.DataFrame, facts: pd.DataFrame, concepts: list[str]) -> pd.DataFrame:
    """Amounts the narrative states about the whole department (subject 部门) on the file's own basis, stated
    before derived, in reading order."""
    f = facts[
        facts["concept"].isin(concepts)
        & (facts["figure"] == "amount")
        & (facts["subject"] == "部门")
        & facts["doc_id"].isin(docs["doc_id"])
    ]
    f = f.merge(docs[["doc_id", "kind"]], on="doc_id")
    f = f[f["basis"] == f["kind"].map(own_basis)]
    derived = f["derived"].fillna(False).astype(bool)
    order = derived.astype(float) * 1e12 + f["page"].fillna(0).astype(float) * 1e6 + f["line"].fillna(0).astype(float)
    ref = [_where(p, n) for p, n in zip(f["page"], f["line"])]
    return pd.DataFrame(
        {
            "doc_id": f["doc_id"],
            "concept": f["concept"],
            "period": f["period"],
            "value": f["value"].astype(float),
            "source": FACTS,
            "order": order,
            "basis": f["basis"],
            "table": pd.NA,
            "ref": ref,
            "page": f["page"],
            "line": f["line"],
            "derived": derived,
            "sentence": f["sentence"],
            "beside": _current_beside(f),
        }
    )


def _where(page, line) -> str:
    """ "page 3, line 41" (either part left out when unknown)."""
    parts = [f"page {int(page)}" if pd.notna(page) else "", f"line {int(line)}" if pd.notna(line) else ""]
    return ", ".join(p for p in parts if p)


def _current_beside(f: pd.DataFrame) -> pd.Series:
    """For each 上年 fact, the 本年 amount of the same concept the same sentence states (NaN when it states none)."""
    current = f[f["period"] == CURRENT].drop_duplicates(["doc_id", "concept", "sentence"])
    key = ["doc_id", "concept", "sentence"]
    found = f[key].merge(current[key + ["value"]], on=key, how="left")["value"].to_numpy()
    return pd.Series(np.where(f["period"] == PRIOR, found, np.nan), index=f.index, dtype=float)


def _consistency(prior: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """Whether each 上年 candidate speaks of the figure the panel holds for 本年: its sentence's own 本年 amount equals
    the disclosure's 本年 value (True), differs (False: the sentence is about something else, one 项 of the
    department …), or is not stated (NA); a derived 上年 amount below 0 is not a prior total (False)."""
    won = current[["disclosure", "scope_key", "concept", "value"]].rename(columns={"value": "_now"})
    p = prior.merge(won, on=["disclosure", "scope_key", "concept"], how="left")
    differs = (p["beside"] - p["_now"]).abs() > 0.005
    known = p["beside"].notna() & p["_now"].notna()
    consistent = pd.array([pd.NA] * len(p), dtype="boolean")
    consistent[known.to_numpy()] = ~differs[known].to_numpy()
    negative = (p["derived"].astype(bool) & (p["value"] < 0)).to_numpy()
    consistent[negative] = False
    rank = np.where(consistent.isna(), 1, np.where(consistent.fillna(False), 0, 2))
    return p.drop(columns="_now").assign(consistent=consistent, _disagree=rank)


def _other_values(cands: pd.DataFrame, first: pd.DataFrame) -> pd.Series:
    """Per group, what the other candidates said when it differs from the value kept: "facts 7448.20 (file, page 12)"."""
    won = first[_GROUP + ["_v"]].rename(columns={"_v": "_won"})
    c = cands.merge(won, on=_GROUP)
    c = c[(c["_v"] - c["_won"]).abs() > 0.005]
    if not len(c):
        return pd.Series(dtype="string")
    text = pd.Series(
        [
            f"{src} {v:.2f} ({', '.join(str(x) for x in (f, ref) if isinstance(x, str) and x)})"
            for src, v, f, ref in zip(c["source"], c["_v"], c["file"], c["ref"])
        ],
        index=c.index,
    )
    return text.groupby([c[k] for k in _GROUP], sort=False).agg(_listed)


def _listed(texts: pd.Series, most: int = 3) -> str:
    distinct = list(dict.fromkeys(texts))
    more = f"; … {len(distinct) - most} more" if len(distinct) > most else ""
    return "; ".join(distinct[:most]) + more


def _choose(c: pd.DataFrame) -> pd.DataFrame:
    """One candidate per disclosure × scope × concept × period: tables, then an empty table, then the narrative
    (a 上年 sentence that speaks of the panel's 本年 figure before one that does not); within a source the preferred
    cell (or the first sentence), then the file with most cells, then by name. ``n_values``: distinct values of the
    kept source; ``other_values``: what the others said where it differs."""
    c = c.assign(
        _rank=c["source"].map(_SOURCE_RANK),
        _cells=-c["n_cells"].fillna(0).astype(int),
        _v=c["value"].round(2),
        _disagree=c["_disagree"] if "_disagree" in c else 0,
    )
    c = c.sort_values(_GROUP + ["_rank", "_disagree", "order", "_cells", "file"], kind="stable")
    first = c.drop_duplicates(_GROUP)
    same = c.merge(first[_GROUP + ["_rank"]], on=_GROUP + ["_rank"])
    n_values = same.groupby(_GROUP, sort=False)["_v"].nunique()
    others = _other_values(c, first)
    keys = pd.MultiIndex.from_frame(first[_GROUP])
    return first.assign(
        n_values=n_values.reindex(keys).to_numpy(),
        other_values=others.reindex(keys).to_numpy() if len(others) else pd.NA,
    )


def key_figures(
    documents: pd.DataFrame,
    cells: pd.DataFrame,
    facts: pd.DataFrame,
    tables: pd.DataFrame | None = None,
    concepts: Iterable[str] = KEY_FIGURES,
    confirmed=None,
) -> pd.DataFrame:
    """The panel: one row per disclosure × scope × concept × period, with the value (万元) and where it came from.

    Period 本年 comes from the tables of any file of the disclosure that prints them (the concept table says which
    cells; a 预算 reads its 预算 columns), else — when such a table is printed empty ("故本表无数据") — it is 0 with
    source ``empty_table``, else from a narrative fact about the whole department on the disclosure's basis. Period 上年
    comes from the narrative only (stated, or derived from a stated change). ``fiscal_year`` is the year the figure
    is about (year − 1 for 上年). ``n_values`` > 1 says the source kept offered several values (the preferred cell or
    the first sentence in reading order is kept); ``other_values`` lists what the other sources said where it differs.
    ``consistent`` (上年 rows): whether the sentence's own 本年 figure is the panel's 本年 figure — False when the
    sentence speaks of something else (one 项 stated with the department's words) or a derived prior is below 0;
    ``year_over_year`` and ``series`` do not use a 上年 figure that is not consistent. Documents not in the panel (``disclosures``: templates, checklists, failed files) give no rows.

    Columns: ``FIGURE_COLUMNS``. Raises KeyError when an input lacks a contract column.
    """
    concepts = list(concepts)
    disc = disclosures(documents, confirmed)
    docs = disc[disc["in_panel"]].assign(scope_key=lambda d: d["scope"].fillna(""))
    parts = [
        _cell_candidates(docs, cells, concepts),
        _empty_candidates(docs, tables, concepts),
        _fact_candidates(docs, facts, concepts),
    ]
    parts = [p for p in parts if len(p)]
    if not parts:
        return _figure_frame(pd.DataFrame(columns=FIGURE_COLUMNS))
    cands = pd.concat(parts, ignore_index=True)
    extra = ["beside", "line", "x0", "top", "x1", "bottom", "sentence"]
    cands = cands.reindex(columns=list(dict.fromkeys([*cands.columns, *extra])))
    cands = cands.merge(docs.drop_duplicates("doc_id")[_DOC_META], on="doc_id")
    current = _choose(cands[cands["period"] == CURRENT])
    prior = _consistency(cands[cands["period"] == PRIOR], current)
    out = pd.concat([current, _choose(prior)], ignore_index=True)
    year = out["year"].astype("Int64")
    out = out.assign(
        fiscal_year=year.where(out["period"] == CURRENT, year - 1),
        unit="万元",
        _order=out["concept"].map({c: i for i, c in enumerate(concepts)}),
        _period=(out["period"] != CURRENT).astype(int),
    )
    out = out.sort_values(["disclosure", "scope_key", "_order", "_period"], kind="stable")
    return _figure_frame(out)


def _figure_frame(df: pd.DataFrame) -> pd.DataFrame:
    out = df.reindex(columns=FIGURE_COLUMNS).reset_index(drop=True)
    for col in ("year", "fiscal_year", "n_values", "page", "line"):
        out[col] = out[col].astype("Int64")
    for col in ("value", "x0", "top", "x1", "bottom"):
        out[col] = out[col].astype(float)
    out["derived"] = out["derived"].astype("boolean")
    out["consistent"] = out["consistent"].astype("boolean")
    text = [
        c
        for c in FIGURE_COLUMNS
        if c not in ("year", "fiscal_year", "n_values", "page", "line", "derived", "consistent")
    ]
    for col in text:
        if col not in ("value", "x0", "top", "x1", "bottom"):
            out[col] = out[col].astype("string")
    return out


# -------------------------------------------------------------------------------------------------- year over year


def _like(mix_kinds: bool, mix_scopes: bool) -> list[str]:
    """The columns two figures must share to be compared: the department, and its kind and scope unless mixed."""
    return ["department"] + ([] if mix_kinds else ["kind"]) + ([] if mix_scopes else ["scope_key"])


def _prefer(rows: list, kind, scope):
    """Of several figures for one year (only when kinds or scopes are mixed): same kind and scope first, then a 决算
    (the year's outcome) before a 预算, then 部门 before its units."""
    return min(
        rows,
        key=lambda r: (r.kind != kind, r.scope_key != scope, r.kind != "决算", r.scope_key != "部门", r.disclosure),
    )


YOY_COLUMNS = [
    "department",
    "kind",
    "scope",
    "concept",
    "year",
    "value",
    "source",
    "disclosure",
    "doc_id",
    "file",
    "prior_year",
    "prior_value",
    "prior_source",
    "prior_disclosure",
    "prior_doc_id",
    "prior_kind",
    "prior_scope",
    "stated_prior",
    "prior_gap",
    "change",
    "change_pct",
]


def year_over_year(
    figures: pd.DataFrame, concepts: Iterable[str] | None = None, mix_kinds: bool = False, mix_scopes: bool = False
) -> pd.DataFrame:
    """Each disclosure's key figures against the year before: one row per department × year × kind × scope × concept.

    ``figures`` is ``key_figures`` output. The prior value is, first, the 本年 figure of the same department's
    disclosure for Y − 1 of the same kind and scope (``prior_source`` "disclosure"; ``prior_disclosure`` and
    ``prior_doc_id`` name it), else the narrative's own 上年 figure (``prior_source`` "上年 fact"). A 决算 is never
    compared with a 预算, nor a 部门 with a 单位, unless ``mix_kinds`` / ``mix_scopes`` (then ``prior_kind`` and
    ``prior_scope`` say what it was compared with, the same kind and scope preferred). ``stated_prior`` carries the
    narrative's 上年 value when it has one, and ``prior_gap`` = prior_value − stated_prior shows where the earlier
    disclosure and the later narrative disagree. Rows without a prior value are kept with the change empty.

    Columns: ``YOY_COLUMNS`` (change_pct in percent).
    """
    fig = figures if concepts is None else figures[figures["concept"].isin(list(concepts))]
    fig = fig.assign(scope_key=fig["scope"].fillna(""))
    like = _like(mix_kinds, mix_scopes)
    current = fig[(fig["period"] == CURRENT) & fig["fiscal_year"].notna()]
    by_year: dict[tuple, list] = {}
    for r in current.itertuples():
        by_year.setdefault((*(getattr(r, c) for c in like), r.concept, int(r.fiscal_year)), []).append(r)
    stated = {
        (r.disclosure, r.scope_key, r.concept): r.value
        for r in fig[(fig["period"] == PRIOR) & fig["consistent"].fillna(True)].itertuples()
    }
    rows = [_yoy_row(r, like, by_year, stated) for r in current.itertuples()]
    out = pd.DataFrame(rows, columns=YOY_COLUMNS)
    for col in ("year", "prior_year"):
        out[col] = out[col].astype("Int64")
    order = {c: i for i, c in enumerate(dict.fromkeys(fig["concept"]))}
    out = out.assign(_o=out["concept"].map(order)).sort_values(["department", "kind", "scope", "_o", "year"])
    return out.drop(columns="_o").reset_index(drop=True)


def _yoy_row(r, like: list[str], by_year: dict, stated: dict) -> dict:
    year = int(r.fiscal_year)
    earlier = by_year.get((*(getattr(r, c) for c in like), r.concept, year - 1))
    stated_prior = stated.get((r.disclosure, r.scope_key, r.concept), float("nan"))
    prior = dict.fromkeys(["prior_disclosure", "prior_doc_id", "prior_kind", "prior_scope"], "")
    if earlier:
        e = _prefer(earlier, r.kind, r.scope_key)
        prior_value, source = e.value, "disclosure"
        prior.update(prior_disclosure=e.disclosure, prior_doc_id=e.doc_id, prior_kind=e.kind, prior_scope=e.scope)
    elif pd.notna(stated_prior):
        prior_value, source = stated_prior, "上年 fact"
        prior.update(prior_disclosure=r.disclosure, prior_doc_id=r.doc_id, prior_kind=r.kind, prior_scope=r.scope)
    else:
        prior_value, source = float("nan"), ""
    change = r.value - prior_value
    return {
        **{
            k: getattr(r, k)
            for k in ("department", "kind", "scope", "concept", "value", "source", "disclosure", "doc_id", "file")
        },
        "year": year,
        "prior_year": year - 1,
        "prior_value": prior_value,
        "prior_source": source,
        **prior,
        "stated_prior": stated_prior,
        "prior_gap": prior_value - stated_prior if source == "disclosure" else float("nan"),
        "change": round(change, 2) if pd.notna(change) else change,
        "change_pct": round(100 * change / prior_value, 2) if pd.notna(change) and prior_value else float("nan"),
    }


SERIES_COLUMNS = [
    "department",
    "kind",
    "scope",
    "concept",
    "fiscal_year",
    "value",
    "period",
    "source",
    "disclosure",
    "doc_id",
    "file",
]


def series(
    figures: pd.DataFrame, concepts: Iterable[str] | None = None, mix_kinds: bool = False, mix_scopes: bool = False
) -> pd.DataFrame:
    """Every value known per department × kind × scope × concept × fiscal year, from any disclosure and either period.

    Where several disclosures speak of one fiscal year (a 2021 document's 本年 and a 2022 document's 上年), the 本年
    figure wins: it is the year's own account. 决算 and 预算, 部门 and 单位 are kept apart unless ``mix_kinds`` /
    ``mix_scopes`` (then one value per year: a 决算 before a 预算, 部门 before its units, and the row's ``kind`` and
    ``scope`` say which it is).

    Columns: ``SERIES_COLUMNS``.
    """
    fig = figures if concepts is None else figures[figures["concept"].isin(list(concepts))]
    fig = fig[fig["fiscal_year"].notna() & fig["consistent"].fillna(True)]
    fig = fig.assign(
        scope_key=fig["scope"].fillna(""),
        _rank=(fig["period"] != CURRENT).astype(int),
        _kind=(fig["kind"] != "决算").astype(int),
        _unit=(fig["scope"].fillna("") != "部门").astype(int),
    )
    key = _like(mix_kinds, mix_scopes) + ["concept", "fiscal_year"]
    fig = fig.sort_values(key + ["_rank", "_kind", "_unit", "disclosure"], kind="stable")
    out = fig.drop_duplicates(key)
    order = {c: i for i, c in enumerate(dict.fromkeys(figures["concept"]))}
    out = out.assign(_o=out["concept"].map(order)).sort_values(["department", "kind", "scope", "_o", "fiscal_year"])
    return out[SERIES_COLUMNS].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------------- cross region

CROSS_COLUMNS = [
    "department_kind",
    "kind",
    "scope",
    "department",
    *_PLACE_COLUMNS,
    "year",
    "concept",
    "value",
    "source",
    "disclosure",
    "doc_id",
    "file",
    "rank",
    "n",
    "median",
    "vs_median",
]


def cross_region(
    figures: pd.DataFrame,
    concepts: Iterable[str] | None = None,
    department_kind: str | None = None,
    year: int | None = None,
    kind: str | None = None,
    scope: str | None = None,
    mix_kinds: bool = False,
    mix_scopes: bool = False,
) -> pd.DataFrame:
    """The same kind of department in different regions, side by side: one row per disclosure × scope × concept
    (本年 only), with the gazetteer's province, city, county and adcode.

    ``department_kind`` keeps one kind of department ("医疗保障局", the name without its place; see
    ``department_kind``); None compares within each kind. ``year``, ``kind`` and ``scope`` keep one fiscal year, one
    kind (决算/预算) and one scope. 决算 and 预算, 部门 and 单位 are never ranked together unless ``mix_kinds`` /
    ``mix_scopes``. Per group: ``rank`` (1 = largest), ``n`` disclosures, their ``median``, ``vs_median``.

    Columns: ``CROSS_COLUMNS``.
    """
    fig = figures[figures["period"] == CURRENT]
    for col, want in (("department_kind", department_kind), ("fiscal_year", year), ("kind", kind), ("scope", scope)):
        if want is not None:
            fig = fig[fig[col] == want]
    if concepts is not None:
        fig = fig[fig["concept"].isin(list(concepts))]
    fig = fig.assign(scope_key=fig["scope"].fillna(""))
    group = ["department_kind", "concept"] + ([] if mix_kinds else ["kind"]) + ([] if mix_scopes else ["scope_key"])
    grouped = fig.groupby(group)["value"]
    out = fig.assign(
        rank=grouped.rank(ascending=False, method="min").astype("Int64"),
        n=grouped.transform("count").astype("Int64"),
        median=grouped.transform("median"),
    )
    out["vs_median"] = (out["value"] / out["median"]).where(out["median"] != 0)
    return out.sort_values(group + ["rank", "disclosure"])[CROSS_COLUMNS].reset_index(drop=True)


def comparable_kinds(figures: pd.DataFrame, concept: str = "支出合计") -> pd.DataFrame:
    """Which department kinds can be compared across regions: per department kind × kind × scope × fiscal year with
    ``concept``, the number of regions (adcodes) and disclosures, most regions first."""
    fig = figures[(figures["period"] == CURRENT) & (figures["concept"] == concept)]
    fig = fig.assign(scope=fig["scope"].fillna(""))
    out = fig.groupby(["department_kind", "kind", "scope", "fiscal_year"], as_index=False).agg(
        regions=("adcode", "nunique"), disclosures=("disclosure", "nunique")
    )
    return out.sort_values(["regions", "disclosures", "department_kind"], ascending=[False, False, True]).reset_index(
        drop=True
    )


def by_region(cross: pd.DataFrame, level: str = "province") -> pd.DataFrame:
    """``cross_region`` rows summarised per province (or city, county) of the gazetteer: per kind, scope, department
    kind, concept and place, the number of disclosures and their median, smallest and largest values, with the
    place's adcode (the province's 6-digit code for level province). Rows without the level are left out."""
    if level not in ("province", "city", "county"):
        raise ValueError(f"level must be province, city or county, not {level!r}")
    c = cross.dropna(subset=[level])
    digits = {"province": 2, "city": 4, "county": 6}[level]
    c = c.assign(code=c["adcode"].str[:digits].str.ljust(6, "0"), scope=c["scope"].fillna(""))
    above = {"province": [], "city": ["province"], "county": ["province", "city"]}[level]
    c = c.assign(**{a: c[a].fillna("") for a in above})
    group = ["kind", "scope", "department_kind", "concept", *above, level, "code"]
    out = c.groupby(group, as_index=False).agg(
        n=("value", "size"), median=("value", "median"), min=("value", "min"), max=("value", "max")
    )
    return out.sort_values(["kind", "scope", "department_kind", "concept", "median"], ascending=[True] * 4 + [False])


# -------------------------------------------------------------------------------------------------------- structure


def structure(figures: pd.DataFrame, splits: Iterable[tuple[str, tuple[str, ...], str]] = SPLITS) -> pd.DataFrame:
    """Each disclosure's spending split into parts (基本/项目, 人员/公用, 三公), with each part's share of the whole.

    The whole is the disclosure's figure for the split's total concept; when it gives none, the sum of the parts
    stands for it (``whole_source`` "Σ parts"). ``gap`` = whole − Σ parts shows a split that does not add up (a 决算
    whose 基本 + 项目 falls short of 支出合计 spends on something else: 上缴上级, 经营 …). Splits with no part known
    are left out; a missing part is left out, not taken as 0.

    Columns: disclosure, department, region, year, kind, scope, split, part, value, source, whole, whole_source,
    share (percent), gap.
    """
    cur = figures[figures["period"] == CURRENT].assign(scope_key=lambda f: f["scope"].fillna(""))
    rows = []
    for _, fig in cur.groupby(["disclosure", "scope_key"], sort=True):
        val = dict(zip(fig["concept"], fig["value"]))
        src = dict(zip(fig["concept"], fig["source"]))
        first = fig.iloc[0]
        for split, parts, whole_key in splits:
            known = [p for p in parts if p in val]
            if not known:
                continue
            total = sum(val[p] for p in known)
            whole, whole_source = (val[whole_key], src[whole_key]) if whole_key in val else (total, "Σ parts")
            for p in known:
                rows.append(
                    {
                        **{k: first[k] for k in ("disclosure", "department", "region", "year", "kind", "scope")},
                        "split": split,
                        "part": p,
                        "value": val[p],
                        "source": src[p],
                        "whole": whole,
                        "whole_source": whole_source,
                        "share": round(100 * val[p] / whole, 2) if whole else float("nan"),
                        "gap": round(whole - total, 2),
                    }
                )
    cols = ["disclosure", "department", "region", "year", "kind", "scope", "split", "part", "value", "source"]
    out = pd.DataFrame(rows, columns=cols + ["whole", "whole_source", "share", "gap"])
    out["year"] = out["year"].astype("Int64")
    return out


# ------------------------------------------------------------------------------------------ 功能分类 类/款 shares

_LEVEL_DIGITS = {"类": 3, "款": 5, "项": 7}
_SUBJECT_COLUMNS = ["doc_id", "code", "name", "value", "source", "ref"]


def _subjects_from_cells(cells: pd.DataFrame, docs: pd.DataFrame, digits: int) -> pd.DataFrame:
    """支出合计 per file and 功能分类 code of one level on the file's own basis: table 03 (all funds) where printed,
    else 05."""
    coded = cells[
        (cells["classification"] == "功能分类")
        & (cells["code"].str.len() == digits)
        & (cells["measure"] == "合计")
        & cells["table"].isin(["03", "05"])
    ].merge(docs[["doc_id", "kind"]], on="doc_id")
    coded = coded[coded["basis"] == coded["kind"].map(own_basis)]
    with_03 = set(coded.loc[coded["table"] == "03", "doc_id"])
    hit = coded[(coded["table"] == "03") | ~coded["doc_id"].isin(with_03)].drop_duplicates(["doc_id", "code"])
    return pd.DataFrame(
        {
            "doc_id": hit["doc_id"],
            "code": hit["code"],
            "name": hit["name"],
            "value": hit["value"].astype(float),
            "source": CELLS,
            "ref": hit["table"] + "/" + hit["code"] + "/合计",
        },
        columns=_SUBJECT_COLUMNS,
    )


def _stated_subjects(facts: pd.DataFrame, docs: pd.DataFrame) -> pd.DataFrame:
    stated = facts[
        (facts["subject"] == "科目")
        & (facts["figure"] == "amount")
        & (facts["period"] == CURRENT)
        & facts["code"].fillna("").str.fullmatch(r"\d+")
    ].merge(docs[["doc_id", "kind"]], on="doc_id")
    stated = stated[stated["basis"] == stated["kind"].map(own_basis)]
    return stated.sort_values(["doc_id", "page", "line"], kind="stable").drop_duplicates(["doc_id", "code"])


def _subjects_from_facts(facts: pd.DataFrame, docs: pd.DataFrame, digits: int) -> pd.DataFrame:
    """Cited subjects' amounts per file at one level; a code the narrative does not state is summed from the level
    below."""
    stated = _stated_subjects(facts, docs)
    below = None
    for d in (7, 5, 3):
        own = stated[stated["code"].str.len() == d]
        level = pd.DataFrame(
            {
                "doc_id": own["doc_id"],
                "code": own["code"],
                "value": own["value"].astype(float),
                "source": FACTS,
                "ref": [_where(p, None) for p in own["page"]],
            }
        )
        if below is not None and len(below):
            sums = below.assign(code=below["code"].str[:d]).groupby(["doc_id", "code"], as_index=False)["value"].sum()
            known = set(zip(level["doc_id"], level["code"]))
            sums = sums[[k not in known for k in zip(sums["doc_id"], sums["code"])]]
            level = pd.concat(
                [level, sums.assign(source=f"{FACTS} (Σ {'项' if d == 5 else '款'})", ref="")], ignore_index=True
            )
        if d == digits:
            return level.assign(name="")[_SUBJECT_COLUMNS]
        below = level
    raise ValueError(f"no level of {digits} digits")


def _standard_names(codes: Iterable[str]) -> dict[str, str]:
    from .codes import default_catalog

    entries = default_catalog().entries
    hit = entries[(entries["classification"] == "功能分类") & entries["code"].isin(list(codes))]
    hit = hit.sort_values("first_edition").drop_duplicates("code", keep="last")
    return dict(zip(hit["code"], hit["name"]))


SHARE_COLUMNS = [
    "disclosure",
    "department",
    "region",
    "year",
    "kind",
    "scope",
    "doc_id",
    "level",
    "code",
    "name",
    "value",
    "source",
    "ref",
    "share",
    "share_of_total",
    "coverage",
]


def functional_shares(
    documents: pd.DataFrame,
    cells: pd.DataFrame,
    facts: pd.DataFrame,
    level: str = "类",
    confirmed=None,
    figures: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Each disclosure's spending per 功能分类 类 (or 款, 项) and its share of the disclosure's spending.

    Values come from the cells (table 03 本年支出合计, else 05) of the disclosure's file that prints them, else from
    the narrative's cited subjects (a subject it does not state is summed from the subjects it states below it,
    source "facts (Σ 项)"). One file per disclosure × scope (the one with tables, else the first narrative).
    ``share`` (percent) is of the sum over the level, ``coverage`` (percent) that sum against the disclosure's
    支出合计 (from ``key_figures``, or ``figures`` when given): 100 for a full table, less where a narrative names
    only some subjects; ``share_of_total`` (percent) is the value against 支出合计. ``name`` is the printed name,
    else the catalog's.

    Columns: ``SHARE_COLUMNS``. Raises ValueError for a level other than 类, 款 or 项.
    """
    if level not in _LEVEL_DIGITS:
        raise ValueError(f"level must be 类, 款 or 项, not {level!r}")
    digits = _LEVEL_DIGITS[level]
    disc = disclosures(documents, confirmed)
    docs = disc[disc["in_panel"]].assign(scope_key=lambda d: d["scope"].fillna(""))
    from_cells = _subjects_from_cells(cells, docs, digits)
    with_cells = set(docs.loc[docs["doc_id"].isin(set(from_cells["doc_id"])), "disclosure"])
    narrative_docs = docs[~docs["disclosure"].isin(with_cells)]
    from_facts = _subjects_from_facts(facts[facts["doc_id"].isin(narrative_docs["doc_id"])], narrative_docs, digits)
    parts = [p for p in (from_cells, from_facts) if len(p)]
    if not parts:
        return pd.DataFrame(columns=SHARE_COLUMNS)
    out = pd.concat(parts, ignore_index=True).merge(docs.drop_duplicates("doc_id"), on="doc_id", how="inner")
    # one file per disclosure × scope: the one with tables, else the first by name
    pick = out.sort_values(["disclosure", "scope_key", "source", "file"]).drop_duplicates(["disclosure", "scope_key"])
    out = out[out["doc_id"].isin(set(pick["doc_id"]))]
    if figures is None:
        figures = key_figures(documents, cells, facts, concepts=("支出合计",), confirmed=confirmed)
    total = figures[(figures["period"] == CURRENT) & (figures["concept"] == "支出合计")]
    totals = dict(zip(zip(total["disclosure"], total["scope"].fillna("")), total["value"]))
    level_sum = out.groupby("doc_id")["value"].transform("sum")
    whole = pd.Series([totals.get(k, np.nan) for k in zip(out["disclosure"], out["scope_key"])], index=out.index)
    out = out.assign(
        level=level,
        share=(100 * out["value"] / level_sum.where(level_sum != 0)).round(2),
        share_of_total=(100 * out["value"] / whole.where(whole != 0)).round(2),
        coverage=(100 * level_sum / whole.where(whole != 0)).round(2),
    )
    missing = out["name"].fillna("").eq("")
    if missing.any():
        names = _standard_names(out.loc[missing, "code"].unique())
        out.loc[missing, "name"] = out.loc[missing, "code"].map(names).fillna("")
    out["name"] = out["name"].fillna("").map(lambda n: strip_ordinal(clean_name(n)))
    out["year"] = out["year"].astype("Int64")
    return out.sort_values(["disclosure", "scope_key", "code"])[SHARE_COLUMNS].reset_index(drop=True)


# --------------------------------------------------------------------------------------------- the tables as printed


def printed_table(cells: pd.DataFrame, doc_id: str, table: str) -> pd.DataFrame:
    """One table of one file laid out as printed, from the cells: a row per printed row (side, code, name), a column
    per measure (with the basis when the table has several), in page order. For a build whose source files are not
    at hand (``Document.table`` reads the source)."""
    c = cells[(cells["doc_id"] == doc_id) & (cells["table"] == table)]
    if not len(c):
        raise KeyError(f"document {doc_id} has no cells in table {table}")
    c = c.sort_values(["page", "top", "line", "x0"], kind="stable", na_position="last")
    bases = c["basis"].dropna().unique()
    column = c["measure"] + (" " + c["basis"].fillna("") if len(bases) > 1 else "")
    keys = ["side", "code", "name"]
    rows = c[keys].fillna("").astype(str).agg("\t".join, axis=1)
    wide = (
        pd.DataFrame({"_row": rows, "_column": column, "value": c["value"]})
        .pivot_table(index="_row", columns="_column", values="value", aggfunc="first", sort=False)
        .reindex(index=list(dict.fromkeys(rows)), columns=list(dict.fromkeys(column)))
    )
    head = pd.DataFrame([r.split("\t") for r in wide.index], columns=keys)
    head = head.loc[:, [k for k in keys if head[k].ne("").any()]]
    return pd.concat([head, wide.reset_index(drop=True)], axis=1).rename_axis(columns=None)


# ------------------------------------------------------------------------------------------------------- findings


def findings_summary(documents: pd.DataFrame, findings: pd.DataFrame) -> pd.DataFrame:
    """Findings counted per document × check × severity, with the department; documents without findings kept.

    Columns: doc_id, file, department, year, status, check, severity, n, largest (the largest |difference| in 万元).
    """
    docs = disclosures(documents)[["doc_id", "file", "department", "year", "status"]].drop_duplicates("doc_id")
    f = findings.assign(absdiff=findings["difference"].abs())
    counts = f.groupby(["doc_id", "check", "severity"], as_index=False).agg(
        n=("check", "size"), largest=("absdiff", "max")
    )
    out = docs.merge(counts, on="doc_id", how="left")
    out["n"] = out["n"].fillna(0).astype(int)
    out[["check", "severity"]] = out[["check", "severity"]].fillna("")
    return out.sort_values(["file", "severity", "check"]).reset_index(drop=True)


def findings_by_page(documents: pd.DataFrame, findings: pd.DataFrame, severities=("error", "warning")) -> pd.DataFrame:
    """Findings of the given severities per file × page × check, with the evidence of the first and the largest
    |difference|: where in the source to look.

    Columns: file, page, check, severity, n, largest, evidence, doc_id.
    """
    f = findings[findings["severity"].isin(list(severities))]
    f = f.merge(documents[["doc_id", "file"]].drop_duplicates("doc_id"), on="doc_id")
    f = f.assign(absdiff=f["difference"].abs())
    out = f.groupby(["file", "page", "check", "severity", "doc_id"], as_index=False, dropna=False).agg(
        n=("check", "size"), largest=("absdiff", "max"), evidence=("evidence", "first")
    )
    out["page"] = out["page"].astype("Int64")
    return out.sort_values(["file", "page", "check"])[
        ["file", "page", "check", "severity", "n", "largest", "evidence", "doc_id"]
    ].reset_index(drop=True)


def checks_summary(checks: pd.DataFrame) -> pd.DataFrame:
    """The ledger per check: how many times it passed, failed or could not be checked, and the most common reason
    it was not (columns: check, passed, failed, not_checked, reason)."""
    counts = checks.pivot_table(index="check", columns="outcome", values="doc_id", aggfunc="size", fill_value=0)
    counts = counts.reindex(columns=["passed", "failed", "not_checked"], fill_value=0)
    not_checked = checks[checks["outcome"] == "not_checked"]
    reason = not_checked.groupby("check")["reason"].agg(
        lambda s: s.value_counts().index[0] if s.notna().any() else pd.NA
    )
    out = counts.assign(reason=reason.reindex(counts.index)).reset_index()
    return out.sort_values(["not_checked", "failed", "check"], ascending=[False, False, True]).reset_index(drop=True)


__all__ = [
    "CELLS",
    "CURRENT",
    "EMPTY_TABLE",
    "FACTS",
    "FIGURE_COLUMNS",
    "KEY_FIGURES",
    "PRIOR",
    "SPLITS",
    "by_region",
    "cell_refs",
    "checks_summary",
    "comparable_kinds",
    "cross_region",
    "default_clean_dir",
    "default_raw_dir",
    "department_kind",
    "department_matches",
    "disclosures",
    "findings_by_page",
    "findings_summary",
    "functional_shares",
    "key_figures",
    "printed_table",
    "read_clean",
    "series",
    "source_file",
    "structure",
    "year_over_year",
]
