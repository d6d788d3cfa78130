"""The catalog of budget classification subjects: code → level, parent, standard name, per edition year.

No official machine-readable 《政府收支分类科目》 could be found, so the catalog is kept as CSV under data/ (see
data/README.md) and merged by ``build`` into a ready-built index (data/index.json) that loads without pandas.

Each row holds one name of one code over a range of editions: ``first_edition`` (the earliest edition the row is
vouched for; for rows recalled from the official editions 2019 (功能分类) or 2018 (经济分类) is the floor of what was
checked, so it may mean "or earlier") and ``last_edition`` (None: no known end). ``basis`` says what the row rests on
("recalled" from an official edition without a copy at hand, "document" when only documents print it, "official" when
read from an official copy), ``source`` says which, with the documents that print it; ``evidence`` counts them.
``certain`` is true only for an official row or a recalled one that a document confirms. ``purpose`` is the 科目说明
where a source gives it (blank otherwise), ``note`` records disagreements between sources.

Everything here is a pure function of a ``Catalog``; the package catalog is the default, and ``learn`` returns a new
catalog with document-learnt rows added rather than changing the default. Per-cell checks (``check_code``,
``standard_name``, ``resolve``) run on plain dicts; pandas is imported only for the DataFrame views.
"""

from __future__ import annotations

import json
import unicodedata
import warnings
from collections import Counter, defaultdict
from collections.abc import Iterable
from difflib import SequenceMatcher
from functools import cached_property, lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from ..textnorm import clean_name, display_width, match_key, squash
from . import build
from .build import COLUMNS, scheme_of
from .shape import ECONOMIC, FUNCTIONAL, LEVEL_ORDER, ancestors_of, classification_of, join_code, level_of, parent_of

if TYPE_CHECKING:
    import pandas as pd

LOOKUP_COLUMNS = COLUMNS + ["match", "score"]
_INT_COLUMNS = ("first_edition", "last_edition")


def _frame(records: Iterable[dict], columns: list[str]) -> pd.DataFrame:
    import pandas as pd

    df = pd.DataFrame(list(records), columns=columns)
    for c in _INT_COLUMNS:
        if c in df:
            df[c] = pd.array(df[c].tolist(), dtype="Int64")
    if "certain" in df:
        df["certain"] = df["certain"].astype(bool)
    if "evidence" in df:
        df["evidence"] = df["evidence"].astype(int)
    return df


def _records_of_frame(df: pd.DataFrame) -> list[dict]:
    import pandas as pd

    out = []
    for r in df.to_dict("records"):
        row = {c: r.get(c, "") for c in COLUMNS}
        for c in _INT_COLUMNS:
            row[c] = None if pd.isna(row[c]) or row[c] == "" else int(row[c])
        row["certain"] = bool(row["certain"]) if row["certain"] != "" else False
        row["evidence"] = int(row["evidence"] or 0)
        for c in COLUMNS:
            if row[c] is None and c not in _INT_COLUMNS:
                row[c] = ""
        row["code"] = str(row["code"])
        row["level"] = row["level"] or level_of(row["code"], row["classification"])
        row["parent"] = row["parent"] or parent_of(row["code"], row["classification"])
        row["scheme"] = row["scheme"] or scheme_of(row["code"], row["classification"])
        out.append(row)
    return out


