"""The reader's facts → records (dicts of the facts contract, plus a few private fields the checks use), and the
totals derived from their parts."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from decimal import Decimal

from .reader import CURRENT, Fact, Reader
from .vocab import concept_parts

_SENTENCE_MARK = re.compile(r"[。!?]")
EXCERPT = 300  # a "sentence" longer than twice this (a page flattened without full stops) is cut around the figure


def derive_totals(reader: Reader, facts: list[Fact]) -> None:
    """A 合计 the paragraph does not state, bounded by its 总计 and the parts it states: when the parts add up to
    the 总计 the 合计 is that figure (concept_parts.csv). 教育部 高校 narratives call 本年收入合计 收入总计."""
    stated = [
        f for f in facts if f.period == CURRENT and f.subject == "部门" and f.figure == "amount" and not f.derived
    ]
    have = {f.concept for f in stated}
    for whole, parts, bound in concept_parts():
        total = next((f for f in stated if f.concept == bound), None)
        if whole in have or total is None:
            continue
        found = {}
        for f in stated:
            if f.concept in parts and f.basis == total.basis and f.concept not in found:
                found[f.concept] = f
        if len(found) < 2:
            continue
        s = sum((f.value for f in found.values()), Decimal(0))
        tol = sum(_half(f) for f in found.values()) + _half(total)
        if abs(s - total.value) <= tol:
            names = " + ".join(found)
            values = " + ".join(format(f.value.normalize(), "f") for f in found.values())
            formula = f"{bound} {format(total.value.normalize(), 'f')} = {names} ({values})"
            reader.add(
                Fact(whole, "部门", "", "", total.basis, CURRENT, "amount", total.value, "万元", total.para,
                     total.start, total.fig, derived=True, formula=formula)
            )  # fmt: skip


def _half(f: Fact) -> Decimal:
    places = f.places if f.places is not None else 2
    return Decimal(5) / Decimal(10) ** (places + 1)


def reader_to_records(reader: Reader) -> list[dict]:
    """One record per distinct fact, in reading order (a figure restated with the same value is kept once)."""
    marks: dict[int, list[int]] = {}
    rows, seen = [], set()
    for f in reader.facts:
        ident = (f.concept, f.subject, f.code, f.basis, f.period, f.figure, f.value, f.unit, f.derived)
        if ident in seen:
            continue
        seen.add(ident)
        t, index, p = reader.paras[f.para]
        if f.para not in marks:
            marks[f.para] = [m.start() for m in _SENTENCE_MARK.finditer(t)]
        a, b = _sentence(marks[f.para], len(t), f.start, f.fig)
        src_a = index[a] if a < len(index) else len(p.text)
        src_b = index[b - 1] + 1 if 0 < b <= len(index) else len(p.text)
        fa = index[f.fig[0]] if f.fig[0] < len(index) else src_a
        fb = index[f.fig[1] - 1] + 1 if 0 < f.fig[1] <= len(index) else src_b
        rows.append(
            {
                "concept": f.concept,
                "subject": f.subject,
                "code": f.code or None,
                "subject_name": f.name or None,
                "basis": f.basis,
                "period": f.period,
                "figure": f.figure,
                "value": float(f.value),
                "unit": f.unit,
                "derived": f.derived,
                "formula": f.formula or None,
                "sentence": p.text[src_a:src_b],
                "page": p.page_at(src_a),
                "line": p.line_at(src_a),
                "start": max(fa - src_a, 0),
                "end": max(fb - src_a, 0),
                "_fund": f.fund,
                "_places": f.places,
            }
        )
    return rows


def _sentence(marks: list[int], n: int, start: int, fig: tuple[int, int]) -> tuple[int, int]:
    """The sentence (from the full stop before ``start`` to the one after the figure), cut to EXCERPT characters
    either side of the figure when it is longer than a sentence can be."""
    i = bisect_right(marks, start - 1) - 1
    a = marks[i] + 1 if i >= 0 else 0
    j = bisect_left(marks, fig[1])
    b = marks[j] + 1 if j < len(marks) else n
    if b - a > 2 * EXCERPT:
        a, b = max(a, fig[0] - EXCERPT), min(b, fig[1] + EXCERPT)
    return a, b
