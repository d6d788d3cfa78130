"""Which department a document is about, across the names it is printed under and across years.

One department is printed many ways: 中国共产党江苏省委员会办公厅 on the tables, 中共江苏省委办公厅 on a cover, 江苏省委办公厅
in a title, 省委办公厅 in the text; the 2018–2019 reform renamed 卫生和计划生育委员会 to 卫生健康委员会. A panel keyed by
department needs one canonical name for all of them:

- ``data/department_rewrites.csv``: abbreviations (中共…委 → 中国共产党…委员会, 政协, 人大常委会, 检察院, 医保局 …) and
  one-to-one renames with the year of the change, as regular expressions; rules of kind ``successor`` (国土资源局 →
  自然资源局: functions merged from several bureaus) are only proposed by ``propose_matches``, never applied.
- ``data/department_aliases.csv``: exact names per region, for what no rule says (江苏's 人大 budget is the 常委会's
  办公厅's).
- a user file of confirmed matches (CSV ``name,canonical[,region]``), which ``normalise_department`` honours first:
  ``propose_matches`` writes the candidates, a person keeps the right ones (``save_confirmed``).

The canonical name is the full name with the place in a standard form: the province for a province's department,
the city for a city's, city and district for a district (株洲市石峰区医疗保障局), the county alone for a county
(衡南县医疗保障局), the municipality and district for a municipality's district (上海市普陀区司法局).
"""

from __future__ import annotations

import csv
import difflib
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from .regions import Region, load_gazetteer, region_from_division, region_of
from .textnorm import clean_name, to_simplified

if TYPE_CHECKING:  # identity reads names on every document without pandas; the matching helpers below import it
    import pandas as pd

# Party and CPPCC committees put the place inside the name: 中国共产党 + 江苏省 + 委员会办公厅
_WRAPPERS = ("中国共产党", "中国人民政治协商会议")
# What a printed name carries that is not the department: the scope of the accounts
_SCOPE_SUFFIX = re.compile(
    r"[（(](?:本级|汇总|部门|单位|本部|机关)[）)]$|(?<=[局委院厅办处室部会府])(?:本级|机关本级)$"
)
# A name that starts with its level alone (省检察院, 区行政审批局): the place is the document's
_BARE_LEVEL = re.compile(r"^([省市区县])")


@dataclass(frozen=True)
class Rewrite:
    pattern: re.Pattern
    replacement: str
    kind: str  # abbreviation / rename / successor
    year: str
    note: str


@dataclass(frozen=True)
class DepartmentName:
    """A printed name taken apart: ``canonical`` = wrapper + place + ``body``; ``how`` lists what was applied."""

    printed: str
    canonical: str
    region: Region
    body: str
    how: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def load_rewrites() -> tuple[Rewrite, ...]:
    """The abbreviation, rename and successor rules of ``data/department_rewrites.csv``, in file order."""
    with (resources.files("juesuan") / "data" / "department_rewrites.csv").open(encoding="utf-8") as fh:
        return tuple(
            Rewrite(re.compile(r["pattern"]), r["replacement"], r["kind"], r["year"], r["note"])
            for r in csv.DictReader(fh)
        )


