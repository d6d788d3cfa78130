"""Build the catalog index from the data CSVs: ``python -m juesuan.codes build`` writes data/index.json.

The catalog is kept as CSV (data/README.md says what each file holds). Merging them — base rows, the evidence of
documents that print the codes, purposes, links — and checking them takes a few pandas-free passes, but doing it in
every process was the larger part of juesuan's start-up (issue 14), so the result is shipped ready-built as a compact
JSON index (a string table plus one list per row). ``catalog.default_catalog`` loads the index when its
``data_hash`` matches the CSVs and rebuilds in memory (with a warning) when someone edited a CSV without rebuilding;
a test checks that the shipped index equals a fresh build.

Only the standard library is used here, so loading never waits for pandas.

How evidence is merged (per code): a printed name that equals the name of the row in force in the document's edition
corroborates that row; a different name is noted on the row ("printed as … in 2019 by …"), never replacing it. A
name printed in an edition no row covers extends the next row of that name downwards when that row's first edition is
only the floor of what was checked (2019 for 功能分类, 2018 for 经济分类; ``starts`` "new" marks rows whose first
edition is a real start, which are never extended); otherwise it becomes a row of its own, learnt from the documents
(basis "document", never certain) over the editions they print it in.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sys
from collections import defaultdict
from difflib import SequenceMatcher
from importlib import resources
from pathlib import Path

from ..textnorm import match_key
from .shape import ECONOMIC, FUNCTIONAL, level_of, parent_of

FORMAT = 1
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
    "basis",
    "evidence",
    "purpose",
    "purpose_source",
    "note",
]
LINK_COLUMNS = ["classification", "from_code", "from_name", "to_code", "to_name", "edition", "relation", "source"]
# Base files: name → classification. The scheme of an 经济分类 code follows from its first digit.
BASE_FILES = {
    "functional_classes.csv": FUNCTIONAL,
    "functional.csv": FUNCTIONAL,
    "economic.csv": ECONOMIC,
    "government_economic.csv": ECONOMIC,
}
DATA_FILES = [*BASE_FILES, "evidence.csv", "evidence_web.csv", "purposes.csv", "links.csv"]
# The earliest edition the recalled rows were checked for: a row starting there may be older.
FLOOR = {FUNCTIONAL: 2019, ECONOMIC: 2018}
# How many documents a row's source names before it says "and N more".
_SHOWN_DOCUMENTS = 2


def scheme_of(code: str, classification: str) -> str:
    if classification == FUNCTIONAL:
        return "支出功能分类"
    return "政府预算支出经济分类" if code.startswith("5") else "部门预算支出经济分类"


def _data_dir():
    return resources.files(__package__).joinpath("data")


def read_data(directory=None) -> dict[str, str]:
    """The text of every data file (missing optional files are empty), keyed by file name."""
    base = Path(directory) if directory is not None else _data_dir()
    out = {}
    for name in DATA_FILES:
        path = base.joinpath(name)
        out[name] = path.read_text(encoding="utf-8") if path.is_file() else ""
    return out


def data_hash(texts: dict[str, str]) -> str:
    """SHA-256 over the data files' names and text: the key that ties an index to the CSVs it was built from."""
    h = hashlib.sha256()
    for name in DATA_FILES:
        h.update(name.encode() + b"\0" + texts[name].encode("utf-8") + b"\0")
    return h.hexdigest()


def _rows(text: str) -> list[dict[str, str]]:
    return [{k: (v or "").strip() for k, v in r.items()} for r in csv.DictReader(io.StringIO(text))] if text else []


def _int(value: str) -> int | None:
    return int(value) if value else None


def _base_rows(texts: dict[str, str]) -> list[dict]:
    out = []
    for fname, classification in BASE_FILES.items():
        for i, r in enumerate(_rows(texts[fname]), start=2):
            code = r["code"]
            if not level_of(code, classification) or not r["source"]:
                raise ValueError(f"{fname} line {i}: code {code!r} is not a {classification} code or has no source")
            out.append(
                {
                    "classification": classification,
                    "code": code,
                    "name": r["name"],
                    "first_edition": int(r["first_edition"]),
                    "last_edition": _int(r["last_edition"]),
                    "basis": r["basis"] or "recalled",
                    "starts": r.get("starts", ""),
                    "source": r["source"],
                    "notes": [r["note"]] if r.get("note") else [],
                    "documents": set(),
                }
            )
    return out


def _in_force(row: dict, edition: int) -> bool:
    last = row["last_edition"]
    return row["first_edition"] <= edition and (last is None or last >= edition)