class Catalog:
    """Catalog rows (dicts with ``COLUMNS``; one per name of a code over a range of editions) and the links between
    subjects across editions (``LINK_COLUMNS``).

    ``Catalog(rows)`` also takes a DataFrame with the columns (as ``entries`` gives), for compatibility. Instances
    hash by identity, so a catalog can key a cache.
    """

    def __init__(self, rows: Iterable[dict] | pd.DataFrame, links: Iterable[dict] = ()):
        if hasattr(rows, "to_dict"):
            rows = _records_of_frame(rows)
        self.records: tuple[dict, ...] = tuple(rows)
        self.links: tuple[dict, ...] = tuple(links)
        by_code: dict[str, list[dict]] = defaultdict(list)
        by_parent: dict[str, list[dict]] = defaultdict(list)
        for r in self.records:
            by_code[r["code"]].append(r)
            by_parent[r["parent"]].append(r)
        self._by_code = dict(by_code)
        self._by_parent = dict(by_parent)

    @cached_property
    def entries(self) -> pd.DataFrame:
        """The rows as a DataFrame (columns ``COLUMNS``; editions Int64, certain bool), built on first use."""
        return _frame(self.records, COLUMNS)

    def at(self, edition: int | None = None) -> pd.DataFrame:
        """The rows in force in ``edition`` (all rows when ``edition`` is None)."""
        if edition is None:
            return self.entries
        return _frame([r for r in self.records if _record_in(r, edition)], COLUMNS)

    def records_for(self, code: str, classification: str | None = None, edition: int | None = None) -> list[dict]:
        """Rows of one code (of one classification when given) in ``edition`` (all editions when None)."""
        return [
            r
            for r in self._by_code.get(code, ())
            if (not classification or r["classification"] == classification) and _record_in(r, edition)
        ]

    def child_records(self, code: str, classification: str, edition: int | None = None) -> list[dict]:
        """Rows of the codes one level below ``code``."""
        return [
            r for r in self._by_parent.get(code, ()) if r["classification"] == classification and _record_in(r, edition)
        ]

    def rows_for(self, code: str, classification: str | None = None, edition: int | None = None) -> pd.DataFrame:
        """Like ``records_for``, as a DataFrame."""
        return _frame(self.records_for(code, classification, edition), COLUMNS)

    def children(self, code: str, classification: str, edition: int | None = None) -> pd.DataFrame:
        """Like ``child_records``, as a DataFrame."""
        return _frame(self.child_records(code, classification, edition), COLUMNS)

    def links_for(self, code: str, classification: str | None = None) -> list[dict]:
        """Links from or to ``code``: renames, and subjects that replaced it or that it replaced."""
        return [
            k
            for k in self.links
            if code in (k["from_code"], k["to_code"]) and (not classification or k["classification"] == classification)
        ]


def _record_in(row: dict, edition: int | None) -> bool:
    if edition is None:
        return True
    last = row["last_edition"]
    return row["first_edition"] <= int(edition) and (last is None or last >= int(edition))


def _load_index() -> tuple[list[dict], list[dict]]:
    texts = build.read_data()
    path = resources.files(__package__).joinpath("data/index.json")
    if path.is_file():
        index = json.loads(path.read_text(encoding="utf-8"))
        if index.get("format") == build.FORMAT and index.get("data_hash") == build.data_hash(texts):
            return build.unpack(index)
        warnings.warn(
            "juesuan.codes: data/index.json is stale (a data CSV changed); rebuilding in memory — "
            "run `python -m juesuan.codes build`",
            stacklevel=3,
        )
    return build.build_rows(texts)


@lru_cache(maxsize=1)
def default_catalog() -> Catalog:
    """The catalog shipped with the package (data/index.json, rebuilt from data/*.csv when stale).

    Raises ValueError if a data file breaks the rules ``build`` checks (a code of unknown shape, a row without a
    source, two names of one code in one edition).
    """
    rows, links = _load_index()
    return Catalog(rows, links)


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


def _lookup_code(cat: Catalog, code: str, edition: int | None) -> list[dict]:
    classification = classification_of(code)
    chain = ancestors_of(code, classification)
    hits = [
        dict(r, match="code" if r["code"] == code else "ancestor", score=1.0 if r["code"] == code else 0.0)
        for c in chain
        for r in cat.records_for(c, classification, edition)
    ]
    return sorted(hits, key=lambda r: (LEVEL_ORDER[r["level"]], r["first_edition"]))


def _lookup_name(cat: Catalog, text: str, edition: int | None) -> list[dict]:
    key = match_key(text)
    hits = []
    for r in cat.records:
        if not _record_in(r, edition):
            continue
        kind, score = _name_score(key, match_key(r["name"]))
        if kind:
            hits.append(dict(r, match=kind, score=round(score, 3)))
    return sorted(hits, key=lambda r: (-r["score"], LEVEL_ORDER[r["level"]], r["code"], r["first_edition"]))


