"""The catalog of budget classification subjects: code → level, parent, standard name, per edition year.

No public machine-readable catalog of 《政府收支分类科目》 exists, so the catalog is kept as CSV under data/:

- functional_classes.csv   支出功能分类 类 (the 26 classes and their older names)
- functional.csv           支出功能分类 款 and 项 (full for 210; the 款/项 county departments use for 201, 204, 205,
                           207, 208, 212, 213, 221, 224, 229; 款 only for several other classes)
- economic.csv             部门预算支出经济分类 类/款 (301 …, as reformed in the 2018 edition)
- government_economic.csv  政府预算支出经济分类 类/款 (501 …)

Each row holds one name of one code over a range of editions: ``first_edition`` (the earliest edition the row is
vouched for; 2019 is the floor of what was checked, so 2019 may mean "2019 or earlier") and ``last_edition`` (blank:
no known end). ``source`` says where the row comes from and ``certain`` is false for rows recalled without a way to
check them, or learnt from a single document. Level and parent are derived from the code, never stored.

Everything here is a pure function of a ``Catalog``; the package catalog is the default, and ``learn`` returns a new
catalog with document-learnt rows added rather than changing the default.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cached_property, lru_cache
from importlib import resources

import pandas as pd

from ..textnorm import clean_name, match_key, squash
from .shape import (
    ECONOMIC,
    FUNCTIONAL,
    LEVEL_ORDER,
    ancestors_of,
    classification_of,
    join_code,
    level_of,
    parent_of,
)

COLUMNS = [
    "classification",
    "scheme",
    "code",
    "level",
    "parent",
    "name",
    "first_edition",
    "last_edition",
    "source",
    "certain",
]
LOOKUP_COLUMNS = COLUMNS + ["match", "score"]

_FILES = {
    "functional_classes.csv": (FUNCTIONAL, "支出功能分类"),
    "functional.csv": (FUNCTIONAL, "支出功能分类"),
    "economic.csv": (ECONOMIC, "部门预算支出经济分类"),
    "government_economic.csv": (ECONOMIC, "政府预算支出经济分类"),
}


def _scheme_of(code: str, classification: str) -> str:
    if classification == FUNCTIONAL:
        return "支出功能分类"
    return "政府预算支出经济分类" if code.startswith("5") else "部门预算支出经济分类"


def _finish(df: pd.DataFrame) -> pd.DataFrame:
    """Derive level/parent, type the columns and give the rows a stable order."""
    df = df.copy()
    df["code"] = df["code"].astype(str)
    df["level"] = [level_of(c, k) for c, k in zip(df["code"], df["classification"])]
    df["parent"] = [parent_of(c, k) for c, k in zip(df["code"], df["classification"])]
    df["first_edition"] = pd.to_numeric(df["first_edition"]).astype("Int64")
    df["last_edition"] = pd.to_numeric(df["last_edition"].replace("", None)).astype("Int64")
    df["certain"] = df["certain"].map(lambda v: str(v).strip().lower() in ("true", "1", "yes")).astype(bool)
    df = df[COLUMNS].sort_values(["classification", "code", "first_edition"], kind="stable")
    return df.reset_index(drop=True)


@dataclass(frozen=True, eq=False)  # identity hash, so a catalog can key a cache
class Catalog:
    """Catalog rows (columns ``COLUMNS``); one row per name of a code over a range of editions."""

    entries: pd.DataFrame

    def at(self, edition: int | None = None) -> pd.DataFrame:
        """The rows in force in ``edition`` (all rows when ``edition`` is None)."""
        return _in_edition(self.entries, edition)

    # Validation calls rows_for once per printed cell, so rows are grouped once per catalog rather than filtered
    # from the whole frame each time (cached_property writes to __dict__, which a frozen dataclass allows).
    @cached_property
    def _by_code(self) -> dict[str, pd.DataFrame]:
        return {str(code): group for code, group in self.entries.groupby("code", sort=False)}

    @cached_property
    def _by_parent(self) -> dict[str, pd.DataFrame]:
        return {str(code): group for code, group in self.entries.groupby("parent", sort=False)}

    @cached_property
    def _records_by_code(self) -> dict[str, list[dict]]:
        return {code: group.to_dict("records") for code, group in self._by_code.items()}

    @cached_property
    def _records_by_parent(self) -> dict[str, list[dict]]:
        return {code: group.to_dict("records") for code, group in self._by_parent.items()}

    def records_for(self, code: str, classification: str | None = None, edition: int | None = None) -> list[dict]:
        """Like ``rows_for`` as a list of row dicts: the fast path for per-cell checks."""
        return [
            r
            for r in self._records_by_code.get(code, [])
            if (not classification or r["classification"] == classification) and _record_in(r, edition)
        ]

    def child_records(self, code: str, classification: str, edition: int | None = None) -> list[dict]:
        """Like ``children`` as a list of row dicts."""
        return [
            r
            for r in self._records_by_parent.get(code, [])
            if r["classification"] == classification and _record_in(r, edition)
        ]

    def rows_for(self, code: str, classification: str | None = None, edition: int | None = None) -> pd.DataFrame:
        """Rows of one code (of one classification when given) in ``edition`` (all editions when None)."""
        rows = self._by_code.get(code, self.entries.iloc[0:0])
        if classification:
            rows = rows[rows["classification"] == classification]
        return _in_edition(rows, edition)

    def children(self, code: str, classification: str, edition: int | None = None) -> pd.DataFrame:
        """Rows of the codes one level below ``code``."""
        rows = self._by_parent.get(code, self.entries.iloc[0:0])
        return _in_edition(rows[rows["classification"] == classification], edition)


def _record_in(row: dict, edition: int | None) -> bool:
    if edition is None:
        return True
    last = row["last_edition"]
    return row["first_edition"] <= int(edition) and (pd.isna(last) or last >= int(edition))


def _in_edition(rows: pd.DataFrame, edition: int | None) -> pd.DataFrame:
    if edition is None:
        return rows
    edition = int(edition)
    ok = (rows["first_edition"] <= edition) & (rows["last_edition"].isna() | (rows["last_edition"] >= edition))
    return rows[ok.fillna(False).astype(bool)]


@lru_cache(maxsize=1)
def default_catalog() -> Catalog:
    """The catalog shipped with the package (data/*.csv); raises ValueError if a data file breaks the shape rules."""
    frames = []
    for fname, (classification, scheme) in _FILES.items():
        with resources.files(__package__).joinpath(f"data/{fname}").open(encoding="utf-8") as fh:
            df = pd.read_csv(fh, dtype=str, keep_default_na=False)
        df["classification"] = classification
        df["scheme"] = scheme
        df["certain"] = df["certain"] if "certain" in df else "true"
        frames.append(df)
    entries = _finish(pd.concat(frames, ignore_index=True))
    bad = entries[entries["level"] == ""]
    if len(bad):
        raise ValueError(f"catalog rows with a code of unknown shape: {bad['code'].tolist()}")
    return Catalog(entries)


def _catalog(catalog: Catalog | None) -> Catalog:
    return catalog if catalog is not None else default_catalog()


def _code_query(query: str) -> str:
    code = join_code(query)
    return code if classification_of(code) else ""


def _name_score(key: str, name_key: str) -> tuple[str, float]:
    """How a name query matches a catalog name: (kind, score in 0–1), ("", 0) for no match."""
    if key == name_key:
        return "exact", 1.0
    if name_key.startswith(key):
        return "prefix", 0.8 + 0.1 * len(key) / len(name_key)
    if key in name_key:
        return "contains", 0.6 + 0.2 * len(key) / len(name_key)
    if len(key) >= 4:
        ratio = SequenceMatcher(None, key, name_key).ratio()
        if ratio >= 0.7:
            return "fuzzy", 0.6 * ratio
    return "", 0.0


def lookup(query: str, edition: int | None = None, catalog: Catalog | None = None) -> pd.DataFrame:
    """Find catalog entries for a code, a name, part of a name, or a 类/款/项 subject phrase.

    - a code (``"2101501"``, ``"210 15 01"``, ``"301 01"``): the code's rows and its ancestors', 类 first;
      ``match`` is "code" or "ancestor".
    - a subject phrase (``"卫生健康（类）医疗保障管理事务（款）"``): resolved with ``resolve_subject``, then as a code.
    - otherwise a name or part of one: matching rows ranked best first (exact, prefix, contains, fuzzy).

    ``edition`` limits the rows to that edition year; None searches every edition. Returns a DataFrame with columns
    ``LOOKUP_COLUMNS`` (empty when nothing matches). Raises ValueError for an empty query.
    """
    cat = _catalog(catalog)
    text = squash(unicodedata.normalize("NFKC", query or ""))
    if not text:
        raise ValueError("empty query")
    code = _code_query(text)
    if not code and "(类)" in text:
        from .resolve import resolve_subject  # resolve builds on the catalog; imported here to keep one direction

        code = resolve_subject(text, edition, catalog=cat)
    if code:
        classification = classification_of(code)
        chain = ancestors_of(code, classification)
        e = cat.at(edition)
        out = e[(e["classification"] == classification) & e["code"].isin(chain)].copy()
        out["match"] = ["code" if c == code else "ancestor" for c in out["code"]]
        out["score"] = [1.0 if c == code else 0.0 for c in out["code"]]
        out = out.assign(_lv=out["level"].map(LEVEL_ORDER)).sort_values(["_lv", "first_edition"], kind="stable")
        return out[LOOKUP_COLUMNS].reset_index(drop=True)
    key = match_key(text)
    e = cat.at(edition)
    scored = [_name_score(key, match_key(n)) for n in e["name"]]
    out = e.assign(match=[s[0] for s in scored], score=[round(s[1], 3) for s in scored])
    out = out[out["match"] != ""]
    out = out.assign(_lv=out["level"].map(LEVEL_ORDER))
    out = out.sort_values(["score", "_lv", "code", "first_edition"], ascending=[False, True, True, True], kind="stable")
    return out[LOOKUP_COLUMNS].reset_index(drop=True)


def standard_name(code: str, classification: str, edition: int | None = None, catalog: Catalog | None = None) -> str:
    """The catalog name of ``code`` in ``edition`` (the newest name when ``edition`` is None); "" when unknown."""
    rows = _catalog(catalog).records_for(code, classification, edition)
    return str(max(rows, key=lambda r: r["first_edition"])["name"]) if rows else ""


def _editions(row: pd.Series | dict) -> str:
    last = "" if pd.isna(row["last_edition"]) else str(row["last_edition"])
    return f"{row['first_edition']}–{last}"


def check_code(
    code: str, name: str, classification: str, edition: int | None = None, catalog: Catalog | None = None
) -> list[str]:
    """Problems with a printed (code, name) pair against the catalog; an empty list when there are none.

    Reported: a code whose shape does not fit the classification, a code the catalog does not know (at all, under
    this classification, or in this edition), and a printed name that differs from the catalog name (the printed
    name is what the document says and stays as printed; this only flags it). Names are compared loosely
    (``match_key``: whitespace, bracket width and punctuation ignored). Each problem is one sentence.
    """
    cat = _catalog(catalog)
    if not level_of(code, classification):
        shape = "3/5/7" if classification == FUNCTIONAL else "3/5"
        return [f"{code!r} is not a {classification} code ({shape} digits)"]
    rows = cat.records_for(code, classification)
    if not rows:
        other = cat.records_for(code)
        if other:
            return [f"{code} is a {other[0]['classification']} code, not {classification}"]
        return [f"unknown {classification} code {code}"]
    in_force = cat.records_for(code, classification, edition)
    if not in_force:
        known = "; ".join(f"{r['name']} ({_editions(r)})" for r in rows)
        return [f"{code} is not in the {edition} edition of the catalog (known as {known})"]
    printed_name = clean_name(name)
    printed = match_key(printed_name)
    if not printed or printed in {match_key(r["name"]) for r in in_force}:
        return []
    standard = max(in_force, key=lambda r: r["first_edition"])
    where = f"the {edition} edition" if edition is not None else "the catalog"
    message = f"{code} printed as {printed_name!r}; {where} has {standard['name']!r}"
    other_names = [r for r in rows if match_key(r["name"]) == printed]
    child_names = [r for r in cat.child_records(code, classification, edition) if match_key(r["name"]) == printed]
    if other_names:
        message += f" ({printed_name!r} is its name in {_editions(other_names[0])})"
    elif child_names:
        message += f" ({printed_name!r} is the name of its child {child_names[0]['code']})"
    if not standard["certain"]:
        message += " [catalog name uncertain]"
    return [message]


def learn(cells: pd.DataFrame, edition: int, source: str | None = None, catalog: Catalog | None = None) -> Catalog:
    """A new catalog with the codes ``cells`` print that ``catalog`` does not know in ``edition``.

    ``cells`` needs columns classification, code and name (and doc_id, used for the source when ``source`` is not
    given); rows of other classifications or of a code shape that does not fit are skipped (they are findings for the
    validator, not catalog entries). Each new code takes its most frequent printed name (cleaned) and is recorded as
    valid for ``edition`` only, ``certain`` false. Raises KeyError when a needed column is missing.
    """
    cat = _catalog(catalog)
    missing = {"classification", "code", "name"} - set(cells.columns)
    if missing:
        raise KeyError(f"cells lack columns {sorted(missing)}")
    known = set(zip(cat.at(edition)["classification"], cat.at(edition)["code"]))
    new = []
    coded = cells[cells["classification"].isin([FUNCTIONAL, ECONOMIC])]
    for (classification, code), group in coded.groupby(["classification", "code"], sort=True):
        code = str(code)
        if not level_of(code, classification) or (classification, code) in known:
            continue
        names = group["name"].map(clean_name)
        names = names[names != ""]
        if names.empty:
            continue
        doc = ",".join(sorted(set(group["doc_id"].astype(str)))) if "doc_id" in group else "cells"
        new.append(
            {
                "classification": classification,
                "scheme": _scheme_of(code, classification),
                "code": code,
                "name": names.value_counts().index[0],
                "first_edition": edition,
                "last_edition": "",
                "source": source or f"learnt from document {doc}",
                "certain": False,
            }
        )
    if not new:
        return cat
    added = _finish(pd.DataFrame(new).assign(last_edition=edition))
    return Catalog(_finish(pd.concat([cat.entries, added], ignore_index=True)))


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def format_lookup(query: str, edition: int | None = None, limit: int = 30, catalog: Catalog | None = None) -> str:
    """The text ``juesuan codes QUERY`` prints: a small aligned table of ``lookup`` results.

    Columns: code, level, name, editions ("2019–" is open-ended), certain ("yes"/"no"), source. At most ``limit``
    rows, then a line saying how many more. A query with no match gives one line saying so.
    """
    found = lookup(query, edition, catalog)
    if found.empty:
        where = f" in the {edition} edition" if edition is not None else ""
        return f"no catalog entry for {query!r}{where}"
    header = ["code", "level", "name", "editions", "certain", "source"]
    lines = [
        [r["code"], r["level"], r["name"], _editions(r), "yes" if r["certain"] else "no", r["source"]]
        for _, r in found.head(limit).iterrows()
    ]
    widths = [max(_width(str(x)) for x in col) for col in zip(header, *lines)]
    out = ["  ".join(_pad(str(x), w) for x, w in zip(row, widths)).rstrip() for row in [header] + lines]
    if len(found) > limit:
        out.append(f"… {len(found) - limit} more")
    return "\n".join(out)
