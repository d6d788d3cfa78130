"""Helpers the notebooks use: key figures per document, year over year, cross-region comparison, structure and shares.

Every function here is pure: DataFrames of the data contract (§5: ``documents``, ``cells``, ``facts``, ``tables``) in,
one tidy DataFrame out. A figure comes from the tables (``cells``) where the document prints them, else from the
narrative (``facts``), and every output row says which (``source``) and where exactly (``ref``: table/row/measure for
cells, the sentence for facts), so a number in a chart can be traced to the page it came from.

Which cells hold which figure is not repeated here: ``juesuan/data/fact_keys.csv`` already maps each narrative key to
the cells it restates (``03/合计/本年支出合计`` …), and the same map decides where a key figure is read from.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pandas as pd

from .schema import TABLES, conform
from .textnorm import clean_name, strip_ordinal

CURRENT, PRIOR = "本年", "上年"
CELLS, FACTS, EMPTY_TABLE = "cells", "facts", "empty_table"

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

FIGURE_COLUMNS = [
    "doc_id",
    "department",
    "region",
    "year",
    "kind",
    "period",
    "fiscal_year",
    "key",
    "value",
    "unit",
    "source",
    "table",
    "ref",
    "derived",
    "n_values",
    "sentence",
]


# --------------------------------------------------------------------------------------------------------- loading


def default_clean_dir() -> Path:
    """The data/clean/ folder of this checkout (``$JUESUAN_CLEAN`` overrides), found from the package, not the cwd."""
    env = os.environ.get("JUESUAN_CLEAN")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[1] / "data" / "clean"


def _check_version(folder: Path) -> None:
    """A build of another contract version is not read as this one (CHANGELOG.md says what changed)."""
    import json

    from .schema import SCHEMA_VERSION

    package = folder / "datapackage.json"
    if not package.is_file():
        return  # the CSVs alone (copied elsewhere): their columns are checked below
    version = json.loads(package.read_text(encoding="utf-8")).get("juesuan_schema_version")
    if version != SCHEMA_VERSION:
        raise ValueError(
            f"{folder} was built with data contract {version or '1 (before versions were recorded)'}; this juesuan "
            f"reads contract {SCHEMA_VERSION}: run `juesuan build` again (CHANGELOG.md says what changed)"
        )


def read_clean(folder: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """The CSVs ``juesuan build`` wrote (documents, tables, cells, facts, findings, dropped) with the contract's dtypes.

    Codes stay strings (``"210"``, never 210.0). Raises FileNotFoundError naming the folder when a CSV is missing,
    and ValueError when a CSV lacks a column the contract now has (written by an older juesuan: rebuild it).
    """
    folder = Path(folder) if folder is not None else default_clean_dir()
    _check_version(folder)
    out = {}
    for name, fields in TABLES.items():
        path = folder / f"{name}.csv"
        if not path.is_file():
            raise FileNotFoundError(f"{path} not found: run `juesuan build` to write {folder}")
        strings = {f.name: str for f in fields if f.type == "string"}
        df = pd.read_csv(
            path,
            encoding="utf-8-sig",
            dtype=strings,
            keep_default_na=False,
            na_values={f.name: [""] for f in fields if f.type != "string"},
        )
        for f in fields:
            if f.type == "boolean" and f.name in df:
                df[f.name] = df[f.name].map({"True": True, "False": False, True: True, False: False})
        try:
            out[name] = conform(df, name)
        except KeyError as err:
            raise ValueError(
                f"{path}: {err.args[0]}; it was written by an older juesuan: run `juesuan build` again"
            ) from err
    return out


@lru_cache(maxsize=1)
def _cell_refs() -> dict[str, list[tuple[str, ...]]]:
    """Concept → the cells (table, side, item, measure[, basis]) that hold it, in order of preference
    (fact_keys.csv; figures of cited subjects are left out)."""
    with resources.files("juesuan").joinpath("data/fact_keys.csv").open(encoding="utf-8") as fh:
        keys = pd.read_csv(fh, dtype=str, keep_default_na=False)
    refs: dict[str, list[tuple[str, ...]]] = {}
    for row in keys.itertuples():
        if row.basis or row.subject:
            continue  # a budget figure or a cited subject's: not a key figure of the document
        parts = [tuple(r.split("/")) for r in row.cells.split(";") if r and "{" not in r]
        refs.setdefault(row.concept, []).extend(parts)
    return refs


def _refs_for(kind: str, refs: list[tuple[str, ...]]) -> list[tuple[str, str, str, str, str]]:
    """The cells of a key figure on the document's own basis (a 预算 reads 预算 cells, a 决算 决算 ones)."""
    basis = "预算" if kind == "预算" else "决算"
    return [(t, side, item, measure, fixed[0] if fixed else basis) for t, side, item, measure, *fixed in refs]


