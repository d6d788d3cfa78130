"""Evidence for the catalog: the (code, name) pairs real documents print, per edition year.

``python -m juesuan.codes harvest FILE_OR_FOLDER ... [--label-root DIR ...]`` reads each document with juesuan and
prints evidence rows (classification, code, name, edition, document, how) as CSV, sorted as data/evidence.csv keeps
them (which is made by ``harvest data/raw ../shared/real --label-root . --label-root ../shared``); ``build`` then corroborates, extends or adds catalog rows from them (see ``build``). Rows come from
the tables' code cells ("table") and from narrative citations that give the code before a 类/款/项 name path
("narrative": 平潭 2017 writes "2010301一般公共服务支出（类）政府办公厅及相关机构事务支出（款）行政运行（项）"). The
edition is the document's year: a 预算 of 2019 is drawn up on the 2019 subjects, a 决算 of 2021 on the 2021 ones.

Only the code, the name as printed (cleaned) and the file name are recorded, never the document's numbers or text.
"""

from __future__ import annotations

import csv
import re
import sys
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from ..textnorm import clean_name, fix_radicals, squash, strip_ordinal
from .shape import ECONOMIC, FUNCTIONAL, level_of

EVIDENCE_COLUMNS = ["classification", "code", "name", "edition", "document", "how"]
# "2010301一般公共服务支出（类）政府办公厅及相关机构事务支出（款）行政运行（项）" after NFKC: half-width brackets.
_CITED = re.compile(r"(?<!\d)(2\d{6})([\u4e00-\u9fff、（）()]+?)\(类\)([^()]+?)\(款\)([^()]+?)\(项\)")


def _name(text: str) -> str:
    return clean_name(strip_ordinal(str(text or "").strip()))


def cells_evidence(cells: Iterable[dict], edition: int, document: str) -> list[dict]:
    """Evidence rows from contract cells (dicts with classification, code, name): one per distinct pair."""
    seen = {}
    for c in cells:
        classification, code, name = c.get("classification"), str(c.get("code") or ""), _name(c.get("name"))
        if classification in (FUNCTIONAL, ECONOMIC) and level_of(code, classification) and name:
            seen.setdefault((classification, code, name), "table")
    return [_row(k, code, name, edition, document, how) for (k, code, name), how in seen.items()]


def narrative_evidence(text: str, edition: int, document: str) -> list[dict]:
    """Evidence rows from citations that print the 项 code before the 类/款/项 names (for the 类, 款 and 项)."""
    t = squash(unicodedata.normalize("NFKC", fix_radicals(text or "")))
    out = {}
    for m in _CITED.finditer(t):
        code = m.group(1)
        for piece, name in ((code[:3], m.group(2)), (code[:5], m.group(3)), (code, m.group(4))):
            name = _name(name)
            if name:
                out.setdefault((piece, name), None)
    return [_row(FUNCTIONAL, code, name, edition, document, "narrative") for code, name in out]


def _row(classification: str, code: str, name: str, edition: int, document: str, how: str) -> dict:
    return {
        "classification": classification,
        "code": code,
        "name": name,
        "edition": edition,
        "document": document,
        "how": how,
    }


def document_evidence(path: str | Path, label: str) -> list[dict]:
    """Evidence rows for one file (empty when juesuan finds no year in it)."""
    from ..document import read

    doc = read(path)
    year = doc.meta.get("year")
    if not year:
        return []
    rows = cells_evidence(doc.cells.to_dict("records"), int(year), label)
    text = doc.raw.text if doc.raw is not None else ""
    return rows + narrative_evidence(text, int(year), label)


def _files(paths: Iterable[str]) -> list[Path]:
    out = []
    for p in map(Path, paths):
        out += sorted(f for f in p.rglob("*") if f.is_file()) if p.is_dir() else [p]
    return [f for f in out if not f.name.endswith((".json", ".md"))]


def _label(f: Path, roots: list[Path]) -> str:
    """The file's path relative to the first root that holds it (its name when none does)."""
    for root in roots:
        if f.resolve().is_relative_to(root.resolve()):
            return f.resolve().relative_to(root.resolve()).as_posix()
    return f.name


def main(argv: list[str] | None = None) -> int:
    """Print the evidence of every file under the paths given, sorted as data/evidence.csv keeps it."""
    args = list(sys.argv[1:] if argv is None else argv)
    roots = []
    while "--label-root" in args:
        i = args.index("--label-root")
        roots.append(Path(args[i + 1]))
        del args[i : i + 2]
    rows = []
    for f in _files(args):
        label = _label(f, roots)
        found = document_evidence(f, label)
        print(f"{label}: {len(found)} evidence rows", file=sys.stderr)
        rows += found
    rows.sort(key=lambda r: (r["classification"], r["code"], r["edition"], r["document"], r["name"]))
    writer = csv.DictWriter(sys.stdout, EVIDENCE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return 0
