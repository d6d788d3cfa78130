"""From printed subject names to codes: 类 names in summary tables and 类/款/项 citations in narratives.

Narratives cite subjects by name path, "卫生健康（类）医疗保障管理事务（款）行政运行（项）", or by code pieces,
"卫生健康支出（类）210（款）15（项）01" (seed 004's 名词解释). A name path is resolved by walking the catalog down:
the 类 name gives a class, the 款 name is matched among that class's 款 only, the 项 name among that 款's 项 only.
Generic names such as 行政运行 occur under dozens of 款, so a global name search would be wrong; names also drift
("其他行政单位事业医疗支出" in seed 004 for 其他行政事业单位医疗支出), so matching within a level is fuzzy.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from difflib import SequenceMatcher
from functools import lru_cache

from ..textnorm import fix_radicals, match_key, squash, strip_ordinal
from .catalog import Catalog, default_catalog
from .shape import FUNCTIONAL

# After NFKC every bracket is half width.
_MARK = re.compile(r"\((类|款|项)\)")
_INLINE_CODES = re.compile(r"\((\d{3})类\)(?:[^()]*\((\d{1,2})款\))?(?:[^()]*\((\d{1,2})项\))?")
# Where a class name cannot start: sentence punctuation, digits, ordinals ("1、", "2.").
_NOT_NAME = re.compile(r"[^\u4e00-\u9fff]")
_STOP = re.compile(r"[，。；;：:,!?！？]")
# Below this a within-level match is taken as "not this subject"; the seeds' worst drift scores 0.9.
MIN_SIMILARITY = 0.75


def _normalise(text: str) -> str:
    return squash(unicodedata.normalize("NFKC", fix_radicals(text or "")))


@lru_cache(maxsize=4)
def _class_names(catalog: Catalog) -> dict[str, str]:
    """match key of every 类 name (all editions) → code."""
    return {
        match_key(r["name"]): r["code"]
        for r in catalog.records
        if r["classification"] == FUNCTIONAL and r["level"] == "类"
    }


def class_code_for_name(name: str, catalog: Catalog | None = None) -> str:
    """The 功能分类 类 code for a printed class name ("九、卫生健康支出" → "210"), "" when it is not a class.

    Tolerates the ordinal prefix, a missing trailing 支出 ("一般公共服务" → 201) and the 的 some documents drop
    ("抗疫特别国债安排支出" → 234).
    """
    key = match_key(strip_ordinal(name or ""))
    if not key:
        return ""
    names = _class_names(catalog if catalog is not None else default_catalog())
    for candidate in (key, key + "支出", key.replace("安排支出", "安排的支出")):
        if candidate in names:
            return names[candidate]
    return ""


def _class_code_in(segment: str, catalog: Catalog) -> str:
    """The class named at the end of ``segment`` (which may carry the sentence before the name)."""
    tail = _STOP.split(segment)[-1]
    tail = strip_ordinal(tail)
    for start in range(len(tail)):
        code = class_code_for_name(tail[start:], catalog)
        if code:
            return code
    return ""


@lru_cache(maxsize=1 << 14)
def similarity(a: str, b: str) -> float:
    """How alike two subject names are, 0–1, on their match keys.

    The larger of the edit-based ratio and 0.9 × the shared-character (multiset Dice) share: the second catches
    reordered characters ("其他行政单位事业医疗支出" / "其他行政事业单位医疗支出"). A trailing 支出 is ignored.
    Memoised: a document cites the same subjects again and again, each compared with its siblings' names.
    """
    a, b = match_key(a), match_key(b)
    exact = _plain_cases(a, b)
    return exact if exact is not None else max(SequenceMatcher(None, a, b).ratio(), 0.9 * _dice(a, b))


def _plain_cases(a: str, b: str) -> float | None:
    """The score of two match keys where no ratio is needed (one empty, equal, equal but for 支出), else None."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    if a.removesuffix("支出") == b.removesuffix("支出"):
        return 0.97
    return None


def _dice(a: str, b: str) -> float:
    """The multiset Dice share of two keys: 2 × the characters they share / their lengths."""
    ca, cb = _counts(a), _counts(b)
    return 2 * sum(n if n < cb[ch] else cb[ch] for ch, n in ca.items() if ch in cb) / (len(a) + len(b))


@lru_cache(maxsize=1 << 14)
def _counts(key: str) -> Counter:
    """How often each character occurs in a key (a sibling's name is counted once, not once per comparison)."""
    return Counter(key)


@lru_cache(maxsize=1 << 14)
def similarity_bound(a: str, b: str) -> float:
    """A cheap upper bound of ``similarity(a, b)``: its exact cases, else the Dice share. SequenceMatcher's ratio
    (2 × matched characters / lengths) pairs each matched character of one name with one of the other, so it never
    exceeds the Dice share, and neither does 0.9 × that share."""
    a, b = match_key(a), match_key(b)
    exact = _plain_cases(a, b)
    return exact if exact is not None else _dice(a, b)


