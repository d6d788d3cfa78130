"""Narrative (情况说明) → facts: the figures a 决算/预算 narrative states, and their checks against the tables.

``lines_to_records`` reads the text lines of a RawDocument (table rows are ignored) into fact records: one per
stated figure, with its ``concept`` (one vocabulary with aliases across regions and years: juesuan/data/concepts.csv
and concept_aliases.csv), its ``subject`` (部门 for the whole department or unit; 科目 for a cited 类/款/项, with its
``code``; 项目 for a project; the subject a figure's own clause names, never a neighbour's), its ``basis`` (决算,
年初预算, 调整预算, 全年预算, 预算, 执行数 …, from the clause's words and the document's kind), ``period`` (本年/上年)
and ``figure`` (amount, share, rate, change, count). A prior-year value that follows from a stated change is a
derived fact with its formula ("与上年相比，减少15.15万元" → 上年 = 本年 + 15.15). ``to_facts`` makes the records the
``facts`` contract; ``fact_checks`` compares them with the tables and with each other, in the ledger.

The stages, each a module: ``text`` (lines → paragraphs, normalisation), ``tokens`` (one pass over a paragraph),
``citations`` (类/款/项 → code), ``reader`` (the clause reader: a dispatch table of small handlers), ``records`` (facts
→ records), ``checks``. Everything is linear in the length of the text (bench/bench_narrative.py).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..raw import Line
from ..schema import frame_from_records
from .checks import fact_checks, half_unit
from .reader import Reader
from .records import derive_totals, reader_to_records
from .text import Paragraph, lines_to_paragraphs
from .vocab import Concept, aliases, concepts, norm

if TYPE_CHECKING:  # the reader makes records; ``to_facts`` makes them a frame (schema imports pandas when it does)
    import pandas as pd

__all__ = [
    "Concept",
    "Paragraph",
    "aliases",
    "concept_of",
    "concepts",
    "fact_checks",
    "fact_rows",
    "facts_to_findings",
    "half_unit",
    "lines_to_facts",
    "lines_to_paragraphs",
    "lines_to_records",
    "to_facts",
]


def lines_to_records(lines: list[Line], year: int | None, kind: str = "") -> list[dict]:
    """The figures a narrative states, as fact records (the facts contract's fields without doc_id, year and
    department, plus private ``_fund``/``_places`` fields the checks use).

    ``lines`` are a RawDocument's lines (table rows are skipped); ``year`` is the fiscal year the document reports
    on (None: the year the text names most), used to tell this year's figures from last year's; ``kind`` (决算/预算)
    is the basis of a figure whose clause names none. Money is in 万元 (元 and 亿元 converted), shares and rates in %,
    counts in their unit. Never raises on odd text: what is not understood is not a fact.
    """
    if year is None:
        year = _infer_year(lines)
    reader = Reader(year, kind)
    for pi, p in enumerate(lines_to_paragraphs(lines)):
        first = len(reader.facts)
        reader.read(p, pi)
        derive_totals(reader, reader.facts[first:])
    return reader_to_records(reader)


def fact_rows(
    records: list[dict],
    doc_id: str,
    year: int | None = None,
    department: str = "",
    line_numbers: bool = True,
) -> list[dict]:
    """Fact records → rows of the facts contract, still dicts (``line`` kept only when the source has lines a reader
    can go to): what ``to_facts`` makes a frame of, and what the review checks read."""
    return [
        {
            **r,
            "doc_id": doc_id,
            "year": year,
            "department": department or None,
            "line": r["line"] if line_numbers else None,
        }
        for r in records
    ]


def to_facts(
    records: list[dict],
    doc_id: str,
    year: int | None = None,
    department: str = "",
    kind: str = "",
    line_numbers: bool = True,
) -> pd.DataFrame:
    """Fact records → the facts contract (``line`` kept only when the source has lines a reader can go to)."""
    return frame_from_records(fact_rows(records, doc_id, year, department, line_numbers), "facts")


def lines_to_facts(lines: list[Line], doc_id: str, year: int | None, kind: str = "") -> pd.DataFrame:
    """``lines_to_records`` as the facts contract."""
    return to_facts(lines_to_records(lines, year, kind), doc_id, year, kind=kind)


def facts_to_findings(facts: list[dict], cells: list[dict], kind: str = "") -> pd.DataFrame:
    """``fact_checks``' findings as the findings contract (doc_id left empty)."""
    from ..validate import findings_frame

    return findings_frame(fact_checks(facts, cells, kind).findings)


def concept_of(name: str) -> str:
    """The concept a name stands for ("人员支出" → 人员经费, "公共财政拨款支出" → 一般公共预算财政拨款支出), "" if none."""
    if name in concepts():
        return name
    alias = aliases().get(norm(name))
    return alias.concept if alias is not None else ""


def _infer_year(lines: list[Line]) -> int | None:
    years = re.findall(r"((?:19|20)\d\d)\s*年度", "\n".join(ln.text for ln in lines if not ln.is_row))
    if not years:
        return None
    return int(max(set(years), key=years.count))