def _doc_list(documents: set[tuple[int | None, str]]) -> str:
    """ "江苏…2017年度预算公开.pdf (2017), … and 4 more" — the documents behind a row, oldest first."""
    ordered = sorted(documents, key=lambda d: (d[0] or 0, d[1]))
    shown = [f"{doc} ({year})" if year else doc for year, doc in ordered[:_SHOWN_DOCUMENTS]]
    more = len(ordered) - _SHOWN_DOCUMENTS
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def _event(row: dict, what: str, document: str) -> None:
    """Record that a document disagrees with a row ("printed as '行政事业单位离退休' in 2019")."""
    row.setdefault("events", {}).setdefault(what, set()).add(document)


def _events_text(events: dict[str, set[str]]) -> list[str]:
    out = []
    for what, docs in events.items():
        ordered = sorted(docs)
        by = ordered[0] if len(ordered) == 1 else f"{len(ordered)} documents ({ordered[0]} …)"
        out.append(f"{what} by {by}")
    return out


class _CodeMerge:
    """The rows of one code and the evidence printed for it."""

    def __init__(self, classification: str, code: str, rows: list[dict]):
        self.classification = classification
        self.code = code
        self.rows = sorted(rows, key=lambda r: r["first_edition"])
        self.learnt: dict[str, dict] = {}  # match key → {name, documents, editions}

    def add(self, name: str, edition: int | None, document: str, how: str = "table") -> None:
        key = match_key(name)
        doc = (edition, document)
        if edition is None:  # a source that states no edition only corroborates
            for r in self.rows:
                if match_key(r["name"]) == key:
                    r["documents"].add(doc)
            return
        current = next((r for r in self.rows if _in_force(r, edition)), None)
        if current is not None:
            if match_key(current["name"]) == key:
                current["documents"].add(doc)
            else:
                _event(current, f"printed as {name!r} in {edition}", document)
            return
        if self._extend(key, edition, doc) or (how == "narrative" and self._extend_loosely(name, edition, document)):
            return
        ended = [r for r in self.rows if match_key(r["name"]) == key and (r["last_edition"] or 9999) < edition]
        if ended:
            _event(ended[-1], f"still printed in {edition}", document)
            return
        entry = self.learnt.setdefault(key, {"name": name, "documents": set()})
        entry["documents"].add(doc)

    def _extend(self, key: str, edition: int, doc: tuple) -> bool:
        later = [r for r in self.rows if r["first_edition"] > edition]
        if not later:
            return False
        nxt = later[0]
        floor = FLOOR[self.classification]
        if match_key(nxt["name"]) != key or nxt["starts"] == "new" or nxt["basis"] != "recalled":
            return False
        if nxt["first_edition"] > floor:
            return False
        nxt["first_edition"] = edition
        nxt["documents"].add(doc)
        return True

    def _extend_loosely(self, name: str, edition: int, document: str) -> bool:
        """A narrative's drifted spelling of the next row's name ("政府办公厅及相关机构事务支出" for 政府办公厅（室）及相关
        机构事务, 平潭 2017) extends that row like its own name would, with a note instead of counting as evidence."""
        later = [r for r in self.rows if r["first_edition"] > edition]
        if not later or not _alike(name, later[0]["name"]):
            return False
        nxt = later[0]
        if nxt["starts"] == "new" or nxt["basis"] != "recalled" or nxt["first_edition"] > FLOOR[self.classification]:
            return False
        nxt["first_edition"] = edition
        _event(nxt, f"cited as {name!r} in {edition}", document)
        return True

    def finish(self) -> list[dict]:
        learnt = [self._learnt_row(e) for e in self.learnt.values()]
        for row in learnt:
            self._close_gap(row)
        return self.rows + learnt

    def _close_gap(self, row: dict) -> None:
        """A name printed up to 2017 whose code's next name was only checked from the floor (2019) on is taken to
        run until then (平潭 2017 prints 20701 文化; the catalog has 文化和旅游 from 2019): the rename is dated by
        the later edition, so the years between belong to the printed name."""
        later = [r for r in self.rows if r["first_edition"] > row["last_edition"]]
        if not later:
            return
        nxt = later[0]
        if nxt["first_edition"] == FLOOR[self.classification] and nxt["basis"] == "recalled" and not nxt["starts"]:
            if row["last_edition"] < nxt["first_edition"] - 1:
                row["last_edition"] = nxt["first_edition"] - 1
                row["notes"].append(f"taken to run until {nxt['name']!r} (checked from {nxt['first_edition']})")

    def _learnt_row(self, entry: dict) -> dict:
        editions = sorted(y for y, _ in entry["documents"])
        return {
            "classification": self.classification,
            "code": self.code,
            "name": entry["name"],
            "first_edition": editions[0],
            "last_edition": editions[-1],
            "basis": "document",
            "starts": "",
            "source": "learnt from documents",
            "notes": [],
            "documents": entry["documents"],
        }


