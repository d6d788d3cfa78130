"""Names and purposes: the 类/款/项 the narrative cites, against the tables and the catalog of the report year.

- ``subject_name``: a cited subject's name is neither the catalog's name in the report year's edition nor the name
  the document's own tables print for that code. When it is the code's name in another edition the finding says so
  ("医疗卫生与计划生育支出（210类）" in a 2026 预算: 210's name 2014–2018; since 2019 卫生健康支出). Checked from the
  2019 edition on, the first the catalog is sure of (``juesuan.validate.codes``).
- ``subject_purpose``: a 项 described ("主要用于…") with the name of another 项 and not its own ("住房公积金（项）…
  用于事业单位医疗保险支出" — 事业单位医疗 is 2101102).

Citations are read from the sentence: "卫生健康支出（类）行政事业单位医疗（款）行政单位医疗（项）", with 上海's codes inside
the markers ("公共安全支出（204类）司法（06款）行政运行（01项）"); a name path without codes is resolved with
``juesuan.codes.resolve_subject`` over every edition, so an outdated name still finds its code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from ..codes import default_catalog, resolve_subject
from ..textnorm import match_key
from .ledger import Ledger, make_finding
from .text import Sentence, Text

FUNCTIONAL = "功能分类"
_FIRST_CERTAIN_EDITION = 2019
_SEGMENT = re.compile(r"(?P<name>[\u4e00-\u9fff、]{2,30}?)[”\"]?[（(](?P<code>\d{0,3})(?P<level>[类款项])[）)]")
# how every _SEGMENT match ends: most sentences have none, and the lazy name run before it is slow to fail
_MARKER = re.compile(r"[（(]\d{0,3}[类款项][）)]")
_PURPOSE = re.compile(r"主要用于[:：]?(?P<what>[^。；;]{2,80})")
_MIN_NAME = 4
_PURPOSE_SHARE = 0.4


@dataclass(frozen=True)
class Citation:
    """A 类/款/项 citation: (name as printed, level) per segment, the code it resolves to, where it ends."""

    segments: tuple[tuple[str, str], ...]
    code: str
    start: int
    end: int


def _join_inline(segments: list[re.Match]) -> str:
    code = segments[0].group("code")
    for m in segments[1:]:
        code += m.group("code").zfill(2) if m.group("code") else ""
    return code if len(code) in (3, 5, 7) else ""


def citations_in(text: str) -> list[Citation]:
    """Every 类/款/项 citation of a sentence, in order, with its code ("" when it cannot be resolved)."""
    return list(_citations(text))


@lru_cache(maxsize=1 << 12)
def _citations(text: str) -> tuple[Citation, ...]:
    if not _MARKER.search(text):
        return ()
    out: list[Citation] = []
    run: list[re.Match] = []
    for m in [*_SEGMENT.finditer(text), None]:
        contiguous = m is not None and run and text[run[-1].end() : m.start()] in ("", "”", "“")
        if m is not None and (m.group("level") == "类" or contiguous) and not (m.group("level") == "类" and run):
            run.append(m)
            continue
        if run:
            out.append(_citation(run))
        run = [m] if m is not None and m.group("level") == "类" else []
    return tuple(out)


def _citation(run: list[re.Match]) -> Citation:
    segments = tuple((m.group("name").lstrip("、"), m.group("level")) for m in run)
    code = _join_inline(run) if run[0].group("code") else ""
    if not code:
        code = resolve_subject("".join(f"{n}（{lv}）" for n, lv in segments), None)
    return Citation(segments, code, run[0].start(), run[-1].end())


def _keys(name: str) -> set[str]:
    """A name and its forms with and without a closing 支出 (narratives cite 卫生健康（类） for 卫生健康支出)."""
    k = match_key(name)
    return {k, k.removesuffix("支出"), k + "支出"}


def _names(code: str, edition: int | None) -> set[str]:
    return {match_key(r["name"]) for r in default_catalog().records_for(code, FUNCTIONAL, edition)}


def _other_editions(code: str, name: str, edition: int) -> str:
    """The editions in which ``name`` was the catalog name of ``code`` (not ``edition``), "" if none."""
    for r in default_catalog().records_for(code, FUNCTIONAL):
        last = r["last_edition"]
        if _keys(name) & {match_key(r["name"])} and not (r["first_edition"] <= edition <= (last or 9999)):
            return f"{r['first_edition']}–{last or ''}"
    return ""


def table_names(parsed) -> dict[str, set[str]]:
    """code → the names the document's tables print for it (keys)."""
    out: dict[str, set[str]] = {}
    for t in parsed.values():
        for c in t.cells:
            if c.get("code") and c.get("classification") == FUNCTIONAL and c.get("name"):
                out.setdefault(c["code"], set()).add(match_key(c["name"]))
    return out


def _name_verdict(name: str, code: str, year: int, printed: dict[str, set[str]]) -> str:
    """ "" when the name is the catalog's (report year) or the tables' name of ``code``; else what is wrong."""
    keys = _keys(name)
    now = _names(code, year)
    if keys & now or keys & printed.get(code, set()):
        return ""
    standard = max(default_catalog().records_for(code, FUNCTIONAL, year), key=lambda r: r["first_edition"])["name"]
    when = _other_editions(code, name, year)
    if when:
        return f"{name!r} is the name of {code} in {when}; in {year} it is {standard!r}"
    if printed.get(code):
        return f"the narrative names {code} {name!r}; the catalog ({year}) has {standard!r}"
    return ""