def lookup_records(query: str, edition: int | None = None, catalog: Catalog | None = None) -> list[dict]:
    """``lookup`` as a list of row dicts (columns ``LOOKUP_COLUMNS``), without pandas."""
    cat = _catalog(catalog)
    text = squash(unicodedata.normalize("NFKC", query or ""))
    if not text:
        raise ValueError("empty query")
    code = _code_query(text)
    if not code and "(类)" in text:
        from .resolve import resolve_subject  # resolve builds on the catalog; imported here to keep one direction

        code = resolve_subject(text, edition, catalog=cat)
    return _lookup_code(cat, code, edition) if code else _lookup_name(cat, text, edition)


def found_any(records: list[dict]) -> bool:
    """Whether ``lookup_records`` found what was asked: the code itself (not only its ancestors), or some name."""
    return any(r["match"] != "ancestor" for r in records)


def lookup(query: str, edition: int | None = None, catalog: Catalog | None = None) -> pd.DataFrame:
    """Find catalog entries for a code, a name, part of a name, or a 类/款/项 subject phrase.

    - a code (``"2101501"``, ``"210 15 01"``, ``"301 01"``): the code's rows and its ancestors', 类 first;
      ``match`` is "code" or "ancestor".
    - a subject phrase (``"卫生健康（类）医疗保障管理事务（款）"``): resolved with ``resolve_subject``, then as a code.
    - otherwise a name or part of one: matching rows ranked best first (exact, prefix, contains, fuzzy).

    ``edition`` limits the rows to that edition year; None searches every edition. Returns a DataFrame with columns
    ``LOOKUP_COLUMNS`` (empty when nothing matches). Raises ValueError for an empty query.
    """
    return _frame(lookup_records(query, edition, catalog), LOOKUP_COLUMNS)


def standard_name(code: str, classification: str, edition: int | None = None, catalog: Catalog | None = None) -> str:
    """The catalog name of ``code`` in ``edition`` (the newest name when ``edition`` is None); "" when unknown."""
    rows = _catalog(catalog).records_for(code, classification, edition)
    return str(max(rows, key=lambda r: r["first_edition"])["name"]) if rows else ""


def editions_text(row: dict) -> str:
    """ "2019–" (open-ended), "2016–2018", "2017" (one edition)."""
    first, last = row["first_edition"], row["last_edition"]
    if last is not None and last == first:
        return str(first)
    return f"{first}–{'' if last is None else last}"


_editions = editions_text


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
    return _name_problem(cat, code, name, classification, edition, rows, in_force)


def _name_problem(cat, code, name, classification, edition, rows, in_force) -> list[str]:
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


def learnt_record(classification: str, code: str, name: str, edition: int, source: str) -> dict:
    """A catalog row for a code one document prints: valid for ``edition`` only, never certain."""
    return {
        "classification": classification,
        "scheme": scheme_of(code, classification),
        "code": code,
        "level": level_of(code, classification),
        "parent": parent_of(code, classification),
        "name": name,
        "first_edition": int(edition),
        "last_edition": int(edition),
        "source": source,
        "certain": False,
        "basis": "document",
        "evidence": 1,
        "purpose": "",
        "purpose_source": "",
        "note": "",
    }


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
    names: dict[tuple[str, str], Counter] = defaultdict(Counter)
    docs: dict[tuple[str, str], set] = defaultdict(set)
    doc_ids = cells["doc_id"].astype(str).tolist() if "doc_id" in cells else ["cells"] * len(cells)
    for classification, code, name, doc in zip(cells["classification"], cells["code"], cells["name"], doc_ids):
        code = str(code)
        if classification not in (FUNCTIONAL, ECONOMIC) or not level_of(code, classification):
            continue
        if cat.records_for(code, classification, edition) or not clean_name(name):
            continue
        names[(classification, code)][clean_name(name)] += 1
        docs[(classification, code)].add(doc)
    if not names:
        return cat
    added = [
        learnt_record(
            classification,
            code,
            counts.most_common(1)[0][0],
            edition,
            source or f"learnt from document {','.join(sorted(docs[(classification, code)]))}",
        )
        for (classification, code), counts in sorted(names.items())
    ]
    rows = sorted(cat.records + tuple(added), key=lambda r: (r["classification"], r["code"], r["first_edition"]))
    return Catalog(rows, cat.links)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


