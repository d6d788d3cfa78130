"""The narrative's vocabulary, read from data files, and the one pattern that finds its phrases in a text.

- ``juesuan/data/concepts.csv``: every concept a fact can be (支出合计, 三公经费, 车辆保有量 …) with its unit, the check
  that compares it with the tables and the cells that hold it.
- ``juesuan/data/concept_aliases.csv``: the names narratives give each concept across regions and years (公共财政拨款
  is the pre-2015 一般公共预算财政拨款, 人员支出 is 人员经费 …). ``form`` ``bare``: a word such as 收入 that names the
  concept only directly before its figure; ``part``: a word such as 货物 that names it only inside a sentence about
  the concept in ``within`` (政府采购).
- ``juesuan/data/narrative_words.csv``: how narratives phrase any concept: basis words (年初预算, 执行数), year-on-year
  comparisons, changes, shares, completion rates, words that block or qualify a figure.
- ``juesuan/data/subject_tables.csv``: which table holds the figure of a cited 类/款/项, by the funds the clause
  speaks of.
- ``juesuan/data/concept_parts.csv``: a 合计 bounded by its 总计 and its parts (收入合计 from 收入总计 when the stated
  sources add up to it).

The phrases are found by one regular expression built as a trie (``trie_pattern``): Python's ``re`` tries the
alternatives of a flat ``a|b|c`` one by one at every position, so a vocabulary of a thousand phrases would cost a
thousand comparisons per character; a trie shares prefixes and fails at the first character that starts no phrase.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from ..textnorm import fix_radicals, squash

QUOTES = set("\"'“”‘’「」『』《》〈〉")
SUFFIX_BASES = {"预算": "预算", "决算": "决算"}


def norm(text: str) -> str:
    """A phrase normalised the way paragraph text is (NFKC per character, radicals mapped, quotes and spaces out)."""
    out = []
    for c in squash(fix_radicals(text)):
        if c in QUOTES:
            continue
        n = unicodedata.normalize("NFKC", c)
        out.append(n if len(n) == 1 else c)
    return "".join(out)


def _rows(name: str) -> list[dict[str, str]]:
    with resources.files("juesuan").joinpath(f"data/{name}").open(encoding="utf-8") as fh:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]


def parse_refs(text: str) -> tuple[tuple[str, ...], ...]:
    """ "05//合计/合计;04/支出/本年支出合计/合计" → (("05", "", "合计", "合计"), ("04", "支出", "本年支出合计", "合计"))."""
    return tuple(tuple(spec.split("/")) for spec in text.split(";") if spec)


@dataclass(frozen=True)
class Concept:
    """One row of concepts.csv."""

    name: str
    group: str
    units: tuple[str, ...]
    check: str
    cells: tuple[tuple[str, ...], ...]
    of_subject: str  # what the concept means about a cited 类/款/项: "支出/财政拨款"; "" when it names no part of one
    description: str

    @property
    def is_count(self) -> bool:
        return "万元" not in self.units


@dataclass(frozen=True)
class Alias:
    concept: str
    form: str = ""  # "" | bare | part
    within: str = ""
    basis: str = ""  # basis the phrase itself says (收入预算合计 → 预算)


@dataclass
class Phrase:
    """What a phrase of the text can be: an alias of a concept, a grammar word, a 类 name (or several of these)."""

    alias: Alias | None = None
    role: str = ""
    value: str = ""
    class_name: str = ""
    roles: set[str] = field(default_factory=set)


@lru_cache(maxsize=1)
def concepts() -> dict[str, Concept]:
    """The concepts, from juesuan/data/concepts.csv (name → Concept)."""
    out = {}
    for r in _rows("concepts.csv"):
        out[r["concept"]] = Concept(
            r["concept"],
            r["group"],
            tuple(r["unit"].split("|")),
            r["check"],
            parse_refs(r["cells"]),
            r["of_subject"],
            r["description"],
        )
    return out


@lru_cache(maxsize=1)
def aliases() -> dict[str, Alias]:
    """Normalised alias → Alias, from concept_aliases.csv, with the 预算/决算 forms of every 合计/总计 alias
    ("收入合计" → "收入预算合计"; an explicit row wins)."""
    known = concepts()
    out: dict[str, Alias] = {}
    rows = _rows("concept_aliases.csv")
    for r in rows:
        if r["concept"] not in known:
            raise ValueError(f"concept_aliases.csv: {r['alias']} names unknown concept {r['concept']}")
        out.setdefault(norm(r["alias"]), Alias(r["concept"], r["form"], r["within"]))
    for r in rows:
        a = norm(r["alias"])
        for tail in ("合计", "总计", "总额"):
            if a.endswith(tail) and not r["form"]:
                for word, basis in SUFFIX_BASES.items():
                    out.setdefault(a[: -len(tail)] + word + tail, Alias(r["concept"], basis=basis))
    return out


@lru_cache(maxsize=1)
def words() -> dict[str, tuple[str, str]]:
    """Normalised grammar word → (role, value), from narrative_words.csv (the rows that are phrases of the text)."""
    return {norm(r["word"]): (r["role"], r["value"]) for r in _rows("narrative_words.csv") if r["role"] in ROLES}


ROLES = {"basis", "prior", "compare", "change", "flat", "share", "complete", "ignore", "block", "qualifier"}
ROLES |= {"describe", "reason", "among", "project"}


@lru_cache(maxsize=1)
def bare_after() -> tuple[str, ...]:
    """Words after which a bare 收入/支出 still names the department's figure: its name's organisation suffixes
    (identity_words.csv) and narrative_words.csv's bare_after words (单位, 部门)."""
    words = [r["word"] for r in _rows("identity_words.csv") if r["role"] == "org_suffix"]
    words += [r["word"] for r in _rows("narrative_words.csv") if r["role"] == "bare_after"]
    return tuple(sorted(set(words), key=len, reverse=True))


