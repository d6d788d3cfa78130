"""The text of a document as a reviewer reads it: passages, sentences and headings, each character traced to its page.

The review checks (``words``, ``structure``, ``lints``, ``names``) read the printed text, not only the facts the
narrative reader extracts, because what they look for (a wrong word, a doubled 。, a placeholder, a wrong year) is in
the wording. ``text_of(raw)`` builds a ``Text`` once per document:

- **lines**: every text line (table rows are left out: their numbers are the tables' business), whitespace removed —
  PDF text layers letter-space ("收 入 总 计") and break numbers ("1690.69 万元") — and full-width digits, letters and
  % made half width so one pattern reads both;
- **passages**: lines joined where a sentence runs on over a line break (a line that does not end a sentence and is
  not a heading continues on the next, unless that one starts a list item "3、", "（二）"), as the narrative prints
  them; each offset maps back to the page and line it was printed on;
- **sentences**: passages cut after 。！？ (a clause ends at ，；);
- **headings**: short lines that end no sentence and state no amount ("四、2017年决算收支总体情况", table titles,
  contents entries with their dot leaders removed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..raw import Line, RawDocument
from ..textnorm import ORD_DIGIT, ORD_PAREN, ORD_WORD, ORDINAL, PART, TO_WANYUAN, fix_radicals, squash

# Full-width ASCII digits, letters and the percent sign read as half width (offsets are kept: one character each).
_WIDE = {chr(c): chr(c - 0xFEE0) for c in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]}
_WIDE["％"] = "%"
_WIDE_TABLE = str.maketrans(_WIDE)
_WIDE_CHAR = re.compile("[" + "".join(re.escape(chr(k)) for k in sorted(_WIDE_TABLE)) + "]")  # one the table maps
_LEADERS = re.compile(r"[.…·．\-_—]{4,}\s*\d*$")
# "3." is an ordinal unless a decimal follows ("1.5%"); "4．2025年…" and "1. 2025年…" (the space squashed out) are
# ordinals before a year
_LIST_START = re.compile(rf"^(?:-\s*)?(?:{ORDINAL}|{PART})")
_HEADING_MARK = re.compile(rf"^(?:-\s*)?(?:{PART}|{ORD_WORD}|{ORD_PAREN}|{ORD_DIGIT})")
_ENDS_SENTENCE = tuple("。！？!?；;：:")
_MONEY = re.compile(r"\d\s*(?:万元|元|%)")
_SENTENCE_END = "。！？!?"
_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_HEADING_MAX = 40


def normalise(text: str) -> str:
    """A printed line as the checks read it: whitespace out, radicals mapped, full-width digits/letters/% half width."""
    text = squash(fix_radicals(_BOOKMARK.sub("", text) if "[bookmark:" in text else text))
    return text.translate(_WIDE_TABLE) if _WIDE_CHAR.search(text) else text


def _balanced(s: str) -> bool:
    return all(s.count(a) == s.count(b) for a, b in ("（）", "()", "“”", "《》"))


def is_heading(s: str) -> bool:
    """A short line that ends no sentence and states no amount: a part or section heading, a title, a contents line.

    A numbered line is a heading unless it holds a sentence ("（十二）以…建设。巩固“三"), a definition ("三、财政专户管理
    资金：包括…") or runs on (ends in 、 or leaves a bracket open)."""
    if _MONEY.search(s) or len(s) > _HEADING_MAX + 20 or not _balanced(s) or s.endswith(tuple("、，,（(“《")):
        return False
    if _HEADING_MARK.match(s):
        return len(s) <= _HEADING_MAX and not re.search(r"[。；;，]|[：:].", s)
    return len(s) <= _HEADING_MAX - 10 and not s.endswith(_ENDS_SENTENCE) and not re.search("[，。]", s)


@dataclass(frozen=True)
class TextLine:
    """One printed text line: ``text`` normalised, ``printed`` as the reader gave it, ``index`` its position among
    the RawDocument's lines."""

    page: int
    line: int
    text: str
    printed: str
    heading: bool
    index: int = 0


@dataclass
class Passage:
    """Lines joined into one run of text; ``starts`` maps offsets to (offset, page, line)."""

    text: str
    starts: list[tuple[int, int, int]]
    heading: bool = False

    def where(self, offset: int) -> tuple[int, int]:
        """(page, line) of the character at ``offset``."""
        found = self.starts[0]
        for start in self.starts:
            if start[0] > offset:
                break
            found = start
        return found[1], found[2]

    def page_at(self, offset: int) -> int:
        return self.where(offset)[0]


@dataclass(frozen=True)
class Sentence:
    """A sentence of a passage: ``text`` runs from ``start`` to ``end`` of ``passage.text`` (its 。 included)."""

    passage: Passage = field(repr=False)
    start: int
    end: int

    @property
    def text(self) -> str:
        return self.passage.text[self.start : self.end]

    @property
    def page(self) -> int:
        return self.passage.page_at(self.start)

    def page_at(self, offset: int) -> int:
        """Page of the character ``offset`` characters into the sentence."""
        return self.passage.page_at(self.start + offset)


@dataclass
class Text:
    """A document's text: lines, passages, sentences, headings (see the module docstring)."""

    lines: list[TextLine]
    passages: list[Passage]
    sentences: list[Sentence]

    @property
    def headings(self) -> list[TextLine]:
        return [ln for ln in self.lines if ln.heading]

    @property
    def narrative_chars(self) -> int:
        """How much running text (not headings) the document prints: a tables-only file has little."""
        return sum(len(ln.text) for ln in self.lines if not ln.heading)


def _text_lines(lines: list[Line]) -> list[TextLine]:
    out = []
    for i, ln in enumerate(lines):
        if ln.is_row:
            continue
        s = normalise(ln.text)
        if not s:
            continue
        heading = is_heading(_LEADERS.sub("", s))
        out.append(TextLine(ln.page, ln.row, _LEADERS.sub("", s) if heading else s, ln.text, heading, i))
    return _runs_on(out)


def _runs_on(lines: list[TextLine]) -> list[TextLine]:
    """A short unnumbered line that the next line continues is the start of a paragraph, not a heading: 江苏's PDFs
    set a paragraph's first line apart ("本表反映部门年度总体收支预算情况。根据《江苏省财" / "政厅关于…》填列。"). A line
    ending the way headings end (…说明, …情况, …表, …职能) stays a heading."""
    out = list(lines)
    for i in range(len(out) - 2, -1, -1):
        ln, nxt = out[i], out[i + 1]
        if not ln.heading or _HEADING_MARK.match(ln.text) or ln.text.endswith(heading_endings()):
            continue
        adjacent = nxt.index == ln.index + 1 and nxt.page - ln.page <= 1
        if adjacent and not nxt.heading and not _LIST_START.match(nxt.text):
            out[i] = TextLine(ln.page, ln.line, normalise(ln.printed), ln.printed, False, ln.index)
    return out


def heading_endings() -> tuple[str, ...]:
    from .vocab import words

    return tuple(words().get("heading_end", {}))


def _passages(lines: list[TextLine]) -> list[Passage]:
    out: list[Passage] = []
    parts: list[list[str]] = []  # each passage's line texts, joined once at the end (not += per line: quadratic)
    current: Passage | None = None
    size = 0
    for ln in lines:
        if ln.heading:
            out.append(Passage(ln.text, [(0, ln.page, ln.line)], heading=True))
            parts.append([ln.text])
            current = None
            continue
        if current is not None and not _LIST_START.match(ln.text):
            current.starts.append((size, ln.page, ln.line))
            parts[-1].append(ln.text)
            size += len(ln.text)
        else:
            current = Passage("", [(0, ln.page, ln.line)])
            out.append(current)
            parts.append([ln.text])
            size = len(ln.text)
        if ln.text.endswith(_ENDS_SENTENCE):
            current = None
    for passage, texts in zip(out, parts):
        passage.text = "".join(texts)
    return out


def _sentences(p: Passage) -> list[Sentence]:
    out, start = [], 0
    for i, ch in enumerate(p.text):
        if ch in _SENTENCE_END:
            # "。）" and "。”" close with the sentence
            end = i + 1
            while end < len(p.text) and p.text[end] in "）)”’":
                end += 1
            if end > start:
                out.append(Sentence(p, start, end))
            start = end
    if start < len(p.text):
        out.append(Sentence(p, start, len(p.text)))
    return [s for s in out if s.end > s.start]


def text_of(raw: RawDocument) -> Text:
    """The document's text as the review checks read it (see the module docstring)."""
    lines = _text_lines(raw.lines)
    passages = _passages(lines)
    return Text(lines, passages, [s for p in passages for s in _sentences(p)])


# ---------------------------------------------------------------------------------------------------------------
# Numbers in text

# A printed number with its unit: "1,690.69万元", "95.89%", "0万元". Not inside a longer number or a code.
NUMBER = re.compile(r"(?<![\d.,])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(万元|亿元|元|%)")


@dataclass(frozen=True)
class Number:
    """A number printed in a sentence: ``value`` in 万元 for money (元, 亿元 converted) or in %; ``half`` is half a unit
    of its last printed digit, in the same unit (rounding can move the true value that far)."""

    value: float
    unit: str  # 万元 or %
    half: float
    start: int
    end: int
    printed: str


_TO_WAN = {**{unit: float(scale) for unit, scale in TO_WANYUAN.items()}, "%": 1.0}


def numbers_in(text: str) -> list[Number]:
    """Every money amount and percentage printed in ``text`` (normalised), in order."""
    out = []
    for m in NUMBER.finditer(text):
        whole, frac, unit = m.group(1).replace(",", ""), m.group(2) or "", m.group(3)
        places = len(frac) - 1 if frac else 0
        scale = _TO_WAN[unit]
        out.append(
            Number(
                value=float(whole + frac) * scale,
                unit="%" if unit == "%" else "万元",
                half=0.5 * 10**-places * scale,
                start=m.start(),
                end=m.end(),
                printed=m.group(0),
            )
        )
    return out
