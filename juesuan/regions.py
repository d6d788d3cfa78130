"""Where a document is from: a gazetteer of China's divisions and ``region_of(text) -> Region``.

The gazetteer is ``data/divisions.csv`` (built by ``tools/make_divisions.py``; sources in ``data/README.md``): every
province, prefecture and county-level division of the 国家统计局 2023 code table, plus the names and codes the 民政部
table used since 2015 for counties since renamed or merged (株洲县 430221 until 2018, now 渌口区 430212), each with the
revisions it was seen in. ``data/region_aliases.csv`` adds names that are not divisions but stand for one
(平潭综合实验区 governs 平潭县).

A department name or a title places itself by the divisions it starts with ("株洲市石峰区医疗保障局" → 湖南省 株洲市
石峰区 430204). Names shared by several divisions (朝阳区 is in 北京 and in 长春, 普陀区 in 上海 and in 舟山) are
resolved only by a parent printed before them or by the context (the province or city the document names elsewhere);
otherwise the Region is ambiguous and lists the candidates — never a guess.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass, field, fields
from functools import lru_cache
from importlib import resources

from .textnorm import clean_name, to_simplified

_MUNICIPALITIES = ("11", "12", "31", "50")
# Placeholders of the code table that name no place of their own
_PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
_PROVINCE_SUFFIX = re.compile(r"(?:省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)$")
_CITY_SUFFIX = re.compile(
    r"(?:[\u4e00-\u9fff]{0,8}?族)*(?:自治州|地区|盟|市)$"
)  # 延边朝鲜族自治州 → 延边, 株洲市 → 株洲
# Lines that give an address: the place they name is where the unit is, not a place it works with
_ADDRESS = re.compile(r"位于|地址|坐落|地处|办公地点|驻地")


@dataclass(frozen=True)
class Division:
    """One row of the gazetteer: a code and the name it had (``status`` current, statistical or former)."""

    code: str
    name: str
    level: str  # province / city / county
    status: str
    first_seen: str = ""  # revision (YYYYMM) of the code table where this code and name first appear
    last_seen: str = ""  # last revision a former name was seen in; "" for a current one

    @property
    def province_code(self) -> str:
        return self.code[:2] + "0000"

    @property
    def city_code(self) -> str:
        return self.code[:4] + "00"

    def valid_in(self, year: int | None) -> bool:
        """Whether the code table could have used this name in ``year`` (unknown bounds are open)."""
        if year is None:
            return True
        if self.first_seen and int(self.first_seen[:4]) > year:
            return False
        return not (self.last_seen and int(self.last_seen[:4]) < year)


@dataclass(frozen=True)
class Region:
    """A place: province, city (``市辖区`` for a municipality's districts) and county names, the code of the most
    specific one, where it was read (``source``) and the text it was read from (``printed``).

    An empty Region (``not region``) means no place was found; ``candidates`` then lists the codes a shared name
    could stand for (``ambiguous``).
    """

    province: str = ""
    city: str = ""
    county: str = ""
    code: str = ""
    source: str = ""
    printed: str = ""
    candidates: tuple[str, ...] = ()
    former: bool = False  # the name matched is one the code table no longer uses

    def __bool__(self) -> bool:
        return bool(self.code)

    @property
    def level(self) -> str:
        if not self.code:
            return ""
        return "county" if self.county else "city" if self.city else "province"

    @property
    def ambiguous(self) -> bool:
        return not self.code and len(self.candidates) > 1

    @property
    def name(self) -> str:
        """The place as one string, without the table's placeholders: "上海市普陀区", "湖南省株洲市石峰区"."""
        return "".join(p for p in (self.province, self.city, self.county) if p and p not in _PLACEHOLDERS)

    def as_row(self) -> dict[str, str]:
        """The region columns of a ``documents`` row."""
        return {
            "province": self.province,
            "city": self.city,
            "county": self.county,
            "region": self.name,
            "region_code": self.code,
            "region_source": self.source,
        }


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    text: str
    divisions: tuple[Division, ...]


@dataclass
class Gazetteer:
    """Divisions by code and by name (full names, former names, aliases, short forms of provinces and cities)."""

    by_code: dict[str, list[Division]]
    by_name: dict[str, list[Division]] = field(default_factory=dict)
    by_short: dict[str, list[Division]] = field(default_factory=dict)
    _first2: dict[str, list[str]] = field(default_factory=dict, repr=False)

    def division(self, code: str, year: int | None = None) -> Division | None:
        """The division with ``code`` (its name in ``year`` when given, else its current name)."""
        rows = self.by_code.get(code, [])
        fitting = [d for d in rows if d.valid_in(year)] or rows
        return next((d for d in fitting if d.status != "former"), fitting[0] if fitting else None)

    def mentions(self, text: str, short: bool) -> list[_Mention]:
        """Division names in ``text``, longest first at each position, left to right, not overlapping."""
        out = []
        i = 0
        while i < len(text) - 1:
            hit = next((n for n in self._first2.get(text[i : i + 2], ()) if text.startswith(n, i)), None)
            if hit and (hit in self.by_name or short):
                divisions = tuple(self.by_name.get(hit, ())) + tuple(self.by_short.get(hit, ()) if short else ())
                out.append(_Mention(i, i + len(hit), hit, divisions))
                i += len(hit)
            else:
                i += 1
        return out


def _short_forms(d: Division) -> list[str]:
    if d.level == "province":
        short = _PROVINCE_SUFFIX.sub("", d.name)
    elif d.level == "city":
        short = _CITY_SUFFIX.sub("", d.name)
    else:
        return []
    return [short] if 2 <= len(short) < len(d.name) else []


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The gazetteer shipped with juesuan (``data/divisions.csv`` and ``data/region_aliases.csv``)."""
    data = resources.files("juesuan") / "data"
    by_code: dict[str, list[Division]] = {}
    with (data / "divisions.csv").open(encoding="utf-8") as fh:
        rows = csv.reader(fh)  # rows as lists (DictReader's dict per row was a third of the load, paid by every start)
        header = next(rows)
        order = [header.index(f.name) for f in fields(Division)]
        for row in rows:
            d = Division(*[row[i] for i in order])
            by_code.setdefault(d.code, []).append(d)
    gaz = Gazetteer(by_code)
    for rows in by_code.values():
        for d in rows:
            if d.name not in _PLACEHOLDERS:
                gaz.by_name.setdefault(d.name, []).append(d)
            for short in _short_forms(d) if d.status == "current" else ():
                gaz.by_short.setdefault(short, []).append(d)
    with (data / "region_aliases.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            # an alias without a code is a name that is not a place (中山大学): it blocks the short form inside it
            rows = by_code.get(row["code"], []) if row["code"] else []
            gaz.by_name.setdefault(row["alias"], []).extend(d for d in rows if d.status == "current")
    names = sorted(set(gaz.by_name) | set(gaz.by_short), key=lambda n: (-len(n), n))
    for n in names:
        gaz._first2.setdefault(n[:2], []).append(n)
    return gaz


def _fits(child: Division, parent: Division) -> bool:
    if parent.level == "province":
        return child.level != "province" and child.code[:2] == parent.code[:2]
    return parent.level == "city" and child.level == "county" and child.code[:4] == parent.code[:4]


def _chains(mentions: list[_Mention]) -> list[list[_Mention]]:
    """Runs of adjacent mentions (a province, then a city, then a county) that could be one place."""
    chains: list[list[_Mention]] = []
    for m in mentions:
        last = chains[-1][-1] if chains else None
        if last and m.start == last.end and any(_fits(c, p) for c in m.divisions for p in last.divisions):
            chains[-1].append(m)
        else:
            chains.append([m])
    return chains


def _resolve(chain: list[_Mention], year: int | None) -> list[Division]:
    """The divisions the last mention of the chain can be, given the mentions before it."""
    options = [d for d in chain[0].divisions if d.valid_in(year)] or list(chain[0].divisions)
    for m in chain[1:]:
        here = [d for d in m.divisions if any(_fits(d, p) for p in options)]
        fitting = [d for d in here if d.valid_in(year)] or here
        options = fitting or options
    return _unique(options)


def _unique(divisions: list[Division]) -> list[Division]:
    """One division per code, the current name before a former one."""
    best: dict[str, Division] = {}
    for d in divisions:
        if d.code not in best or (best[d.code].status == "former" and d.status != "former"):
            best[d.code] = d
    return list(best.values())


def _narrow(options: list[Division], context: Region | None) -> list[Division]:
    if len(options) < 2 or not context:
        return options
    inside = [d for d in options if d.code.startswith(_prefix(context.code))]
    return inside or options


def _prefix(code: str) -> str:
    return code[:2] if code.endswith("0000") else code[:4] if code.endswith("00") else code


def region_from_division(d: Division, gaz: Gazetteer | None = None, year: int | None = None, **how) -> Region:
    """The Region of one division: its province, city and county names."""
    gaz = gaz or load_gazetteer()
    province = gaz.division(d.province_code, year)
    city = gaz.division(d.city_code, year) if d.level == "county" else None
    return Region(
        province=province.name if province else "",
        city=d.name if d.level == "city" else (city.name if city else ""),
        county=d.name if d.level == "county" else "",
        code=d.code,
        former=d.status == "former",
        **how,
    )


def region_of(
    text: str | None, *, context: Region | None = None, year: int | None = None, source: str = "name"
) -> Region:
    """The place a department name or a title starts with (province, city, county and code).

    Short forms of provinces and cities count here ("江苏政协" → 江苏省). A name several divisions share is resolved
    by the divisions printed before it, then by ``context`` (a Region read elsewhere in the document); if it is still
    shared the Region is empty with ``candidates`` set. ``year`` prefers the names the code table used that year.
    Returns an empty Region when the text names no place ("西南大学").
    """
    name = to_simplified(clean_name(text))
    gaz = load_gazetteer()
    mentions = [m for m in gaz.mentions(name, short=True) if not _inside_word(name, m)]
    if not mentions:
        return Region()
    chain = _chains(mentions)[0]
    return _region_of_chain(chain, name, gaz, context, year, source)


def _inside_word(text: str, m: _Mention) -> bool:
    """A short form followed by a level word that is not its own ("江西路", "海南区"): not that division."""
    return (
        m.text in load_gazetteer().by_short
        and m.text not in load_gazetteer().by_name
        and m.end < len(text)
        and (text[m.end] in "路街道村镇乡")
    )


def _region_of_chain(
    chain: list[_Mention], text: str, gaz: Gazetteer, context: Region | None, year: int | None, source: str
) -> Region:
    printed = text[chain[0].start : chain[-1].end]
    options = _narrow(_resolve(chain, year), context)
    if len(options) == 1:
        return region_from_division(options[0], gaz, year, source=source, printed=printed)
    return Region(source=source, printed=printed, candidates=tuple(sorted(d.code for d in options)))


def region_in_text(
    lines: list[str], *, context: Region | None = None, year: int | None = None, source: str = "text"
) -> Region:
    """The place a document's text says it is in: an address line first ("学校主体位于重庆市北碚区"), else the
    place its lines name most often. Only full names count here (short forms are too often plain words), and a
    county counts alone only on an address line (see ``_may_stand_alone``).

    ``source`` is completed with the line number (1-based, in ``lines``) the place was read from.
    """
    gaz = load_gazetteer()
    found: list[tuple[bool, int, Region]] = []
    for i, line in enumerate(lines, start=1):
        text = to_simplified(clean_name(line))
        is_address = bool(_ADDRESS.search(text))
        for chain in _chains(gaz.mentions(text, short=False)):
            if len(chain) == 1 and not _may_stand_alone(chain[0], is_address):
                continue
            region = _region_of_chain(chain, text, gaz, context, year, f"{source} line {i}")
            if region:
                found.append((is_address, i, region))
    if not found:
        return Region()
    address = [r for is_address, _, r in found if is_address]
    if address:
        return max(address, key=lambda r: len(r.code.rstrip("0")))
    return _most_named(found)


def _may_stand_alone(m: _Mention, is_address: bool) -> bool:
    """In free text a county named without its city or province counts only on an address line: 老城区, 城区, 和县
    are counties and words alike; a name several divisions share (普陀区) never counts alone."""
    if len(_unique(list(m.divisions))) > 1:
        return False
    return is_address or all(d.level != "county" for d in m.divisions)


def _most_named(found: list[tuple[bool, int, Region]]) -> Region:
    """The province named most often, then the one county (else the one city) under it that the text names, when
    it makes at least half of the mentions there."""
    provinces = Counter(r.code[:2] for _, _, r in found)
    (top, n), *rest = provinces.most_common()
    if rest and rest[0][1] == n:
        tied = sorted(p + "0000" for p, k in provinces.items() if k == n)
        return Region(source=found[0][2].source.split(" line")[0], candidates=tuple(tied))
    under = [r for _, _, r in found if r.code[:2] == top]
    # a place below the province counts when it is most of what the text names there: a university of 重庆 that
    # names the 石柱 county it helps once, among ten mentions of 重庆市, is not in 石柱
    counties = Counter(r.code for r in under if r.level == "county")
    if len(counties) == 1 and 2 * sum(counties.values()) >= len(under):
        return next(r for r in under if r.level == "county")
    cities = Counter(r.code[:4] for r in under if r.level in ("city", "county"))
    if len(cities) == 1 and 2 * sum(cities.values()) >= len(under):
        return _as_level(next(r for r in under if r.level in ("city", "county")), "city")
    return _as_level(under[0], "province")


def _as_level(region: Region, level: str) -> Region:
    """The city or province that contains ``region``."""
    code = region.code[:4] + "00" if level == "city" else region.code[:2] + "0000"
    d = load_gazetteer().division(code)
    return region_from_division(d, source=region.source, printed=region.printed) if d else region


def division(code: str, year: int | None = None) -> Division | None:
    """The gazetteer's division with ``code`` (its name in ``year`` when given)."""
    return load_gazetteer().division(code, year)


__all__ = ["Division", "Region", "Gazetteer", "load_gazetteer", "region_of", "region_in_text", "division"]