# ----------------------------------------------------------------------------------------------------- key figures


def department_kind(department: str, region: str = "") -> str:
    """The kind of department without its region: "株洲市石峰区医疗保障局" → "医疗保障局".

    ``region`` is the documents row's region; when empty or not a prefix, the name is returned whole.
    """
    department = clean_name(department)
    region = clean_name(region)
    if region and department.startswith(region) and len(department) > len(region):
        return department[len(region) :]
    return department


_department_kind_of = department_kind  # for functions whose parameter is called department_kind


def _region_prefix(department: str, parts: tuple) -> str:
    """The region a department's name starts with, as printed ("株洲市石峰区" of 株洲市石峰区医疗保障局), from the
    gazetteer's province/city/county of the document."""
    province, city, county = (p if isinstance(p, str) else "" for p in parts)
    for prefix in (province + city + county, city + county, province + county, county, province + city, city, province):
        if prefix and department.startswith(prefix):
            return prefix
    return ""


def _doc_frame(documents: pd.DataFrame) -> pd.DataFrame:
    """One row per document: its canonical department (aliases resolved) and the region its name is printed with."""
    docs = documents[["doc_id", "department", "department_norm", "province", "city", "county", "year", "kind"]].copy()
    docs["department"] = docs["department_norm"].fillna(docs["department"]).fillna("").map(clean_name)
    docs["region"] = [
        _region_prefix(d, parts)
        for d, parts in zip(docs["department"], docs[["province", "city", "county"]].itertuples(index=False))
    ]
    return docs[["doc_id", "department", "region", "year", "kind"]].drop_duplicates("doc_id")


def _value_from_cells(index: dict[tuple, dict], doc_id: str, refs: list[tuple[str, ...]]) -> dict | None:
    for ref in refs:
        r = index.get((doc_id, *ref))
        if r is not None:
            table, side, item, measure, basis = ref
            return {
                "value": float(r["value"]),
                "source": CELLS,
                "table": table,
                "ref": f"{table}/{side + '/' if side else ''}{item}/{measure} {basis} (page {r['page']})",
                "derived": False,
                "n_values": r["n_values"],
                "sentence": "",
            }
    return None


def _cell_index(cells: pd.DataFrame, refs: dict[str, list[tuple[str, ...]]]) -> dict[tuple, dict]:
    """(doc_id, table, side, item, measure, basis) → the first such cell, for the cells any key figure is read from."""
    wanted = {r for rs in refs.values() for r in rs}
    c = cells[cells["table"].isin({r[0] for r in wanted}) & cells["code"].isna()]
    c = c.assign(_side=c["side"].fillna(""), _item=c["item"].fillna(""))
    keys = ["doc_id", "table", "_side", "_item", "measure", "basis"]
    hit = [tuple(k) in wanted for k in c[keys[1:]].itertuples(index=False, name=None)]
    c = c[pd.Series(hit, index=c.index, dtype=bool)]
    c = c.assign(n_values=c.groupby(keys)["value"].transform("nunique")).drop_duplicates(keys)
    return {
        tuple(k): r
        for k, r in zip(c[keys].itertuples(index=False, name=None), c[["value", "page", "n_values"]].to_dict("records"))
    }


