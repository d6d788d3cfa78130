"""What a document is: ``identify(raw, regions=None) -> Identity`` — kind, year, department, scope, region, status.

Each field is read where the document states it, most reliable first, and the Identity says where (``sources``):

- the **title block** (the cover: the first lines before the contents; a web page's 标题 line): "2017年度平潭综合实验区
  岚城乡人民政府决算说明" gives the year, the kind and the department at once;
- **label lines** ("部门：中共江苏省委办公厅", "预算主管部门：…", "预算单位：…", a web page's 发布机构);
- **part headings** ("第一部分 株洲市石峰区医疗保障局概况");
- the **tables found** (their titles say 决算 or 预算);
- the **narrative** (the subject of its sentences: "江苏省政协办公厅2019年度收入、支出预算总计…"), then the **file name**.

A department is a unit's name or nothing: a candidate that reads as a sentence ("根据财政部、省财政厅关于推进"), a table
title, or a fragment of a longer name printed elsewhere in the document ("资源局") is refused. Text in traditional
characters (a mirror of an official page) is read through OpenCC first. Vocabulary (organisation suffixes, sentence
words, the compounds in which 预算 does not name the document's kind, checklist and placeholder words) is
``data/identity_words.csv``.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .departments import normalise_department
from .raw import RawDocument
from .regions import Region, region_in_text, region_of
from .textnorm import PART, clean_name, is_amount, is_traditional, squash, to_simplified

STATUSES = ("disclosure", "template", "checklist", "not a disclosure")
_CONTENTS = re.compile(r"^目\s*录$|^目录|^序号报表名称")
_PART = re.compile(rf"^{PART}")
_LABEL = re.compile(
    r"^(?P<label>预算主管部门|主管部门|预算单位|编制部门|填报单位|单位名称|部门名称|部门|单位|发布机构)\s*[:：]\s*(?P<name>.+)$"
)
_UNIT_TAIL = re.compile(r"\s*(?:金额)?单位\s*[:：].*$")
_UNIT_LINE = re.compile(r"(?:金额)?单位\s*[:：]\s*(?:万元|元|千元|亿元)")
_WEB_TITLE = re.compile(r"^标题\s*[:：]\s*(.+)$")
_WEB_META = re.compile(r"^(?:发布时间|文号|发布机构|栏目|原文链接|本地目录)\s*[:：]")
_YEAR = re.compile(
    r"((?:19|20)\d{2})\s*年\s*度?(?!\s*\d{1,2}\s*月)|(?<!\d)(\d{2})\s*年(?=\s*(?:区级|部门|单位)?(?:预算|决算))"
)
_DATE = re.compile(r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月|(?:19|20)\d{2}-\d{1,2}-\d{1,2}")
_KIND = re.compile(r"决算|预算")
_STRIP = re.compile(
    r"(?:(?:19|20)\d{2}|\d{2})\s*年度?|度(?=部门|单位)|(?:区级|省级|市级|县级)?(?:部门|单位)?(?:汇总)?(?:整体支出)?"
    r"(?:预算|决算)(?:公开)?(?:说明|文件|表格|表|报表|报告|情况说明|编制说明)?(?:公开)?|公开(?:说明|文件|表格|表)?$"
    r"|概况$|[（(]本级[）)]$|(?:部门|单位)$"
)
# A unit placed before a narrative verb: "江苏省政协办公厅2019年度收入…", "区医保局（以下简称…"
_SUBJECT_TAIL = (
    r"(?=(?:19|20)\d{2}|本年|上年|（以下简称|\(以下简称|是|为|设|内设|下设|主要职|于|现有|共有|部门决算|部门预算)"
)


@dataclass(frozen=True)
class Identity:
    """Who, where, what and when a document is.

    ``department`` is the unit's name as printed (cleaned), ``department_canonical`` its canonical name
    (``juesuan.departments``); ``scope`` is 部门, 单位, 本级 or 汇总 where the document says so, else "";
    ``status`` is one of ``STATUSES`` and ``reason`` says why; ``sources`` maps each field to where it was read
    ("title p1 r2", "label p1 r3", "tables", "text p4 r7", "file name").
    """

    kind: str = ""
    year: int | None = None
    department: str = ""
    department_canonical: str = ""
    scope: str = ""
    region: Region = field(default_factory=Region)
    status: str = "disclosure"
    reason: str = ""
    sources: dict[str, str] = field(default_factory=dict)
    traditional: bool = False

    @property
    def is_disclosure(self) -> bool:
        return self.status == "disclosure"

    def as_row(self) -> dict:
        """The identity columns of a ``documents`` row."""
        return {
            "kind": self.kind,
            "year": self.year,
            "department": self.department,
            "department_canonical": self.department_canonical,
            "scope": self.scope,
            **self.region.as_row(),
            # the documents row's own status (ok / partial / failed / not a disclosure) is the pipeline's: this says
            # whether the file is a disclosure at all, and why not
            "disclosure": self.status,
            "disclosure_reason": self.reason,
        }


@dataclass(frozen=True)
class _Text:
    """A text line with where it stands."""

    page: int
    row: int
    text: str  # squashed, simplified

    @property
    def where(self) -> str:
        return f"p{self.page} r{self.row}"


@lru_cache(maxsize=1)
def _words() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    with (resources.files("juesuan") / "data" / "identity_words.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            out.setdefault(r["role"], []).append(r["word"])
    return {k: tuple(sorted(v, key=len, reverse=True)) for k, v in out.items()}


def org_suffixes() -> tuple[str, ...]:
    """How the name of a department or unit ends (局, 委员会, 大学, 幼儿园 …), longest first: data/identity_words.csv,
    the one list that identity, the table titles and the name checks share."""
    return _words()["org_suffix"]


@lru_cache(maxsize=1)
def _org_pattern() -> re.Pattern:
    return re.compile("(?:" + "|".join(map(re.escape, _words()["org_suffix"])) + ")$")


@lru_cache(maxsize=1)
def _subject_pattern() -> re.Pattern:
    suffixes = "|".join(map(re.escape, _words()["org_suffix"]))
    return re.compile(r"([\u4e00-\u9fff（）]{2,30}?(?:" + suffixes + "))" + _SUBJECT_TAIL)


@lru_cache(maxsize=1)
def _subject_end() -> re.Pattern:
    """Where a ``_subject_pattern`` match can end: an organisation's suffix followed by the subject's tail."""
    return re.compile("(?:" + "|".join(map(re.escape, _words()["org_suffix"])) + ")" + _SUBJECT_TAIL)


def is_unit_name(text: str) -> bool:
    """Whether ``text`` reads as the name of a unit: 3–40 characters ending as organisations do, and neither a
    sentence, a table title nor a unit of money."""
    if not 3 <= len(text) <= 40 or not _org_pattern().search(text):
        return False
    words = _words()
    return not any(w in text for w in words["sentence"] + words["not_name"])


def simplified(raw: RawDocument) -> RawDocument:
    """The document with traditional characters converted to simplified (OpenCC t2s) when its text is in
    traditional characters, with a note saying so; the same object otherwise. Amounts are untouched (t2s changes
    no digit)."""
    sample = "".join(ln.text for ln in raw.lines[:400])
    if not is_traditional(sample):
        return raw
    lines = [replace(ln, cells=tuple(to_simplified(c) if c else c for c in ln.cells)) for ln in raw.lines]
    note = ("info", "text in traditional characters: read as simplified (OpenCC t2s)")
    return replace(raw, lines=lines, notes=[*raw.notes, note])


def _texts(raw: RawDocument) -> list[_Text]:
    return [_Text(ln.page, ln.row, squash(clean_name(ln.text))) for ln in raw.lines if not ln.is_row and ln.text]


def title_block(texts: list[_Text], limit: int = 8) -> list[_Text]:
    """The cover: a web page's 标题 line and metadata, else the first text lines up to the contents, a part
    heading or a sentence (at most ``limit``)."""
    web = [t for t in texts[:12] if _WEB_TITLE.match(t.text)]
    if web:
        t = web[0]
        meta = [x for x in texts[:12] if _WEB_META.match(x.text) and x.text.startswith("栏目")]
        return [_Text(t.page, t.row, _WEB_TITLE.match(t.text).group(1)), *meta]
    out = []
    for t in texts[: limit * 2]:
        if _CONTENTS.match(t.text) or (_PART.match(t.text) and out) or len(t.text) > 50 or _UNIT_LINE.search(t.text):
            break  # a cover's lines are short: a long one is narrative, a unit line a table's header
        out.append(t)
    return out[:limit]


def _mask(text: str) -> str:
    for w in _words()["kind_compound"]:
        text = text.replace(w, "＿")
    return text


def kind_of(texts: list[_Text], title: list[_Text], regions=None) -> tuple[str, str]:
    """决算 or 预算, and where it was read: the title block, else the tables' titles, else the text."""
    for t in title:
        kinds = set(_KIND.findall(_mask(t.text)))
        if len(kinds) == 1:
            return kinds.pop(), f"title {t.where}"
    # only a title that says 决算 or 预算 counts: the recogniser files "一般公共预算“三公”经费支出表", printed in
    # 决算 notices too, under 预算
    tables = Counter(r.kind for r in regions or () if r.kind and _KIND.search(_mask(squash(r.title or ""))))
    if tables:
        return tables.most_common(1)[0][0], "tables"
    masked = _mask("\n".join(t.text for t in texts))
    # 决算 narratives say 预算 often (年初预算 and the like are masked, but not every phrasing), so a steady use of
    # 决算 decides
    if masked.count("决算") >= 3 or masked.count("决算") > masked.count("预算"):
        return "决算", "text"
    return ("预算", "text") if "预算" in masked else ("", "")