def name_checks(text: Text, year: int | None, parsed, ledger: Ledger) -> None:
    """``subject_name`` on every cited 类/款/项."""
    if not year or year < _FIRST_CERTAIN_EDITION:
        ledger.not_checked("subject_name", f"the catalog is sure of editions from {_FIRST_CERTAIN_EDITION} on")
        return
    printed = table_names(parsed)
    for s in text.sentences:
        for c in citations_in(s.text):
            if not c.code:
                continue
            for i, (name, level) in enumerate(c.segments):
                code = c.code[: (3, 5, 7)[i]] if i < 3 else ""
                if len(code) != (3, 5, 7)[min(i, 2)] or not _names(code, year):
                    ledger.not_checked("subject_name", "the catalog has no entry for this code in the report year")
                    continue
                verdict = _name_verdict(name, code, year, printed)
                finding = None
                if verdict:
                    finding = make_finding(
                        "subject_name",
                        "warning",
                        f"{name}（{level}）: {verdict}",
                        subject=code,
                        page=s.page_at(c.start),
                        evidence=s.text,
                    )
                ledger.result("subject_name", finding, subject=code)


@lru_cache(maxsize=16)
def _item_names(edition: int | None) -> tuple[tuple[str, str], ...]:
    """(key of a 项 name, its code) for every 项 of an edition with a name specific enough to be told apart."""
    rows = [r for r in default_catalog().records if r["classification"] == FUNCTIONAL and len(r["code"]) == 7]
    rows = [r for r in rows if edition is None or r["first_edition"] <= edition <= (r["last_edition"] or 9999)]
    out = {(match_key(r["name"]), r["code"]) for r in rows if len(match_key(r["name"])) >= _MIN_NAME}
    return tuple(sorted(out, key=lambda x: (-len(x[0]), x[1])))


def _purpose_verdict(c: Citation, what: str, year: int | None) -> tuple[str, str] | None:
    """(other code, its name) when ``what`` is mostly another 项's name and does not name the cited one.

    The cited path's own names are taken out first ("主要用于统计信息事务统计管理" names its 款, not 2010504 信息事务);
    the other name must then make up at least ``_PURPOSE_SHARE`` of what is left, so a list of activities that
    mentions another 项 in passing ("人民调解、医患纠纷、社区矫正和安置帮教等工作支出") is not a finding, and a
    description close to the catalog's 科目说明 of the cited 项 never is."""
    own = match_key(c.segments[-1][0])
    said = match_key(what)
    if own in said or own.removesuffix("支出") in said or own.removeprefix("其他") in said:
        return None
    for name, _level in c.segments[:-1]:
        said = said.replace(match_key(name), "")
    said = re.sub(r"^(?:用于|支付|发放)|(?:等)?(?:方面的|工作)?(?:支出|经费)$", "", said)
    if not said or _close_to_purpose(c.code, what, year):
        return None
    hits = [(n, k) for n, k in _item_names(year) if k != c.code and n in said and len(n) >= _PURPOSE_SHARE * len(said)]
    if not hits:
        return None
    # of several 项 of that name (一般行政管理事务 is a 项 of many 款), the one nearest the cited 项
    name, code = max(hits, key=lambda h: (len(h[0]), _shared_prefix(h[1], c.code), -int(h[1])))
    return code, name


def _shared_prefix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def _close_to_purpose(code: str, what: str, year: int | None) -> bool:
    purposes = [r["purpose"] for r in default_catalog().records_for(code, FUNCTIONAL, year) if r.get("purpose")]
    return any(SequenceMatcher(None, match_key(what), match_key(p)).ratio() >= 0.5 for p in purposes)


def purpose_checks(text: Text, year: int | None, ledger: Ledger) -> None:
    """``subject_purpose`` on every "主要用于…" that follows a 项 citation in the same paragraph."""
    edition = year if year and year >= _FIRST_CERTAIN_EDITION else None
    for s in text.sentences:
        cites = [c for c in citations_in(s.text) if len(c.code) == 7 and c.segments[-1][1] == "项"]
        if not cites:
            continue
        c = cites[-1]
        m = _PURPOSE.search(_following(text, s, c))
        if m is None:
            continue
        other = _purpose_verdict(c, m.group("what"), edition)
        finding = None
        if other:
            finding = make_finding(
                "subject_purpose",
                "warning",
                f"{c.segments[-1][0]}（项） ({c.code}) is described as {m.group('what')!r}, which names "
                f"{other[0]} {other[1]}",
                subject=c.code,
                page=s.page_at(c.start),
                evidence=s.passage.text[s.start + c.start : s.start + c.end] + _following(text, s, c),
            )
        ledger.result("subject_purpose", finding, subject=c.code)


def _following(text: Text, s: Sentence, c: Citation) -> str:
    """The text after a citation up to the end of its paragraph's next sentence (上海: "…（01项）1434.89万元。主要用于：
    行政单位的基本支出。")."""
    p = s.passage
    rest = p.text[s.start + c.end :]
    ends = [i for i, ch in enumerate(rest) if ch == "。"]
    return rest[: ends[1] + 1] if len(ends) > 1 else rest


def names_checks(text: Text, year: int | None, parsed, ledger: Ledger) -> Ledger:
    """All checks of this module on one document."""
    name_checks(text, year, parsed, ledger)
    purpose_checks(text, year, ledger)
    return ledger