def _fact_index(facts: pd.DataFrame, keys: list[str]) -> dict[tuple, dict]:
    """(doc_id, concept, period) → the first stated (else derived) amount about the whole department, in reading
    order, with ``n_values``, the number of distinct values the narrative offers for it."""
    f = facts[
        facts["concept"].isin(keys)
        & (facts["figure"] == "amount")
        & (facts["subject"] == "部门")
        & (facts["basis"].isin(["决算", "预算"]))
    ]
    f = f.assign(_derived=f["derived"].fillna(False).astype(bool), _line=f["line"].fillna(0))
    f = f.sort_values(["doc_id", "concept", "period", "_derived", "page", "_line"], kind="stable")
    group = ["doc_id", "concept", "period"]
    f = f.assign(n_values=f["value"].round(2).groupby([f[c] for c in group]).transform("nunique"))
    f = f.drop_duplicates(group)
    records = f[["value", "page", "_line", "_derived", "n_values", "sentence"]].to_dict("records")
    return {
        k: {
            "value": float(r["value"]),
            "source": FACTS,
            "table": "",
            "ref": f"page {r['page']}" + (f", line {int(r['_line'])}" if r["_line"] else ""),
            "derived": bool(r["_derived"]),
            "n_values": int(r["n_values"]),
            "sentence": r["sentence"],
        }
        for k, r in zip(f[group].itertuples(index=False, name=None), records)
    }


def key_figures(
    documents: pd.DataFrame,
    cells: pd.DataFrame,
    facts: pd.DataFrame,
    tables: pd.DataFrame | None = None,
    keys: Iterable[str] = KEY_FIGURES,
) -> pd.DataFrame:
    """One row per document × key × period: the key figures (万元) and where each came from.

    Period 本年 comes from the cells where the document prints the table that holds the key (fact_keys.csv says
    which; a 预算 reads them under their 预算 names), else from the narrative's facts, else — when that table is
    printed empty ("故本表无数据") — it is 0 with source ``empty_table``. Period 上年 comes from the narrative only (facts with period 上年, stated or derived from
    a stated change). ``fiscal_year`` is the year the figure is about (year − 1 for 上年). ``n_values`` > 1 says the
    source offered several different values for the key; the first in reading order is kept.

    Columns: ``FIGURE_COLUMNS``. Raises KeyError when an input lacks a contract column.
    """
    keys = list(keys)
    by_kind = {kind: {k: _refs_for(kind, _cell_refs().get(k, [])) for k in keys} for kind in ("决算", "预算")}
    docs = _doc_frame(documents)
    index = _cell_index(cells, {f"{kind}{k}": r for kind, refs in by_kind.items() for k, r in refs.items()})
    empty = set()
    if tables is not None and len(tables):
        empty = set(
            zip(
                tables.loc[tables["empty"].fillna(False).astype(bool), "doc_id"],
                tables.loc[tables["empty"].fillna(False).astype(bool), "table"],
            )
        )
    stated = _fact_index(facts, keys)
    rows = []
    for doc in docs.itertuples():
        refs = by_kind["预算" if doc.kind == "预算" else "决算"]
        for key in keys:
            key_refs = refs[key]
            for period in (CURRENT, PRIOR):
                hit = _value_from_cells(index, doc.doc_id, key_refs) if period == CURRENT else None
                if hit is None:
                    hit = stated.get((doc.doc_id, key, period))
                if hit is None and period == CURRENT:
                    printed_empty = [r[0] for r in key_refs if (doc.doc_id, r[0]) in empty]
                    if printed_empty:
                        hit = {
                            "value": 0.0,
                            "source": EMPTY_TABLE,
                            "table": printed_empty[0],
                            "ref": f"table {printed_empty[0]} printed empty",
                            "derived": True,
                            "n_values": 1,
                            "sentence": "",
                        }
                if hit is None:
                    continue
                year = doc.year if pd.notna(doc.year) else pd.NA
                rows.append(
                    {
                        "doc_id": doc.doc_id,
                        "department": doc.department,
                        "region": doc.region,
                        "year": year,
                        "kind": doc.kind,
                        "period": period,
                        "fiscal_year": year if period == CURRENT or pd.isna(year) else year - 1,
                        "key": key,
                        "unit": "万元",
                        **hit,
                    }
                )
    out = pd.DataFrame(rows, columns=FIGURE_COLUMNS)
    for col in ("year", "fiscal_year", "n_values"):
        out[col] = out[col].astype("Int64")
    out["value"] = out["value"].astype(float)
    return out