def _year_in(text: str) -> int | None:
    text = _DATE.sub("", text)
    for m in _YEAR.finditer(text):
        year = int(m.group(1)) if m.group(1) else 2000 + int(m.group(2))
        if 2000 <= year <= 2100:
            return year
    return None


def year_of(texts: list[_Text], title: list[_Text], file_name: str = "") -> tuple[int | None, str]:
    """The fiscal year and where it was read: the title block (the line naming the kind first), else the file
    name, else the year the text writes most often ("20XX年", dates excluded).

    Seed 001 writes "2020年度" once for the prior year and "2021 年" throughout: the count, not the 年度, decides.
    """
    ranked = sorted(title, key=lambda t: not _KIND.search(t.text))
    for t in ranked:
        year = _year_in(t.text)
        if year:
            return year, f"title {t.where}"
    year = _year_in(Path(file_name).stem.replace("_", " "))
    if year:
        return year, "file name"
    counts = Counter(
        int(y) for t in texts for y in re.findall(r"((?:19|20)\d{2})\s*年(?!\s*\d{1,2}\s*月)", _DATE.sub("", t.text))
    )
    return (counts.most_common(1)[0][0], "text") if counts else (None, "")


def _name_in_title(text: str) -> str:
    name = _STRIP.sub("", _PART.sub("", _WEB_TITLE.sub(r"\1", text)))
    return name if is_unit_name(name) else ""