TABLE_COLUMNS = ["code", "level", "name", "editions", "certain", "source"]


# The table cuts the source at this display width; --format csv/json give it whole.
SOURCE_WIDTH = 100


def _cut(text: str, width: int) -> str:
    if display_width(text) <= width:
        return text
    out = ""
    for ch in text:
        if display_width(out + ch) > width - 1:
            return out + "…"
        out += ch
    return out


def _table_row(r: dict) -> list[str]:
    certain = "yes" if r["certain"] else "no"
    return [r["code"], r["level"], r["name"], _editions(r), certain, _cut(r["source"], SOURCE_WIDTH)]


def _details(cat: Catalog, found: list[dict]) -> list[str]:
    """Lines under the table for the codes asked for: purpose, notes and links across editions."""
    out = []
    for r in (r for r in found if r.get("match") == "code"):
        if r["purpose"]:
            out.append(f"purpose ({r['code']} {r['name']}): {r['purpose']} [{r['purpose_source']}]")
        if r["note"]:
            out.append(f"note ({r['code']} {r['name']}, {_editions(r)}): {r['note']}")
    for code in dict.fromkeys(r["code"] for r in found if r.get("match") == "code"):
        for k in cat.links_for(code):
            out.append(f"link: {link_text(k)}")
    return list(dict.fromkeys(out))


def link_text(k: dict) -> str:
    """ "210 医疗卫生与计划生育支出 → 210 卫生健康支出 from 2019 (renamed; source)"."""
    to = f"{k['to_code']} {k['to_name']}".strip() or "(no successor known)"
    when = f" from {k['edition']}" if k["edition"] else ""
    return f"{k['from_code']} {k['from_name']} → {to}{when} ({k['relation']}; {k['source']})"


def format_lookup(query: str, edition: int | None = None, limit: int = 30, catalog: Catalog | None = None) -> str:
    """The text ``juesuan codes QUERY`` prints: a small aligned table of ``lookup`` results.

    Columns: code, level, name, editions ("2019–" is open-ended), certain ("yes"/"no"), source (cut at
    ``SOURCE_WIDTH`` display columns). At most ``limit``
    rows, then a line saying how many more; then, for a code query, the code's purpose, notes and links. A query
    with no match gives one line saying so.
    """
    cat = _catalog(catalog)
    found = lookup_records(query, edition, cat)
    if not found_any(found):
        where = f" in the {edition} edition" if edition is not None else ""
        other = [r for r in lookup_records(query, None, cat) if r["match"] == "code"] if edition is not None else []
        known = "; ".join(f"{r['code']} {r['name']} ({_editions(r)})" for r in other)
        return f"no catalog entry for {query!r}{where}" + (f" (known in other editions: {known})" if known else "")
    lines = [_table_row(r) for r in found[:limit]]
    widths = [max(display_width(str(x)) for x in col) for col in zip(TABLE_COLUMNS, *lines)]
    out = ["  ".join(_pad(str(x), w) for x, w in zip(row, widths)).rstrip() for row in [TABLE_COLUMNS] + lines]
    if len(found) > limit:
        out.append(f"… {len(found) - limit} more")
    return "\n".join(out + _details(cat, found))


def write_records(records: list[dict], fmt: str, out) -> None:
    """Write ``lookup_records`` rows to the text stream ``out`` as "csv" (header, ``LOOKUP_COLUMNS``) or "json" (a
    list of objects, editions as numbers or null). Raises ValueError for another format."""
    if fmt == "json":
        json.dump([{c: r.get(c) for c in LOOKUP_COLUMNS} for r in records], out, ensure_ascii=False, indent=1)
        out.write("\n")
    elif fmt == "csv":
        import csv

        writer = csv.DictWriter(out, LOOKUP_COLUMNS, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows({**r, "last_edition": "" if r["last_edition"] is None else r["last_edition"]} for r in records)
    else:
        raise ValueError(f"unknown format {fmt!r} (csv or json)")
