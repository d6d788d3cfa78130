"""Table specs: what each standard table is called, how it is laid out, and which header means which measure.

All of it is read from the CSV files beside this module (data/kinds.csv, titles.csv, measures.csv, labels.csv), so a
new title spelling, header alias or regional table is a data change. ``SPECS`` maps table id → ``TableSpec``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from ..textnorm import match_key


@dataclass(frozen=True)
class MeasureSpec:
    """A canonical column of a table kind and the header words that name it.

    ``name`` may contain "{kind}" (决算/预算): a header that says only 金额 or 合计 holds the document's own kind of
    figure. An alias is a path of header words from a group header down ("公务用车购置及运行费>小计"), so the same
    word (小计) can mean different columns under different groups; a one-word alias matches at any level.
    """

    name: str
    role: str  # measure | footer | basis
    side: str  # 收入 | 支出 | "" (one-sided)
    aliases: tuple[tuple[str, ...], ...]  # alias paths of match keys, most specific first

    def named(self, kind: str) -> str:
        return self.name.replace("{kind}", kind or "决算")


@dataclass
class TableSpec:
    id: str
    layout: str  # two_sided | coded | economic | sangong
    classification: str  # 功能分类 | 经济分类 | none
    description: str
    titles: dict[str, list[str]] = field(default_factory=dict)  # kind -> titles as printed in the catalog
    measures: list[MeasureSpec] = field(default_factory=list)

    def measures_for(self, role: str = "measure", side: str = "") -> list[MeasureSpec]:
        return [m for m in self.measures if m.role == role and (not side or m.side == side)]


def _rows(name: str) -> list[dict[str, str]]:
    with resources.files(__package__).joinpath(f"data/{name}").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@lru_cache(maxsize=1)
def load_specs() -> dict[str, TableSpec]:
    specs = {
        r["table"]: TableSpec(r["table"], r["layout"], r["classification"], r["description"])
        for r in _rows("kinds.csv")
    }
    for r in _rows("titles.csv"):
        specs[r["table"]].titles.setdefault(r["kind"], []).append(r["title"])
    for r in _rows("measures.csv"):
        paths = {tuple(match_key(t) for t in a.split(">")) for a in r["aliases"].split("|") if a}
        aliases = tuple(sorted(paths, key=lambda p: (-sum(map(len, p)), p)))
        specs[r["table"]].measures.append(MeasureSpec(r["measure"], r["role"], r["side"], aliases))
    return specs


@lru_cache(maxsize=1)
def load_labels() -> dict[str, tuple[str, ...]]:
    """role (code, name, rownum, colnum, total) → match keys of the header words that mark it."""
    out: dict[str, list[str]] = {}
    for r in _rows("labels.csv"):
        out.setdefault(r["role"], []).append(match_key(r["alias"]))
    return {k: tuple(v) for k, v in out.items()}


@lru_cache(maxsize=1)
def title_index() -> list[tuple[str, str, str]]:
    """(match key of title, table id, kind) for every known title, longest first."""
    items = [(match_key(t), s.id, kind) for s in load_specs().values() for kind, ts in s.titles.items() for t in ts]
    return sorted(set(items), key=lambda x: (-len(x[0]), x[1], x[2]))