# -------------------------------------------------------------------------------------------------- year over year


def department_groups(departments: Iterable[str], regions: Iterable[str] = ()) -> dict[str, str]:
    """Department name → the name its group is known by, so one department printed two ways compares with itself.

    Names match after whitespace and bracket width are normalised; a shorter name that ends another ("石峰区医疗保障局"
    within "株洲市石峰区医疗保障局") joins it only when it still names a region of its own, so the bare kind
    "医疗保障局" never swallows every region's bureau. The longest spelling names the group.
    """
    names = sorted({clean_name(d) for d in departments if d}, key=len, reverse=True)
    region_of_name = dict(zip((clean_name(d) for d in departments), (clean_name(r) for r in regions)))
    groups: dict[str, str] = {}
    by_suffix: dict[str, str] = {}  # every ending of a group's name → the first group with that ending
    for name in names:
        own_region = region_of_name.get(name, "")
        joins = own_region and department_kind(name, own_region) != name
        target = by_suffix.get(name, name) if joins else name
        groups[name] = target
        if target == name:
            for i in range(len(name)):
                by_suffix.setdefault(name[i:], name)
    return groups


def year_over_year(figures: pd.DataFrame, keys: Iterable[str] | None = None) -> pd.DataFrame:
    """Each department's key figures against the year before.

    ``figures`` is ``key_figures`` output. For a document of year Y the prior value is, first, the 本年 figure of the
    same department's document for Y − 1 (``prior_source`` "document", ``prior_doc_id`` names it), else the
    narrative's own 上年 figure (``prior_source`` "上年 fact"). A 决算 is compared with 决算 and a 预算 with 预算.
    ``stated_prior`` always carries the narrative's 上年 value when it has one, and ``prior_gap`` = prior_value −
    stated_prior shows where the earlier document and the later narrative disagree. Rows without any prior value are kept with the change empty.

    Columns: department, kind, key, year, value, source, doc_id, prior_year, prior_value, prior_source, prior_doc_id,
    stated_prior, prior_gap, change, change_pct (percent).
    """
    fig = figures if keys is None else figures[figures["key"].isin(list(keys))]
    groups = department_groups(fig["department"], fig["region"])
    fig = fig.assign(group=fig["department"].map(lambda d: groups.get(clean_name(d), clean_name(d))))
    current = fig[fig["period"] == CURRENT]
    prior = fig[fig["period"] == PRIOR]
    cols = [
        "department",
        "kind",
        "key",
        "year",
        "value",
        "source",
        "doc_id",
        "prior_year",
        "prior_value",
        "prior_source",
        "prior_doc_id",
        "stated_prior",
        "prior_gap",
        "change",
        "change_pct",
    ]
    rows = []
    by_year = {
        (r.group, r.kind, r.key, int(r.fiscal_year)): r
        for r in current.sort_values("doc_id").itertuples()
        if pd.notna(r.fiscal_year)
    }
    stated = {(r.doc_id, r.key): r.value for r in prior.itertuples()}
    for r in current.sort_values(["group", "kind", "key", "fiscal_year"]).itertuples():
        if pd.isna(r.fiscal_year):
            continue
        year = int(r.fiscal_year)
        earlier = by_year.get((r.group, r.kind, r.key, year - 1))
        stated_prior = stated.get((r.doc_id, r.key), float("nan"))
        if earlier is not None:
            prior_value, prior_source, prior_doc = earlier.value, "document", earlier.doc_id
        elif pd.notna(stated_prior):
            prior_value, prior_source, prior_doc = stated_prior, "上年 fact", r.doc_id
        else:
            prior_value, prior_source, prior_doc = float("nan"), "", ""
        change = r.value - prior_value
        rows.append(
            {
                "department": r.group,
                "kind": r.kind,
                "key": r.key,
                "year": year,
                "value": r.value,
                "source": r.source,
                "doc_id": r.doc_id,
                "prior_year": year - 1,
                "prior_value": prior_value,
                "prior_source": prior_source,
                "prior_doc_id": prior_doc,
                "stated_prior": stated_prior,
                "prior_gap": prior_value - stated_prior if prior_source == "document" else float("nan"),
                "change": round(change, 2) if pd.notna(change) else change,
                "change_pct": round(100 * change / prior_value, 2)
                if pd.notna(change) and prior_value
                else float("nan"),
            }
        )
    out = pd.DataFrame(rows, columns=cols)
    for col in ("year", "prior_year"):
        out[col] = out[col].astype("Int64")
    return out