def department_candidates(texts: list[_Text], title: list[_Text], file_name: str = "") -> list[tuple[str, str]]:
    """(name, where) for every place a document names its unit, most reliable first."""
    out: list[tuple[str, str]] = []
    labels = [(m.group("label"), _UNIT_TAIL.sub("", m.group("name")), t) for t in texts if (m := _LABEL.match(t.text))]
    named = Counter(name for label, name, _ in labels if label != "发布机构" and is_unit_name(name))
    out += [(n, f"label {next(t.where for _, x, t in labels if x == n)}") for n, _ in named.most_common()]
    out += [(n, f"title {t.where}") for t in title if (n := _name_in_title(t.text))]
    out += [(n, f"label {t.where}") for label, n, t in labels if label == "发布机构" and is_unit_name(n)]
    parts = [t for t in texts[:400] if _PART.match(t.text)]
    out += [(n, f"heading {t.where}") for t in parts if (n := _name_in_title(t.text))]
    subjects = Counter()
    first: dict[str, _Text] = {}
    for t in texts[:600]:
        for name in _subjects_in(t.text):
            subjects[name] += 1
            first.setdefault(name, t)
    out += [(n, f"text {first[n].where}") for n, _ in subjects.most_common()]
    stem = Path(file_name).stem.split("__")[-1] if file_name else ""
    if stem and (n := _name_in_title(stem)):
        out.append((n, "file name"))
    return out


