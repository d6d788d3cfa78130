"""Table specs: what each standard table is called, how it is laid out, and which header means which measure.

All of it is read from the CSV files beside this module (data/kinds.csv, titles.csv, measures.csv, labels.csv,
items.csv, bases.csv), so a new title spelling, header alias or regional table is a data change. ``load_specs()`` maps
spec id → ``TableSpec``. A spec is one printed layout; its ``family`` is the standard table it is (江苏's 收入总表 is
family 02 with variant 江苏收入总表), and cells, findings and ``Document.table`` speak in families.

A regional layout that prints a standard table with a few more columns names its ``base`` spec in kinds.csv and lists
only its own columns in measures.csv (教育部 高校's 收入决算表 is spec 02's columns plus 事业收入-其中：教育收费).

Sub-items (items.csv rows with a ``parent``): a row printed under another item as its breakdown ("其中：捐赠收入"
under 其他收入; 一般公共预算财政拨款 under 年初财政拨款结转和结余 in 上海's 04) has the canonical item
``PARENT:SUB`` (其他收入:捐赠收入, 年初结转和结余:一般公共预算财政拨款收入), so no check adds it to the items above.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from ..textnorm import clean_name, match_key, strip_ordinal


@dataclass(frozen=True)
class MeasureSpec:
    """A canonical column of a table kind and the header words that name it.

    ``name`` may contain "{kind}" (决算/预算): a header that says only 金额 or 合计 holds the document's own kind of
    figure. An alias is a path of header words from a group header down ("公务用车购置及运行费>小计"), so the same
    word (小计) can mean different columns under different groups; a one-word alias matches at any level.
    """

    name: str  # the measure (合计, 基本支出 …), the item of an item column (07), the footer's item (06)
    role: str  # measure | item | footer | basis
    side: str  # 收入 | 支出 | "" (one-sided)
    aliases: tuple[tuple[str, ...], ...]  # alias paths of match keys, most specific first
    basis: str = ""  # the basis a basis row names (07's 预算数/决算数 groups)


@dataclass
class TableSpec:
    id: str
    layout: str  # two_sided | coded | economic | sangong | items
    classification: str  # 功能分类 | 经济分类 | none
    description: str
    family: str = ""  # 01–09 or a named family
    variant: str = ""  # "" for the standard layout of the family
    base: str = ""  # the spec whose columns this layout prints too (kinds.csv)
    titles: dict[str, list[str]] = field(default_factory=dict)  # kind -> titles as printed in the catalog
    measures: list[MeasureSpec] = field(default_factory=list)

    def columns(self) -> list[MeasureSpec]:
        """The specs that name an amount column: measures, and the items of an item-column table (07)."""
        return [m for m in self.measures if m.role in ("measure", "item")]

    def measures_for(self, role: str = "measure", side: str = "") -> list[MeasureSpec]:
        return [m for m in self.measures if m.role == role and (not side or m.side == side)]


def _rows(name: str) -> list[dict[str, str]]:
    with resources.files(__package__).joinpath(f"data/{name}").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@lru_cache(maxsize=1)
def load_specs() -> dict[str, TableSpec]:
    specs = {
        r["spec"]: TableSpec(
            r["spec"], r["layout"], r["classification"], r["description"], r["family"], r["variant"], r.get("base", "")
        )
        for r in _rows("kinds.csv")
    }
    for r in _rows("titles.csv"):
        specs[r["table"]].titles.setdefault(r["kind"], []).append(r["title"])
    for r in _rows("measures.csv"):
        paths = {tuple(match_key(t) for t in a.split(">")) for a in r["aliases"].split("|") if a}
        aliases = tuple(sorted(paths, key=lambda p: (-sum(map(len, p)), p)))
        specs[r["spec"]].measures.append(MeasureSpec(r["measure"], r["role"], r["side"], aliases, r["basis"]))
    for spec in specs.values():  # a layout's own columns first (more specific), then its base's
        base = specs.get(spec.base)
        if base is not None:
            spec.measures = spec.measures + [m for m in base.measures if m not in spec.measures]
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


def family_of(spec_id: str) -> str:
    """The family a spec id belongs to ("收入总表" → "02"); an unknown id is its own family."""
    spec = load_specs().get(spec_id)
    return spec.family if spec else spec_id


@lru_cache(maxsize=1)
def load_bases() -> tuple[tuple[str, str], ...]:
    """(match key of a header word, basis) — longest first: 年初预算数 is 年初预算 before 预算数 is 预算."""
    pairs = {(match_key(r["alias"]), r["basis"]) for r in _rows("bases.csv")}
    return tuple(sorted(pairs, key=lambda p: (-len(p[0]), p)))


def basis_of_header(path: list[str] | tuple[str, ...]) -> str:
    """The basis a column's header path names (决算数 → 决算, 年初预算数 → 年初预算), "" when it names none.

    A header word names a basis when it is the alias itself, or ends with an alias that ends in 数 ("本年预算数");
    a word that merely contains 预算 ("一般公共预算财政拨款") names none.
    """
    for seg in reversed(path):
        for alias, basis in load_bases():
            if seg == alias or (alias.endswith("数") and seg.endswith(alias) and not seg.startswith("上年")):
                return basis
    return ""


@lru_cache(maxsize=1)
def load_items() -> dict[tuple[str, str, str], dict[str, str]]:
    """(family, side, parent) → {match key of an alias: canonical item}; family "*" applies to every table, parent
    "" to rows that are not printed as a breakdown of another item."""
    out: dict[tuple[str, str, str], dict[str, str]] = {}
    for r in _rows("items.csv"):
        for fam in r["family"].split("|"):
            for alias in r["aliases"].split("|"):
                out.setdefault((fam, r["side"], r.get("parent", "")), {}).setdefault(match_key(alias), r["item"])
    return out


_OF_WHICH = re.compile(r"^\s*其中\s*[:：]?\s*")


def is_breakdown(name: str) -> bool:
    """A row printed as part of the item above it: "其中：捐赠收入"."""
    return bool(_OF_WHICH.match(name or ""))


def is_sub_item(family: str, side: str, parent: str, name: str) -> bool:
    """True when items.csv lists ``name`` as printed under ``parent`` (一般公共预算财政拨款 under 年初结转和结余)."""
    key = match_key(strip_ordinal(_OF_WHICH.sub("", strip_ordinal(name))))
    items = load_items()
    return any(key in items.get(k, {}) for k in ((family, side, parent), ("*", side, parent), ("*", "", parent)))


@lru_cache(maxsize=1 << 12)  # a pure function of its strings, asked for every cell without a code
def canonical_item(family: str, side: str, name: str, parent: str = "") -> str:
    """The canonical item of a row printed without a code: the vocabulary's (items.csv), else the name less its
    ordinal ("一、一般公共预算财政拨款收入" → 一般公共预算财政拨款收入; 上海's 当年收入小计 → 本年收入合计).

    ``parent``: the item this row is a breakdown of; the sub-item is ``PARENT:SUB`` (items.csv rows with that parent
    first, else the sub-row's own canonical item after the colon).
    """
    bare = _OF_WHICH.sub("", strip_ordinal(name))
    key = match_key(strip_ordinal(bare))
    items = load_items()
    if parent:
        for k in ((family, side, parent), ("*", side, parent), ("*", "", parent)):
            hit = items.get(k, {}).get(key)
            if hit:
                return hit
        return f"{parent}:{canonical_item(family, side, bare)}"
    for k in ((family, side, ""), (family, "", ""), ("*", side, ""), ("*", "", "")):
        hit = items.get(k, {}).get(key)
        if hit:
            return hit
    return clean_name(strip_ordinal(name))