def series(figures: pd.DataFrame, keys: Iterable[str] | None = None) -> pd.DataFrame:
    """Every value known per department × key × fiscal year, from any document and either period.

    Where several documents speak of one fiscal year (a 2021 document's 本年 and a 2022 document's 上年), the 本年
    figure wins: it is the year's own account. 决算 and 预算 figures are kept apart.
    Columns: department, kind, key, fiscal_year, value, period, source, doc_id.
    """
    fig = figures if keys is None else figures[figures["key"].isin(list(keys))]
    groups = department_groups(fig["department"], fig["region"])
    fig = fig.assign(
        department=fig["department"].map(lambda d: groups.get(clean_name(d), clean_name(d))),
        _rank=(fig["period"] != CURRENT).astype(int),
    )
    fig = fig.dropna(subset=["fiscal_year"]).sort_values(
        ["department", "kind", "key", "fiscal_year", "_rank", "doc_id"]
    )
    out = fig.drop_duplicates(["department", "kind", "key", "fiscal_year"])
    return out[["department", "kind", "key", "fiscal_year", "value", "period", "source", "doc_id"]].reset_index(
        drop=True
    )


# ---------------------------------------------------------------------------------------------------- cross region


def cross_region(
    figures: pd.DataFrame,
    keys: Iterable[str] | None = None,
    department_kind: str | None = None,
    year: int | None = None,
) -> pd.DataFrame:
    """The same kind of department in different regions, side by side, one row per document × key (本年 only).

    ``department_kind`` keeps one kind of department ("医疗保障局", the name without its region); None keeps all and
    compares within each kind. ``year`` keeps the documents of one fiscal year (else documents of different years are
    compared as they are). 决算 and 预算 documents are never ranked together. Per document kind, department kind and
    key: ``rank`` (1 = largest), ``n`` documents, their ``median``, and ``vs_median`` = value / median.

    Columns: department_kind, kind, department, region, year, key, value, source, doc_id, rank, n, median, vs_median.
    """
    fig = figures[figures["period"] == CURRENT]
    if keys is not None:
        fig = fig[fig["key"].isin(list(keys))]
    fig = fig.assign(department_kind=[_department_kind_of(d, r) for d, r in zip(fig["department"], fig["region"])])
    if department_kind is not None:
        fig = fig[fig["department_kind"] == department_kind]
    if year is not None:
        fig = fig[fig["fiscal_year"] == year]
    group = ["kind", "department_kind", "key"]
    grouped = fig.groupby(group)["value"]
    out = fig.assign(
        rank=grouped.rank(ascending=False, method="min").astype("Int64"),
        n=grouped.transform("count").astype("Int64"),
        median=grouped.transform("median"),
    )
    out["vs_median"] = (out["value"] / out["median"]).where(out["median"] != 0)
    cols = [
        "department_kind",
        "kind",
        "department",
        "region",
        "year",
        "key",
        "value",
        "source",
        "doc_id",
        "rank",
        "n",
        "median",
        "vs_median",
    ]
    return out[cols].sort_values(group + ["rank", "doc_id"]).reset_index(drop=True)