@lru_cache(maxsize=1 << 12)
def _subjects_in(text: str) -> tuple[str, ...]:
    """The unit names a line gives as its sentences' subject, in order (memoised: ``identify`` runs twice on a
    document, before and after its tables are settled, and the pattern is slow)."""
    if not _subject_end().search(text):
        return ()  # every match ends so: most lines have no such place, and the whole pattern is slow to fail
    names = (_from_place(_PART.sub("", m.group(1))) for m in _subject_pattern().finditer(text))
    return tuple(name for name in names if is_unit_name(name))


def _from_place(text: str) -> str:
    """A sentence's subject from the place it names on: "现将岳阳县自然资源局" → "岳阳县自然资源局"."""
    place = region_of(text).printed
    start = text.find(place) if place else -1
    return text[start:] if start > 0 else text


def department_of(candidates: list[tuple[str, str]]) -> tuple[str, str]:
    """The first candidate, lengthened to a longer one that ends with it and that a label, the cover or a heading
    prints ("资源局" in a sentence → "自然资源局" of the cover)."""
    if not candidates:
        return "", ""
    name, where = candidates[0]
    reliable = [(n, w) for n, w in candidates if w.startswith(("label", "title", "heading"))]
    longer = [(n, w) for n, w in reliable if n != name and n.endswith(name)]
    return max(longer, key=lambda c: len(c[0])) if longer else (name, where)


def scope_of(title: list[_Text], texts: list[_Text]) -> tuple[str, str]:
    """部门, 单位, 本级 or 汇总 where the cover or a label line says so."""
    for t in title:
        for pattern, scope in ((r"[（(]?本级[）)]?", "本级"), (r"汇总", "汇总"), (r"单位(?:预算|决算)", "单位")):
            if re.search(pattern, t.text):
                return scope, f"title {t.where}"
        if re.search(r"部门(?:汇总)?(?:预算|决算)|部门整体|部门预决算", t.text):
            return "部门", f"title {t.where}"
    for t in [t for t in texts[:400] if _PART.match(t.text)] + texts[:80]:
        for pattern, scope in ((r"单位(?:预算|决算)", "单位"), (r"部门(?:预算|决算)", "部门")):
            if re.search(pattern, t.text) and not _LABEL.match(t.text):
                return scope, f"{'heading' if _PART.match(t.text) else 'text'} {t.where}"
        m = _LABEL.match(t.text)
        if m and m.group("label") in ("预算单位", "单位名称"):
            return "单位", f"label {t.where}"
        if m and m.group("label") in ("预算主管部门", "部门", "部门名称"):
            return "部门", f"label {t.where}"
    return "", ""


def status_of(raw: RawDocument, texts: list[_Text], title: list[_Text], department: str, kind: str) -> tuple[str, str]:
    """disclosure, or why not: a checklist about a disclosure, the official template (placeholders instead of
    names and numbers), or a file that is neither a 决算 nor a 预算 (a README)."""
    words = _words()
    head = "".join(t.text for t in title) + "".join(ln.text for ln in raw.lines[:12] if ln.is_row)
    hit = next((w for w in words["checklist"] if w in head), "")
    if hit:
        return "checklist", f"a checklist about a disclosure ({hit} in the title block)"
    # counted in the lines joined by a line break, which no placeholder holds: a count never runs over two lines
    joined = "\n".join(t.text for t in texts)
    placeholders = sum(joined.count(w) for w in words["placeholder"])
    named = any(w in department for w in words["placeholder"])
    if named or placeholders >= 5:  # the tables' amounts asked only then: most documents have no placeholder
        amounts = sum(1 for ln in raw.lines if ln.is_row for c in ln.cells if c and is_amount(c) and "." in c)
        if named or amounts == 0:
            return (
                "template",
                f"a template: {placeholders} placeholders (XX, ××, 。。。) and {amounts} amounts in its tables",
            )
    if Path(raw.path).name.lower().startswith("readme") or not kind:
        return "not a disclosure", "neither a 决算 nor a 预算: no title, table or text says which"
    return "disclosure", ""


