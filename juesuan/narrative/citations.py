"""类/款/项 citations in narrative text, and the code each names.

Narratives cite a subject in many shapes: a name path with markers ("卫生健康（类）医疗保障管理事务（款）行政运行
（项）"), the code inside the markers (上海: "公共安全支出（204类）司法（06款）行政运行（01项）"), a path that starts at
the 款 under a class given in a heading line before ("（一）公共安全（类）" / "1．检察（款）行政运行（项）"), a path
with the wrong marker ("行政事业单位离退休（类）未归口管理的行政单位离退休支出（项）", 江苏 2019), a 款 and 项 run
together before one marker ("人大事务行政运行（项）", 江苏 2017), the code before the name (福建: "2010301行政运行"),
or the code in brackets after it (教育部 高校: "小学教育（2050202）"). Every one of them makes the clause's subject a
科目, resolved or not; ``juesuan.codes.resolve_subject`` resolves the standard path, the rest is resolved here by
walking the catalog from the class or 款 the text names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..codes import FUNCTIONAL, class_code_for_name, closest_child, default_catalog, level_of, resolve_subject
from ..textnorm import match_key

MARK = re.compile(r"\((\d{0,3})([类款项])\)|\((\d{7}|\d{5}|\d{3})\)")
CODE_BEFORE = re.compile(r"(?<![\d.,])(2\d{2}(?:\d{2}){0,2})$")
CODE_FIRST = re.compile(r"(?<![\d.,])(2\d{6}|2\d{4}|2\d{2})(?=[\u4e00-\u9fff(])")
# characters after a code that make it an amount, a year or a count, not a code before a name
_NOT_NAME_AFTER = set("万元亿年月日个辆人次台套项名份家户件批分倍条期天")
_LEAD_WORDS = ("如下", "方面", "用于", "其中", "包括", "主要", "分别", "为")


def _is_cjk(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fff"


@dataclass
class Citation:
    start: int
    end: int
    code: str
    name: str
    level: str  # 类/款/项 as far as the text shows


@lru_cache(maxsize=1)
def _kuan_names() -> dict[str, list[str]]:
    """match key of every 款 name (all editions) → its codes."""
    out: dict[str, list[str]] = {}
    for r in default_catalog().records:
        if r["classification"] == FUNCTIONAL and r["level"] == "款":
            out.setdefault(match_key(r["name"]), []).append(r["code"])
    return {k: sorted(set(v)) for k, v in out.items()}


def _child(parent: str, name: str, edition: int | None) -> str:
    """The child of ``parent`` named ``name`` (fuzzy within the level); "" when none is close or two tie."""
    return closest_child(parent, name, edition)


def _kuan(name: str, context: str) -> str:
    """A 款 by name: under the context class when there is one, else the only 款 of that name in the catalog."""
    if context:
        code = _child(context, name, None)
        if code:
            return code
    codes = _kuan_names().get(match_key(name), [])
    return codes[0] if len(codes) == 1 else ""


def _first_level(name: str, context: str, edition: int | None) -> str:
    """The code the first segment of a path names: a class, a 款, or a 款 run together with its 项."""
    code = class_code_for_name(name)
    if code:
        return code
    code = _kuan(name, context)
    if code:
        return code
    key = match_key(name)
    for cut in range(len(key) - 2, 1, -1):  # "人大事务行政运行": 款 人大事务 + 项 行政运行, by exact names
        kuan = _kuan_exact(key[:cut], context)
        if kuan:
            return _child(kuan, key[cut:], edition) or ""
    return ""


def _kuan_exact(key: str, context: str) -> str:
    codes = [c for c in _kuan_names().get(key, []) if not context or c.startswith(context)]
    return codes[0] if len(codes) == 1 else ""


def resolve(segments: list[str], context: str, edition: int | None) -> str:
    """The code of a name path (segments between the markers, the printed marker letters ignored)."""
    if not segments or not segments[0]:
        return ""
    code = _first_level(segments[0], context, edition)
    for seg in segments[1:]:
        if not code or len(code) >= 7:
            return code
        code = _child(code, seg, edition) or _child(code, seg, None)
        if not code:
            return ""
    return code


_INNER = re.compile(r"\([\u4e00-\u9fff]{1,2}\)$")  # "政府办公厅（室）及相关机构事务": a bracket inside a name
_NAME_RUN = re.compile(r"(?:[\u4e00-\u9fff]|\((?![类款项]\))[\u4e00-\u9fff]{1,2}\))+")


def _name_start(t: str, end: int) -> int:
    """Where the name before a marker at ``end`` starts: back over Chinese characters (and a bracketed word inside
    the name, 24 characters at most), then the longest tail that is a class or 款 name, else after the last lead
    word ("主要用于以下方面：一般公共服务（类）")."""
    start = end
    while start > 0 and end - start < 24:
        if _is_cjk(t[start - 1]):
            start -= 1
            continue
        inner = _INNER.search(t, max(0, start - 4), start)
        if inner is None or t[inner.start() + 1] in "类款项":
            break
        start = inner.start()
    run = t[start:end]
    for i in range(len(run) - 1):
        tail = run[i:]
        if _is_cjk(tail[0]) and (class_code_for_name(tail) or match_key(tail) in _kuan_names()):
            return start + i
    cut = max((run.rfind(w) + len(w) for w in _LEAD_WORDS if w in run), default=0)
    return start + cut


def _group(t: str, marks: list[re.Match]) -> list[list[re.Match]]:
    """Markers that follow each other with only a name between them are one citation."""
    groups: list[list[re.Match]] = []
    for m in marks:
        if groups:
            prev = groups[-1][-1]
            between = t[prev.end() : m.start()]
            if between and _NAME_RUN.fullmatch(between) and len(between) <= 30 and prev.group(3) is None:
                groups[-1].append(m)
                continue
        groups.append([m])
    return groups


def find_citations(t: str, context: str = "", edition: int | None = None) -> list[Citation]:
    """The citations in a normalised paragraph, in order, each with its code ("" when it cannot be resolved).

    ``context`` is the class a heading before named (its code), for paths that start at the 款."""
    out = []
    for g in _group(t, list(MARK.finditer(t))):
        c = _marked(t, g, context, edition)
        if c is None:
            continue
        out.append(c)
        if len(c.code) in (3, 5):  # "（一）公共安全（类）" before "1．检察（款）行政运行（项）…"
            context = c.code
    taken = [(c.start, c.end) for c in out]
    for m in CODE_FIRST.finditer(t):
        if any(a <= m.start() < b for a, b in taken):
            continue
        c = _code_first(t, m)
        if c is not None:
            out.append(c)
    out.sort(key=lambda c: c.start)
    return out


def _marked(t: str, group: list[re.Match], context: str, edition: int | None) -> Citation | None:
    first = group[0]
    start = _name_start(t, first.start())
    if first.group(3) is not None:  # 教育部: "小学教育（2050202）"
        if start == first.start():
            return None
        code = first.group(3)
        return Citation(start, first.end(), code, t[start : first.start()], level_of(code, FUNCTIONAL) or "")
    segments = [t[start : first.start()]] + [t[a.end() : b.start()] for a, b in zip(group, group[1:])]
    before = CODE_BEFORE.search(t, max(0, start - 8), start) if start else None
    span_start = before.start() if before and start - before.end() == 0 else start
    text = t[span_start : group[-1].end()]
    code = before.group(1) if before is not None and span_start < start else ""
    code = code or _resolved(text, tuple(segments), context, edition)
    end = group[-1].end()
    code, end = _unmarked_tail(t, code, end, edition)
    levels = [m.group(2) for m in group if m.group(2)]
    level = level_of(code, FUNCTIONAL) if code else (levels[-1] if levels else "")
    return Citation(span_start, end, code, t[span_start:end], level or "")


@lru_cache(maxsize=4096)
def _resolved(text: str, segments: tuple[str, ...], context: str, edition: int | None) -> str:
    """The code of a marked citation (cached: a narrative cites the same subjects again and again)."""
    return resolve_subject(text, edition) or resolve_subject(text) or resolve(list(segments), context, edition)


def _unmarked_tail(t: str, code: str, end: int, edition: int | None) -> tuple[str, int]:
    """An unmarked next level after the last marker ("…（款）其他行政事业单位养老支出年初预算为0"): the child whose
    name starts the text there, longest first."""
    if not code or len(code) >= 7:
        return code, end
    stop = end
    while stop < len(t) and _is_cjk(t[stop]) and stop - end < 30:
        stop += 1
    tail = match_key(t[end:stop])
    best = ("", 0)
    for r in default_catalog().child_records(code, FUNCTIONAL, edition):
        k = match_key(r["name"])
        if len(k) >= 2 and tail.startswith(k) and len(k) > best[1]:
            best = (r["code"], len(k))
    return (best[0], end + best[1]) if best[0] else (code, end)


def _code_first(t: str, m: re.Match) -> Citation | None:
    """福建: "2010301行政运行353.32万元" — a functional code printed before the subject's name."""
    after = t[m.end() : m.end() + 1]
    if after in _NOT_NAME_AFTER:
        return None
    end = m.end()
    while end < len(t) and _is_cjk(t[end]) and end - m.end() < 30:
        end += 1
    name = t[m.end() : end]
    if len(name) < 2:
        return None
    code = m.group(1)
    return Citation(m.start(), end, code, t[m.start() : end], level_of(code, FUNCTIONAL) or "")