def structure(figures: pd.DataFrame, splits: Iterable[tuple[str, tuple[str, ...], str]] = SPLITS) -> pd.DataFrame:
    """Each document's spending split into parts (基本/项目, 人员/公用, 三公), with each part's share of the whole.

    The whole is the document's figure for the split's total key; when the document gives none, the sum of the
    parts stands for it (``whole_source`` "Σ parts"). ``gap`` = whole − Σ parts shows a split that does not add up
    (a 决算 whose 基本 + 项目 falls short of 支出合计 spends on something else: 上缴上级, 经营 …). Splits with no part
    known are left out; a missing part is left out, not taken as 0.

    Columns: doc_id, department, region, year, split, part, value, source, whole, whole_source, share (percent), gap.
    """
    cur = figures[figures["period"] == CURRENT]
    rows = []
    for doc_id, fig in cur.groupby("doc_id", sort=True):
        val = dict(zip(fig["key"], fig["value"]))
        src = dict(zip(fig["key"], fig["source"]))
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
                        "doc_id": doc_id,
                        "department": first["department"],
                        "region": first["region"],
                        "year": first["year"],
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
    cols = [
        "doc_id",
        "department",
        "region",
        "year",
        "split",
        "part",
        "value",
        "source",
        "whole",
        "whole_source",
        "share",
        "gap",
    ]
    out = pd.DataFrame(rows, columns=cols)
    out["year"] = out["year"].astype("Int64")
    return out


# ------------------------------------------------------------------------------------------ 功能分类 类/款 shares

_LEVEL_DIGITS = {"类": 3, "款": 5, "项": 7}


_SUBJECT_COLUMNS = ["doc_id", "code", "name", "value", "source", "ref"]


def _subjects_from_cells(cells: pd.DataFrame, digits: int) -> pd.DataFrame:
    """本年支出合计 per document and 功能分类 code of one level: table 03 (all funds) where printed, else 05."""
    coded = cells[
        (cells["classification"] == "功能分类")
        & (cells["code"].str.len() == digits)
        & (cells["measure"] == "合计")
        & cells["basis"].isin(["决算", "预算"])
        & cells["table"].isin(["03", "05"])
    ]
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


def _subjects_from_facts(facts: pd.DataFrame, digits: int) -> pd.DataFrame:
    """科目决算 facts per document at one level; a code the narrative does not state is summed from the level below."""
    stated = facts[
        (facts["subject"] == "科目")
        & (facts["figure"] == "amount")
        & facts["basis"].isin(["决算", "预算"])
        & (facts["period"] == CURRENT)
        & facts["code"].fillna("").str.fullmatch(r"\d+")
    ]
    stated = stated.sort_values(["doc_id", "page", "line"], kind="stable").drop_duplicates(["doc_id", "code"])
    below = None
    for d in (7, 5, 3):
        own = stated[stated["code"].str.len() == d]
        level = pd.DataFrame(
            {
                "doc_id": own["doc_id"],
                "code": own["code"],
                "value": own["value"].astype(float),
                "source": FACTS,
                "ref": "page " + own["page"].astype(str),
            }
        )
        if below is not None and len(below):
            sums = below.assign(code=below["code"].str[:d]).groupby(["doc_id", "code"], as_index=False)["value"].sum()
            known = set(zip(level["doc_id"], level["code"]))
            sums = sums[
                pd.Series([k not in known for k in zip(sums["doc_id"], sums["code"])], index=sums.index, dtype=bool)
            ]
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