def region_for(department: str, title: list[_Text], texts: list[_Text], file_name: str, year: int | None) -> Region:
    """The place: from the department's name, else the title block, else the file name, else the text (an address
    line first). A shared name (普陀区) is resolved by the place the text names."""
    context = None
    shared = Region()
    tries = [(department, "department")] + [(t.text, f"title {t.where}") for t in title]
    tries.append((Path(file_name).stem, "file name"))
    for text, source in tries:
        region = region_of(text, year=year, source=source)
        if region.ambiguous:
            context = context or region_in_text([t.text for t in texts], year=year)
            shared = shared if shared.ambiguous else region
            region = region_of(text, context=context, year=year, source=source)
        if region:
            return region
    found = region_in_text([t.text for t in texts], year=year)
    if found and " line " in found.source:
        where = texts[int(found.source.rsplit(" ", 1)[1]) - 1].where
        return replace(found, source=f"text {where}")
    return found or shared  # a name several places share stays ambiguous: its candidates, never a guess


def identify(raw: RawDocument, regions=None) -> Identity:
    """Who (department, scope), where (region), what (kind, status) and when (year) a document is.

    ``regions`` are the tables found (``juesuan.tables.find_tables``); their titles say 决算 or 预算 when the
    cover does not. Works on any RawDocument; never raises for an odd document (an empty field says "not found").
    """
    doc, texts, title = _basis(raw)
    file_name = Path(raw.path).name
    kind, kind_src = kind_of(texts, title, regions)
    year, year_src = year_of(texts, title, file_name)
    department, dept_src = department_of(department_candidates(texts, title, file_name))
    region = region_for(department, title, texts, file_name, year)
    scope, scope_src = scope_of(title, texts)
    status, reason = status_of(doc, texts, title, department, kind)
    sources = _sources(kind=kind_src, year=year_src, department=dept_src, scope=scope_src, region=region.source)
    return Identity(
        kind=kind,
        year=year,
        department=department,
        department_canonical=normalise_department(department, region, year),
        scope=scope,
        region=region,
        status=status,
        reason=reason,
        sources=sources,
        traditional=doc is not raw,
    )


def _basis(raw: RawDocument) -> tuple[RawDocument, list[_Text], list[_Text]]:
    """The document in simplified characters, its texts and its title block: what every question starts from."""
    doc = simplified(raw)
    texts = _texts(doc)
    return doc, texts, title_block(texts)


def reidentify(first: Identity, raw: RawDocument, regions) -> Identity:
    """``identify(raw, regions)`` given ``first``, the identity of the same ``raw`` with other regions: only the
    kind reads the regions (and the status reads the kind), so the rest is kept instead of asked again (the
    document asks twice: once to name untitled tables, then on the tables kept)."""
    doc, texts, title = _basis(raw)
    kind, kind_src = kind_of(texts, title, regions)
    if kind == first.kind and kind_src == first.sources.get("kind", ""):
        return first
    status, reason = status_of(doc, texts, title, first.department, kind)
    return replace(
        first, kind=kind, status=status, reason=reason, sources=_sources(**{**first.sources, "kind": kind_src})
    )


def _sources(kind="", year="", department="", scope="", region="") -> dict[str, str]:
    """Where each field was read, in this order; a field not found has no entry."""
    sources = {"kind": kind, "year": year, "department": department, "scope": scope, "region": region}
    return {k: v for k, v in sources.items() if v}


__all__ = ["Identity", "STATUSES", "identify", "simplified", "is_unit_name", "title_block"]