def _alike(a: str, b: str) -> bool:
    a, b = match_key(a).removesuffix("支出"), match_key(b).removesuffix("支出")
    return SequenceMatcher(None, a, b).ratio() >= 0.8


def _merge_evidence(rows: list[dict], evidence: list[dict[str, str]]) -> list[dict]:
    by_code: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in rows:
        by_code[(r["classification"], r["code"])].append(r)
    merges = {k: _CodeMerge(k[0], k[1], v) for k, v in by_code.items()}
    for i, e in enumerate(evidence, start=2):
        key = (e["classification"], e["code"])
        if not level_of(e["code"], e["classification"]) or not e["document"]:
            raise ValueError(f"evidence.csv line {i}: {e['classification']} code {e['code']!r} or document missing")
        merge = merges.setdefault(key, _CodeMerge(key[0], key[1], []))
        merge.add(e["name"], _int(e["edition"]), e["document"], e.get("how", "table"))
    return [r for m in merges.values() for r in m.finish()]


def _overlaps(a: dict, first: int | None, last: int | None) -> bool:
    lo, hi = first or 0, last or 9999
    return a["first_edition"] <= hi and (a["last_edition"] or 9999) >= lo


def _attach_purposes(rows: list[dict], purposes: list[dict[str, str]]) -> None:
    """Purposes by code, or by name for every 项 of that name (code "*": the 科目说明 of 行政运行 is one sentence
    under every 款); a code's own purpose wins over the name's."""
    index: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    for r in rows:
        index[(r["classification"], r["code"], match_key(r["name"]))].append(r)
        if len(r["code"]) == 7:
            index[(r["classification"], "*", match_key(r["name"]))].append(r)
    for i, p in enumerate(sorted(purposes, key=lambda p: p["code"] != "*"), start=2):
        hits = [
            r
            for r in index.get((p["classification"], p["code"], match_key(p["name"])), [])
            if _overlaps(r, _int(p["first_edition"]), _int(p["last_edition"]))
        ]
        if not hits or not p["purpose"] or not p["source"]:
            raise ValueError(f"purposes.csv line {i}: {p['code']} {p['name']!r} matches no catalog row or lacks text")
        for r in hits:
            r["purpose"], r["purpose_source"] = p["purpose"], p["source"]


def _finish_row(r: dict) -> dict:
    documents = r["documents"]
    source = r["source"]
    if r["basis"] == "recalled" and "recalled" not in source:
        source += " (recalled, not checked against a copy)"
    if documents:
        source += ("; " if r["basis"] != "document" else ": ") + (
            f"printed in {_doc_list(documents)}" if r["basis"] != "document" else _doc_list(documents)
        )
    certain = r["basis"] == "official" or (r["basis"] == "recalled" and bool(documents))
    return {
        "classification": r["classification"],
        "scheme": scheme_of(r["code"], r["classification"]),
        "code": r["code"],
        "level": level_of(r["code"], r["classification"]),
        "parent": parent_of(r["code"], r["classification"]),
        "name": r["name"],
        "first_edition": r["first_edition"],
        "last_edition": r["last_edition"],
        "source": source,
        "certain": certain,
        "basis": r["basis"],
        "evidence": len({d for _, d in documents}),
        "purpose": r.get("purpose", ""),
        "purpose_source": r.get("purpose_source", ""),
        "note": "; ".join(dict.fromkeys(r["notes"] + _events_text(r.get("events", {})))),
    }


def _renames(rows: list[dict]) -> list[dict]:
    """Links between consecutive names of one code (210 医疗卫生与计划生育支出 → 卫生健康支出 in 2019)."""
    by_code: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in rows:
        by_code[(r["classification"], r["code"])].append(r)
    out = []
    for (classification, code), group in by_code.items():
        if classification != FUNCTIONAL:  # the 2018 reform renumbered 经济分类: a reused code is no rename
            continue
        group = sorted(group, key=lambda r: r["first_edition"])
        for old, new in zip(group, group[1:]):
            if old["last_edition"] is not None and match_key(old["name"]) != match_key(new["name"]):
                out.append(
                    {
                        "classification": classification,
                        "from_code": code,
                        "from_name": old["name"],
                        "to_code": code,
                        "to_name": new["name"],
                        "edition": new["first_edition"],
                        "relation": "renamed",
                        "source": "the catalog rows of the code",
                    }
                )
    return out