@lru_cache(maxsize=1)
def class_before() -> frozenset[str]:
    """Characters that may stand right before a 类 name in running text (narrative_words.csv, role class_before)."""
    return frozenset("".join(r["word"] for r in _rows("narrative_words.csv") if r["role"] == "class_before"))


@lru_cache(maxsize=1)
def subject_tables() -> dict[tuple[str, str], tuple[tuple[str, ...], ...]]:
    """(fund, concept) → the cells that hold that figure of a cited 类/款/项 ({code} in the row)."""
    return {(r["fund"], r["concept"]): parse_refs(r["cells"]) for r in _rows("subject_tables.csv")}


@lru_cache(maxsize=1)
def concept_scopes() -> dict[tuple[str, str], str]:
    """(section scope, concept) → the concept a generic phrase means in that section (concept_scopes.csv)."""
    return {(r["scope"], r["concept"]): r["becomes"] for r in _rows("concept_scopes.csv")}


@lru_cache(maxsize=1)
def concept_parts() -> list[tuple[str, tuple[str, ...], str]]:
    """(whole, its parts, the 总计 that bounds it) rows of concept_parts.csv."""
    return [(r["whole"], tuple(r["parts"].split("|")), r["bound"]) for r in _rows("concept_parts.csv")]


def _class_names() -> list[str]:
    from ..codes import FUNCTIONAL, default_catalog

    return sorted(
        {r["name"] for r in default_catalog().records if r["classification"] == FUNCTIONAL and r["level"] == "类"}
    )


@lru_cache(maxsize=1)
def phrases() -> dict[str, Phrase]:
    """Every phrase the reader recognises (normalised) → what it can be."""
    out: dict[str, Phrase] = {}
    for w, (role, value) in words().items():
        out.setdefault(w, Phrase()).role, out[w].value = role, value
    for a, alias in aliases().items():
        out.setdefault(a, Phrase()).alias = alias
    for name in _class_names():
        p = out.setdefault(norm(name), Phrase())
        if p.alias is None:
            p.class_name = name
    return out


def trie_pattern(words_: list[str]) -> str:
    """A regular expression matching any of ``words_``, the longest at a position, as a trie of alternatives."""
    trie: dict = {}
    for w in words_:
        node = trie
        for c in w:
            node = node.setdefault(c, {})
        node[""] = True

    def build(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(c) + build(child) for c, child in sorted(node.items()) if c != ""]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 and not ends else "(?:" + "|".join(branches) + ")"
        return body + ("?" if ends else "")

    return build(trie)


@lru_cache(maxsize=1)
def phrase_pattern() -> str:
    return trie_pattern(sorted(phrases()))
