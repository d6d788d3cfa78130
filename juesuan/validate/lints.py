"""Text lints: what a careful reader of the printed text marks, with the report's year and department as context.

- ``placeholder``: a template's blank left in ("上海市XX局", "XXX万元", 待填写, {单位}; ``data/words.csv``).
- ``template_residue``: the template's alternatives or an empty reason left in ("增加（减少）", "下降（增长）",
  "主要原因是。").
- ``punctuation``: a doubled mark ("。。", "，，") or two marks that cannot follow each other ("，。", "。，");
  "……" and "——" are single marks.
- ``quotes_unbalanced``: a paragraph that opens more “ 《 （ than it closes, or closes more (list numbers such as
  "1）" are not brackets).
- ``year_mismatch``: a year in a heading, title or contents line that is not the report year, or a "截至YYYY年" date
  outside the report's period (决算: the report year; 预算: the year before or the report year, as 上海 states assets
  "截至2024年8月31日" in a 2025 预算). Years in running text ("与2023年相比") are normal prose and not read.
- ``department_name``: the department named differently from the document's own name: same place and same kind of
  unit, a core that differs in a character or two ("石峰区医疗保险局" for 石峰区医疗保障局). Names of other units (财政局,
  a 中心 under it), abbreviations (医保局) and aliases the department register knows are not findings.
- ``scope_wording``: a 单位预算/单位决算 that calls itself 部门预算/部门决算 (the classification's name "部门预算支出经济分类"
  is not a self-reference).
- ``amount_unit``: an amount with an incomplete unit ("0.39万（" for 0.39万元).
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache

from ..departments import normalise_department
from ..identity import org_suffixes
from .ledger import Ledger, make_finding
from .text import Text, TextLine
from .vocab import alternation, words

_LATIN_X = re.compile(r"(?<![A-Za-z])(?:X{2,}|Ｘ{2,}|x{3,})(?![A-Za-z])")
_DOUBLED = re.compile(r"([。，、；：！？])\1|[，、；：][。！？]|[。！？][，、；]")
_OPENS, _CLOSES = "“《（(【", "”》）)】"
_LIST_CLOSE = re.compile(r"(?:^|(?<=[，。；：:、\s]))[\d一二三四五六七八九十a-zA-Z①-⑳]{1,3}[)）]")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年(?!\s*\d{1,2}\s*月)")
_AS_OF = re.compile(r"截[至止](?:到)?((?:19|20)\d{2})年")
# The report naming itself with a year: "纳入本部门2018年部门汇总预算编制范围" in a 2019 预算. A comparison ("比2023年预算
# 减少", "与2023年度部门决算相比") or the year before's execution ("2025年当年预算执行数") is not a self-reference.
_SELF = re.compile(
    r"(?<![比较与和同])((?:19|20)\d{2})年度?(?:本部门|本单位|区级部门|部门|单位)(?:汇总)?(?:预算|决算)(?!执行|数|相比)"
)
_SCOPE_WORDS = re.compile(r"部门(?:预算|决算)(?!(?:支出)?经济分类)")
_WAN = re.compile(r"\d(?:[\d,]*\d)?(?:\.\d+)?万(?=[（(，,。；;、）)])")


def _report(ledger: Ledger, check: str, found: list[dict], **scope) -> None:
    """One failed ledger row per finding, or one passed row when there is none."""
    for f in found:
        ledger.result(check, f, **scope)
    if not found:
        ledger.result(check, None, **scope)


def _line_finding(check: str, severity: str, message: str, ln: TextLine) -> dict:
    return make_finding(check, severity, message, page=ln.page, evidence=ln.text)


def _sentence_finding(check: str, severity: str, message: str, sentence, match: re.Match) -> dict:
    """A finding about what ``match`` found in ``sentence``: the page it is printed on, the sentence as evidence."""
    return make_finding(check, severity, message, page=sentence.page_at(match.start()), evidence=sentence.text)


@lru_cache(maxsize=1)
def _placeholder_words() -> re.Pattern:
    others = [w for w in words()["placeholder"] if not re.fullmatch(r"[XxＸ]+", w)]
    return re.compile("|".join(re.escape(w) for w in others))


def placeholder_checks(text: Text, ledger: Ledger) -> None:
    found = []
    # first over the lines joined by a line break (no pattern matches one, and a letter test sees it as the edge of
    # the line): a document without any placeholder, nearly every one, is searched twice, not twice per line
    joined = "\n".join(ln.text for ln in text.lines)
    lines = text.lines if _LATIN_X.search(joined) or _placeholder_words().search(joined) else []
    for ln in lines:
        m = _LATIN_X.search(ln.text) or _placeholder_words().search(ln.text)
        if m:
            found.append(_line_finding("placeholder", "error", f"a placeholder is printed: {m.group(0)!r}", ln))
    _report(ledger, "placeholder", found)


def residue_checks(text: Text, ledger: Ledger) -> None:
    pattern = re.compile(alternation("residue"))
    found = []
    for s in text.sentences:
        for m in pattern.finditer(s.text):
            found.append(
                _sentence_finding(
                    "template_residue", "error", f"the template's wording is left in: {m.group(0)!r}", s, m
                )
            )
    _report(ledger, "template_residue", found)


def punctuation_checks(text: Text, ledger: Ledger) -> None:
    residue = re.compile(alternation("residue"))
    found = []
    for p in text.passages:
        for m in _DOUBLED.finditer(p.text):
            around = p.text[max(0, m.start() - 12) : m.end() + 12]
            if residue.search(around) or "。。。" in around:
                continue  # an empty reason ("主要原因是。") or the template's "。。。" blank: reported as such
            found.append(
                make_finding(
                    "punctuation",
                    "warning",
                    f"punctuation {m.group(0)!r} is doubled or mixed",
                    page=p.page_at(m.start()),
                    evidence=around,
                )
            )
    _report(ledger, "punctuation", found)


def _balance(s: str) -> tuple[int, int]:
    """(opening marks − closing marks) for “” and for brackets and 《》 together; list numbers "1）" left out."""
    s = _LIST_CLOSE.sub("", s)
    quotes = s.count("“") - s.count("”")
    brackets = sum(s.count(c) for c in _OPENS[1:]) - sum(s.count(c) for c in _CLOSES[1:])
    return quotes, brackets


def quote_checks(text: Text, ledger: Ledger) -> None:
    found = []
    for p in text.passages:
        quotes, brackets = _balance(p.text)
        if quotes or brackets:
            what = "quotes “”" if quotes else "brackets"
            found.append(
                make_finding(
                    "quotes_unbalanced",
                    "warning",
                    f"the paragraph's {what} do not balance ({abs(quotes or brackets)} "
                    f"{'unclosed' if (quotes or brackets) > 0 else 'unopened'})",
                    page=p.page_at(0),
                    evidence=p.text[:200],
                )
            )
    _report(ledger, "quotes_unbalanced", found)


def _allowed_years(kind: str, year: int) -> set[int]:
    return {year - 1, year} if kind == "预算" else {year}


def year_checks(text: Text, kind: str, year: int | None, ledger: Ledger) -> None:
    if not year:
        ledger.not_checked("year_mismatch", "the report year is not known")
        return
    found = []
    for ln in text.headings:
        bad = [int(y) for y in _YEAR.findall(ln.text) if int(y) != year]
        if bad and not re.search(r"上年|以前|以来|—|-|至", ln.text):
            found.append(
                _line_finding("year_mismatch", "error", f"a heading names {bad[0]}; the report is for {year}", ln)
            )
    for s in text.sentences:
        for m in _SELF.finditer("" if s.passage.heading else s.text):
            if int(m.group(1)) != year and not re.search(r"相比|比较|对比", s.text[m.end() : m.end() + 12]):
                found.append(
                    _sentence_finding(
                        "year_mismatch",
                        "error",
                        f"the text names the report {m.group(0)!r}; the report is for {year}",
                        s,
                        m,
                    )
                )
        for m in _AS_OF.finditer(s.text):
            if int(m.group(1)) not in _allowed_years(kind, year):
                found.append(
                    _sentence_finding(
                        "year_mismatch", "error", f"a date {m.group(0)!r} outside the {year} {kind or 'report'}", s, m
                    )
                )
    _report(ledger, "year_mismatch", found)


def _suffix_of(name: str) -> str:
    return next((x for x in org_suffixes() if name.endswith(x)), "")


def _is_abbreviation(short: str, name: str) -> bool:
    """Every character of ``short`` appears in ``name`` in order (石峰区医保局 in 株洲市石峰区医疗保障局)."""
    it = iter(name)
    return all(ch in it for ch in short)


def department_checks(text: Text, department: str, canonical: str, place: str, ledger: Ledger) -> None:
    suffix = _suffix_of(department or "")
    if not department or not suffix or len(department) < 5:
        ledger.not_checked("department_name", "no department name of a known form to compare with")
        return
    anchor = place if place and department.startswith(place) and len(place) < len(department) - len(suffix) else ""
    anchor = anchor or department[:3]
    core = department[len(anchor) : -len(suffix)]
    pattern = re.compile(re.escape(anchor) + f"[\u4e00-\u9fff]{{1,{len(core) + 4}}}?" + re.escape(suffix))
    found, seen = [], set()
    for ln in text.lines:
        for m in pattern.finditer(ln.text):
            name = m.group(0)
            other = name[len(anchor) : -len(suffix)]
            if name in seen or name == department or _is_abbreviation(name, department):
                continue
            seen.add(name)
            if SequenceMatcher(None, core, other).ratio() < 0.6 or normalise_department(name) == canonical:
                continue  # another unit (财政局), or this one under an alias the register knows
            found.append(
                _line_finding(
                    "department_name", "warning", f"the department is printed as {name!r}; it is {department!r}", ln
                )
            )
    _report(ledger, "department_name", found)


def scope_checks(text: Text, scope: str, ledger: Ledger) -> None:
    if scope != "单位":
        ledger.not_checked("scope_wording", f"the document's scope is {scope or 'not stated'}, not 单位")
        return
    found = []
    for s in text.sentences:
        m = _SCOPE_WORDS.search(s.text)
        if m:
            found.append(
                _sentence_finding(
                    "scope_wording",
                    "warning",
                    f"a 单位 document calls itself {m.group(0)!r} (单位{m.group(0)[2:]})",
                    s,
                    m,
                )
            )
    _report(ledger, "scope_wording", found)


def unit_checks(text: Text, ledger: Ledger) -> None:
    found = []
    for s in text.sentences:
        for m in _WAN.finditer(s.text):
            found.append(
                _sentence_finding("amount_unit", "warning", f"an amount without its unit: {m.group(0)!r} (万元?)", s, m)
            )
    _report(ledger, "amount_unit", found)


def lint_checks(text: Text, kind: str, year: int | None, identity, ledger: Ledger) -> Ledger:
    """All lints on one document; ``identity`` is its ``juesuan.identity.Identity`` (department, scope)."""
    placeholder_checks(text, ledger)
    residue_checks(text, ledger)
    punctuation_checks(text, ledger)
    quote_checks(text, ledger)
    year_checks(text, kind, year, ledger)
    department_checks(text, identity.department, identity.department_canonical, identity.region.printed or "", ledger)
    scope_checks(text, identity.scope, ledger)
    unit_checks(text, ledger)
    return ledger