@lru_cache(maxsize=1)
def load_aliases() -> dict[str, list[tuple[str, str]]]:
    """alias → [(canonical, region code)] from ``data/department_aliases.csv``."""
    out: dict[str, list[tuple[str, str]]] = {}
    with (resources.files("juesuan") / "data" / "department_aliases.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            out.setdefault(r["alias"], []).append((r["canonical"], r["region"]))
    return out


def load_confirmed(path: str | Path) -> dict[str, list[tuple[str, str]]]:
    """A user file of confirmed matches: CSV with ``name`` and ``canonical`` (and optionally ``region``, a code).

    Raises FileNotFoundError when the file is absent and ValueError naming the file when a column is missing.
    """
    import pandas as pd

    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = {"name", "canonical"} - set(df.columns)
    if missing:
        raise ValueError(f"{path}: confirmed matches need the columns name and canonical; missing {sorted(missing)}")
    regions = df["region"] if "region" in df.columns else [""] * len(df)
    out: dict[str, list[tuple[str, str]]] = {}
    for name, canonical, region in zip(df["name"], df["canonical"], regions):
        out.setdefault(_clean(name), []).append((canonical, region))
    return out


Confirmed = dict[str, list[tuple[str, str]]] | str | Path | None


def _clean(name: str | None) -> str:
    return _SCOPE_SUFFIX.sub("", to_simplified(clean_name(name)))


def _lookup(table: dict[str, list[tuple[str, str]]], name: str, region: Region | None) -> str | None:
    """The canonical of ``name`` in an alias table, if one of its rows fits the region (or has none)."""
    for canonical, code in table.get(name, ()):
        if not code or not region or not region.code or _within(region.code, code) or _within(code, region.code):
            return canonical
    return None


def _within(code: str, scope: str) -> bool:
    """Whether division ``code`` lies inside division ``scope``."""
    prefix = scope[:2] if scope.endswith("0000") else scope[:4] if scope.endswith("00") else scope
    return code.startswith(prefix)


def rewrite(name: str, kinds: tuple[str, ...] = ("abbreviation", "rename")) -> tuple[str, list[Rewrite]]:
    """Apply the rules of the given kinds, each once, in file order; return the name and the rules applied."""
    applied = []
    for rule in load_rewrites():
        if rule.kind in kinds:
            new = rule.pattern.sub(rule.replacement, name)
            if new != name:
                name, applied = new, applied + [rule]
    return name, applied


def standard_place(region: Region) -> str:
    """The place as a canonical name prints it (see the module's docstring)."""
    if not region.code:
        return ""
    if region.level == "province":
        return region.province
    if region.level == "city":
        return region.city
    if region.code[:2] in ("11", "12", "31", "50"):
        return region.province + region.county
    if region.county.endswith("区") and region.city and "直辖" not in region.city:
        return region.city + region.county
    return region.county


def parse_department(
    name: str | None, region: Region | None = None, year: int | None = None, confirmed: Confirmed = None
) -> DepartmentName:
    """Take a printed department name apart and build its canonical form.

    ``region`` (the document's place) resolves shared place names and fills a bare 省/市/区/县 ("省检察院");
    ``confirmed`` (a mapping from ``load_confirmed`` or the path of such a file) wins over every rule.
    """
    printed = _clean(name)
    table = load_confirmed(confirmed) if isinstance(confirmed, (str, Path)) else confirmed
    for source, lookup in (("confirmed", table or {}), ("alias", load_aliases())):
        canonical = _lookup(lookup, printed, region)
        if canonical:
            own = region_of(canonical, context=region, year=year)
            return DepartmentName(printed, canonical, own if own else region or Region(), canonical, (source,))
    filled, how = _fill_bare_level(printed, region, year)
    expanded, rules = rewrite(filled)
    how += tuple(f"{r.kind}: {r.note}" for r in rules)
    wrapper = next((w for w in _WRAPPERS if expanded.startswith(w)), "")
    rest = expanded[len(wrapper) :]
    place = region_of(rest, context=region, year=year)
    if place and rest.startswith(place.printed):
        body = rest[len(place.printed) :]
    else:
        place, body = Region(), rest
    canonical = wrapper + standard_place(place) + body
    alias = _lookup(load_aliases(), canonical, place or region)
    if alias and alias != canonical:
        canonical, how = alias, how + ("alias",)
    return DepartmentName(printed, canonical, place, body, how)


def _fill_bare_level(name: str, region: Region | None, year: int | None) -> tuple[str, tuple[str, ...]]:
    """A name that starts with its level alone (省检察院, 区行政审批局) takes the document's place at that level."""
    bare = _BARE_LEVEL.match(name)
    if not bare or not region or not region.code:
        return name, ()
    if region_of(name, year=year).printed and name.startswith(region_of(name, year=year).printed):
        return name, ()  # 市中区…: a place of its own
    at_level = _region_at_level(region, bare.group(1))
    if not at_level:
        return name, ()
    place = at_level.province if at_level.level == "province" else standard_place(at_level)
    return place + name[1:], (f"place: {bare.group(1)} is the document's {place}",)


def _region_at_level(region: Region, level_word: str) -> Region | None:
    """The document's province for 省, its city (or municipality) for 市, its county for 区/县."""
    code = region.code
    if level_word == "省" and not code.startswith(("11", "12", "31", "50")):
        target = code[:2] + "0000"
    elif level_word == "市":
        target = code[:2] + "0000" if code.startswith(("11", "12", "31", "50")) else code[:4] + "00"
    elif level_word in "区县" and region.level == "county" and region.county.endswith(level_word):
        target = code
    else:
        return None
    d = load_gazetteer().division(target)
    return region_from_division(d, source=region.source) if d and target.rstrip("0") else None


def normalise_department(
    name: str | None, region: Region | None = None, year: int | None = None, confirmed: Confirmed = None
) -> str:
    """The canonical name of a department (see ``parse_department``); "" for an empty name."""
    return parse_department(name, region, year, confirmed).canonical if name else ""


def propose_matches(names, regions=None, threshold: float = 0.75) -> pd.DataFrame:
    """Candidate pairs of names that may be one department, with the reason and a score in [0, 1].

    ``names`` is a list of printed names (``regions`` an optional list of Regions beside them). Pairs with the same
    canonical form score 1; a successor rule of the 2018 reform 0.6; names that differ only by a place one of them
    omits 0.8; similar names ``difflib`` ratio × 0.7 (when at least ``threshold``). Every name that pairs with
    nothing is listed with ``name_b`` empty and reason "no match", so nothing is merged or dropped silently.
    """
    import pandas as pd

    names = list(dict.fromkeys(n for n in names if n))
    regions = list(regions) if regions is not None else [None] * len(names)
    parsed = [parse_department(n, r) for n, r in zip(names, regions)]
    rows = []
    for i, a in enumerate(parsed):
        for b in parsed[i + 1 :]:
            reason, score = _pair_reason(a, b, threshold)
            if score:
                rows.append(_pair_row(a, b, reason, score))
    paired = {r["name_a"] for r in rows} | {r["name_b"] for r in rows}
    rows += [_pair_row(p, None, "no match", 0.0) for p in parsed if p.printed not in paired]
    cols = ["name_a", "name_b", "canonical_a", "canonical_b", "region_a", "region_b", "reason", "score"]
    return pd.DataFrame(rows, columns=cols).sort_values(["score", "name_a"], ascending=[False, True], ignore_index=True)


def _pair_row(a: DepartmentName, b: DepartmentName | None, reason: str, score: float) -> dict:
    return {
        "name_a": a.printed,
        "name_b": b.printed if b else "",
        "canonical_a": a.canonical,
        "canonical_b": b.canonical if b else "",
        "region_a": a.region.code,
        "region_b": b.region.code if b else "",
        "reason": reason,
        "score": round(score, 3),
    }


def _pair_reason(a: DepartmentName, b: DepartmentName, threshold: float) -> tuple[str, float]:
    if a.canonical == b.canonical:
        return "same canonical name" + (f" ({'; '.join(a.how + b.how)})" if a.how or b.how else ""), 1.0
    same_place = a.region.code == b.region.code or not a.region.code or not b.region.code
    if not same_place:
        return "", 0.0
    for x, y in ((a, b), (b, a)):
        successor, rules = rewrite(x.canonical, ("successor",))
        if rules and successor == y.canonical:
            return f"successor: {rules[0].note}", 0.6
    if a.body and a.body == b.body and bool(a.region.code) != bool(b.region.code):
        return "same name, one printed without its place", 0.8
    ratio = difflib.SequenceMatcher(None, a.canonical, b.canonical).ratio()
    return (f"similar names (ratio {ratio:.2f})", ratio * 0.7) if ratio >= threshold else ("", 0.0)


def save_confirmed(pairs: pd.DataFrame, path: str | Path) -> int:
    """Append the pairs a person kept (rows of ``propose_matches``) to a confirmed-matches file: each ``name_b``
    (and ``name_a``) gets ``canonical_a`` as its canonical. Returns the number of rows written."""
    path = Path(path)
    keep = pairs[pairs["name_b"].astype(bool)]
    rows = [(n, c, r) for _, p in keep.iterrows() for n, c, r in ((p.name_a, p.canonical_a, p.region_a),) * 1]
    rows += [(p.name_b, p.canonical_a, p.region_b or p.region_a) for _, p in keep.iterrows()]
    new = not path.exists()
    with path.open("a", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        if new:
            writer.writerow(["name", "canonical", "region"])
        writer.writerows(dict.fromkeys(rows))
    return len(dict.fromkeys(rows))


__all__ = [
    "DepartmentName",
    "parse_department",
    "normalise_department",
    "propose_matches",
    "load_confirmed",
    "save_confirmed",
    "rewrite",
    "standard_place",
]