def _links(rows: list[dict], texts: dict[str, str]) -> list[dict]:
    known = {(r["classification"], r["code"]) for r in rows}
    out = _renames(rows)
    for i, link in enumerate(_rows(texts["links.csv"]), start=2):
        for end in ("from_code", "to_code"):
            if link[end] and (link["classification"], link[end]) not in known:
                raise ValueError(f"links.csv line {i}: {link[end]} is not in the catalog")
        out.append({**link, "edition": _int(link["edition"])})
    return sorted(out, key=lambda k: (k["classification"], k["from_code"], k["edition"] or 0, k["to_code"]))


def check_rows(rows: list[dict]) -> None:
    """Raise ValueError for two names of one code in one edition (the catalog's one rule rows can break)."""
    by_code: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in rows:
        by_code[(r["classification"], r["code"])].append(r)
    for (classification, code), group in by_code.items():
        group = sorted(group, key=lambda r: r["first_edition"])
        for a, b in zip(group, group[1:]):
            if a["last_edition"] is None or a["last_edition"] >= b["first_edition"]:
                raise ValueError(f"{classification} {code}: {a['name']!r} and {b['name']!r} overlap in editions")


def build_rows(texts: dict[str, str]) -> tuple[list[dict], list[dict]]:
    """(catalog rows with ``COLUMNS``, links with ``LINK_COLUMNS``) from the data files' text."""
    evidence = _rows(texts["evidence.csv"]) + _rows(texts["evidence_web.csv"])
    rows = _merge_evidence(_base_rows(texts), evidence)
    check_rows(rows)
    _attach_purposes(rows, _rows(texts["purposes.csv"]))
    finished = sorted(
        (_finish_row(r) for r in rows), key=lambda r: (r["classification"], r["code"], r["first_edition"])
    )
    return finished, _links(rows, texts)


def build_index(texts: dict[str, str] | None = None) -> dict:
    """The index: rows as lists of string-table positions (strings) or values (numbers, booleans)."""
    texts = texts if texts is not None else read_data()
    rows, links = build_rows(texts)
    strings: dict[str, int] = {}

    def pack(values: list) -> list:
        return [strings.setdefault(v, len(strings)) if isinstance(v, str) else v for v in values]

    packed = [pack([r[c] for c in COLUMNS]) for r in rows]
    packed_links = [pack([k[c] for c in LINK_COLUMNS]) for k in links]
    return {
        "format": FORMAT,
        "data_hash": data_hash(texts),
        "columns": COLUMNS,
        "link_columns": LINK_COLUMNS,
        "strings": list(strings),
        "rows": packed,
        "links": packed_links,
    }


def unpack(index: dict) -> tuple[list[dict], list[dict]]:
    """(rows, links) as dicts from an index made by ``build_index``."""
    strings = index["strings"]

    def rows_of(packed: list, columns: list[str], text_columns: set[str]) -> list[dict]:
        return [{c: (strings[v] if c in text_columns else v) for c, v in zip(columns, row)} for row in packed]

    text = {c for c in COLUMNS if c not in ("first_edition", "last_edition", "certain", "evidence")}
    link_text = {c for c in LINK_COLUMNS if c != "edition"}
    return rows_of(index["rows"], index["columns"], text), rows_of(index["links"], index["link_columns"], link_text)


def index_text(index: dict) -> str:
    """The index as the JSON text shipped: one row per line, so a change to the data shows as a small diff."""
    head = {k: v for k, v in index.items() if k not in ("strings", "rows", "links")}
    parts = [json.dumps(head, ensure_ascii=False)[:-1]]
    for key in ("strings", "rows", "links"):
        items = ",\n".join(json.dumps(x, ensure_ascii=False, separators=(",", ":")) for x in index[key])
        parts.append(f', "{key}": [\n{items}\n]')
    return "".join(parts) + "}\n"


def main(argv: list[str] | None = None) -> int:
    """Write data/index.json from the CSVs beside it (or check it is current with ``--check``)."""
    args = sys.argv[1:] if argv is None else argv
    target = Path(__file__).with_name("data") / "index.json"
    index = build_index(read_data(target.parent))
    text = index_text(index)
    if "--check" in args:
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        print(f"{target}: {'up to date' if current == text else 'STALE: run python -m juesuan.codes build'}")
        return 0 if current == text else 1
    target.write_text(text, encoding="utf-8")
    print(f"{target}: {len(index['rows'])} rows, {len(index['links'])} links")
    return 0