def closest_child(parent: str, name: str, edition: int | None = None, catalog: Catalog | None = None) -> str:
    """The 功能分类 child of ``parent`` named ``name`` (fuzzy within the level): "" when none scores
    ``MIN_SIMILARITY`` or two codes are within 0.02 of each other at the top.

    A code's score is its best over its names (a code's name differs between editions). The edit ratio is dear
    (difflib, in Python) and most siblings are nowhere near: children are scored exactly in the order of their
    upper bound (``similarity_bound``) until no remaining bound can reach the top score less 0.02 (nor the minimum
    less 0.02), so what is decided is what scoring every child would decide."""
    cat = catalog if catalog is not None else default_catalog()
    names: dict[str, list[str]] = {}
    for child in cat.child_records(parent, FUNCTIONAL, edition):
        names.setdefault(child["code"], []).append(child["name"])
    bounds = sorted(((max(similarity_bound(name, n) for n in ns), code) for code, ns in names.items()), reverse=True)
    scored: list[tuple[float, str]] = []
    top = 0.0
    for bound, code in bounds:
        if bound < max(top, MIN_SIMILARITY) - 0.02:
            break  # this bound and every one after it: below the top and not within 0.02 of it
        score = max(similarity(name, n) for n in names[code])
        scored.append((score, code))
        top = max(top, score)
    scored.sort(key=lambda sc: -sc[0])
    if not scored or scored[0][0] < MIN_SIMILARITY:
        return ""
    if len(scored) > 1 and scored[1][0] >= scored[0][0] - 0.02:
        return ""
    return scored[0][1]


def _child_by_prefix(parent: str, text: str, edition: int | None, catalog: Catalog) -> str:
    """The child of ``parent`` whose name starts ``text`` (longest name wins): an unmarked last level followed by
    whatever the sentence says next ("…（款）其他行政事业单位养老支出年初预算为0")."""
    key = match_key(text)
    children = catalog.child_records(parent, FUNCTIONAL, edition)
    hits = [(len(k), r["code"]) for r in children if len(k := match_key(r["name"])) >= 2 and key.startswith(k)]
    return max(hits)[1] if hits else ""


def resolve_subject(text: str, edition: int | None = None, catalog: Catalog | None = None) -> str:
    """The 功能分类 code a 类/款/项 citation names; "" when it cannot be resolved.

    Accepts name paths ("卫生健康（类）医疗保障管理事务（款）行政运行（项）" → "2101501"; a citation that stops at
    the 款 gives the 款), code pieces ("卫生健康支出（类）210（款）15（项）01" → "2101501"), either bracket width,
    spaces anywhere, an ordinal or the rest of a sentence before the class name, and text after the last marker
    (used as an unmarked next level only when it starts with a child's name). ``edition`` limits the names matched
    to that edition; None matches names of any edition. A citation whose first marker is not （类）, a level that
    matches no child, or code pieces that contradict the class name give "".
    """
    cat = catalog if catalog is not None else default_catalog()
    # 上海 writes the code inside the markers: "公共安全支出（204类）司法（06款）行政运行（01项）"
    inline = _INLINE_CODES.search(_normalise(text))
    if inline:
        code = inline.group(1) + "".join(g.zfill(2) for g in inline.groups()[1:] if g)
        named = _class_code_in(_normalise(text)[: inline.start()], cat)
        return "" if named and named != inline.group(1) else code
    parts = _MARK.split(_normalise(text))
    if len(parts) < 3 or parts[1] != "类":
        return ""
    segments = parts[0:-1:2]
    levels = parts[1::2]
    trailing = parts[-1]
    if any(lv != want for lv, want in zip(levels, ["类", "款", "项"])) or len(levels) > 3:
        return ""
    code = _class_code_in(segments[0], cat)
    # Code pieces: the digits follow the markers one step late ("支出（类）210（款）15（项）01").
    if len(segments) > 1 and segments[1].isdigit():
        pieces = segments[1:] + [m.group(0) if (m := re.match(r"\d{2}", trailing)) else ""]
        joined = "".join(p for p in pieces if p.isdigit())
        if len(joined) not in (3, 5, 7) or (code and not joined.startswith(code)):
            return ""
        return joined
    if not code:
        return ""
    for segment in segments[1:]:
        code = closest_child(code, segment, edition, cat)
        if not code:
            return ""
    if trailing and len(code) < 7:
        code = _child_by_prefix(code, trailing, edition, cat) or code
    return code


def find_subjects(text: str) -> list[str]:
    """The 类/款/项 citations in a narrative, in order, as normalised phrases ready for ``resolve_subject``.

    Lines are joined first, since citations wrap ("其他一般公\\n\\n共服务支出（项）" in seed 000). A phrase starts
    at the class name before a （类） (the run of Chinese characters before it) and runs through the 款/项 markers
    that follow without sentence punctuation in between, plus the text up to the next punctuation.
    """
    t = _normalise(text)
    out = []
    marks = list(re.finditer(r"\(类\)", t))
    for i, m in enumerate(marks):
        start = m.start()
        while start > 0 and not _NOT_NAME.match(t[start - 1]) and m.start() - start < 20:
            start -= 1
        limit = marks[i + 1].start() if i + 1 < len(marks) else len(t)
        end = m.end()
        for follow in _MARK.finditer(t, m.end(), limit):
            if follow.group(1) == "类" or _STOP.search(t, end, follow.start()):
                break
            end = follow.end()
        stop = _STOP.search(t, end, limit)
        end = min(stop.start() if stop else limit, end + 30)
        out.append(t[start:end])
    return out