def functional_shares(
    documents: pd.DataFrame, cells: pd.DataFrame, facts: pd.DataFrame, level: str = "类"
) -> pd.DataFrame:
    """Each document's spending per 功能分类 类 (or 款, 项) and its share of the document's spending.

    Values come from the cells (table 03 本年支出合计, else 05) when the document prints them, else from the
    narrative's 科目决算 facts (a subject it does not state is summed from the subjects it states below it, source
    "facts (Σ 项)"). ``share`` (percent) is of the sum over the level in that document, and ``coverage`` (percent) is
    that sum against the document's 支出合计 (from ``key_figures``): 100 for a full table, less where a narrative
    names only some subjects; ``share_of_total`` (percent) is the value against 支出合计, so shares of a partial
    narrative do not pass for the whole. ``name`` is the printed name, else the catalog's.

    Columns: doc_id, department, region, year, level, code, name, value, source, ref, share, share_of_total, coverage.
    Raises ValueError for a level other than 类, 款 or 项.
    """
    if level not in _LEVEL_DIGITS:
        raise ValueError(f"level must be 类, 款 or 项, not {level!r}")
    digits = _LEVEL_DIGITS[level]
    totals = key_figures(documents, cells, facts, keys=("支出合计",))
    totals = dict(
        zip(totals.loc[totals["period"] == CURRENT, "doc_id"], totals.loc[totals["period"] == CURRENT, "value"])
    )
    from_cells = _subjects_from_cells(cells, digits)
    from_facts = _subjects_from_facts(facts[~facts["doc_id"].isin(set(from_cells["doc_id"]))], digits)
    cols = [
        "doc_id",
        "department",
        "region",
        "year",
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
    parts = [p for p in (from_cells, from_facts) if len(p)]
    if not parts:
        return pd.DataFrame(columns=cols)
    out = pd.concat(parts, ignore_index=True).merge(_doc_frame(documents), on="doc_id", how="inner")
    level_sum = out.groupby("doc_id")["value"].transform("sum")
    total = out["doc_id"].map(totals).astype(float)
    out = out.assign(
        level=level,
        share=(100 * out["value"] / level_sum.where(level_sum != 0)).round(2),
        share_of_total=(100 * out["value"] / total.where(total != 0)).round(2),
        coverage=(100 * level_sum / total.where(total != 0)).round(2),
    )[cols]
    missing = out["name"].eq("")
    if missing.any():
        names = _standard_names(out.loc[missing, "code"].unique())
        out.loc[missing, "name"] = out.loc[missing, "code"].map(names).fillna("")
    out["name"] = out["name"].map(lambda n: strip_ordinal(clean_name(n)))
    out["year"] = out["year"].astype("Int64")
    return out.sort_values(["doc_id", "code"]).reset_index(drop=True)


# ------------------------------------------------------------------------------------------------------- findings


def findings_summary(documents: pd.DataFrame, findings: pd.DataFrame) -> pd.DataFrame:
    """Findings counted per document × check × severity, with the department; documents without findings kept.

    Columns: doc_id, department, year, status, check, severity, n, largest (the largest |difference| in 万元).
    """
    docs = _doc_frame(documents).merge(documents[["doc_id", "status"]], on="doc_id")
    f = findings.assign(absdiff=findings["difference"].abs())
    counts = f.groupby(["doc_id", "check", "severity"], as_index=False).agg(
        n=("check", "size"), largest=("absdiff", "max")
    )
    out = docs[["doc_id", "department", "year", "status"]].merge(counts, on="doc_id", how="left")
    out["n"] = out["n"].fillna(0).astype(int)
    out[["check", "severity"]] = out[["check", "severity"]].fillna("")
    return out.sort_values(["doc_id", "severity", "check"]).reset_index(drop=True)


__all__ = [
    "CELLS",
    "CURRENT",
    "EMPTY_TABLE",
    "FACTS",
    "KEY_FIGURES",
    "PRIOR",
    "SPLITS",
    "cross_region",
    "default_clean_dir",
    "department_groups",
    "department_kind",
    "findings_summary",
    "functional_shares",
    "key_figures",
    "read_clean",
    "series",
    "structure",
    "year_over_year",
]
