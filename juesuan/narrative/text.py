"""Narrative text as the reader sees it: lines joined into paragraphs, headings and the section each paragraph
stands in, and the paragraph's text normalised with a map back to the printed characters.

Everything here is linear in the length of the text: a paragraph's line starts are found by bisection, and the
normalised text is built once, character by character.
"""

from __future__ import annotations

import html
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field

from ..raw import Line
from ..textnorm import ORD_DIGIT, ORD_PAREN, ORD_WORD, ORDINAL, PART, fix_radicals, squash
from .vocab import QUOTES

_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_ORDINAL_HEAD = rf"(?:{PART}|{ORD_WORD}|{ORD_PAREN}|{ORD_DIGIT})"
_HEADING = re.compile(r"^(?:-\s*)?" + _ORDINAL_HEAD)
_LIST_START = re.compile(rf"^(?:-\s*)?{ORDINAL}")
_TERMINAL = tuple("。！？!?；;：:")
_SENTENCE_END = tuple("。！？!?")
_HAS_MONEY = re.compile(r"\d\s*(?:万元|元|%|％)")
_CITATION_MARK = re.compile(r"[(（]\s*\d{0,3}\s*[类款项]\s*[)）]|[(（]2\d{2}(?:\d{2}){0,2}[)）]")
# Characters a text layer or a web page leaves in words: soft hyphens (&shy;), zero-width spaces and joiners.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_INVISIBLE_CHAR = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_MINUS = {"−": "-", "－": "-", "–": "-"}

# Sections whose headings say what fund or topic their sentences speak of (see ``scope_of``).
_SCOPE_WORDS = (
    ("政府性基金", "政府性基金"),
    ("国有资本经营", "国有资本经营"),
    ("三公", "三公"),
    ("机关运行", "机关运行经费"),
    ("政府采购", "政府采购"),
    ("国有资产", "国有资产"),
    ("一般公共预算", "一般公共预算"),
    ("公共财政", "一般公共预算"),
    ("财政拨款", "财政拨款"),
    ("收支", "全部"),
    ("收入支出", "全部"),
    ("支出决算情况", "全部"),
    ("支出预算情况", "全部"),
    ("收入决算情况", "全部"),
    ("收入预算情况", "全部"),
    ("专项", "项目"),
    ("项目经费", "项目"),
    ("绩效", "绩效"),
)


def scope_of(heading: str) -> str:
    """The section a heading opens, by the first word of _SCOPE_WORDS it holds; "" for others (名词解释 …)."""
    for word, scope in _SCOPE_WORDS:
        if word in heading:
            return scope
    return ""


@dataclass
class Paragraph:
    """Text lines joined into one paragraph. ``text`` is as printed with whitespace removed; ``starts`` gives the
    offset in ``text`` where each source line begins, with its line number and page; ``scope`` is the section."""

    text: str
    starts: list[tuple[int, int, int]]  # (offset in text, source line, page)
    scope: str = ""
    heading: str = ""
    _offsets: list[int] = field(default_factory=list, repr=False)

    def _at(self, offset: int) -> tuple[int, int, int]:
        if len(self._offsets) != len(self.starts):
            self._offsets = [s[0] for s in self.starts]
        i = bisect_right(self._offsets, offset) - 1
        return self.starts[max(i, 0)]

    def line_at(self, offset: int) -> int:
        return self._at(offset)[1]

    def page_at(self, offset: int) -> int:
        return self._at(offset)[2]


def clean_line(text: str) -> str:
    """A line as the reader takes it: HTML entities decoded (&shy; &nbsp;), invisible characters and bookmarks
    dropped, whitespace removed (letter-spaced words and numbers: "收 入 总 计", "1 026.81")."""
    if "&" in text:
        text = html.unescape(text)
    if _INVISIBLE_CHAR.search(text):
        text = text.translate(_INVISIBLE)
    return squash(_BOOKMARK.sub("", text) if "[bookmark:" in text else text)


def is_heading(s: str) -> bool:
    """A heading line: short, no figure, no citation, no comma, not a finished sentence ("(1)公务用车购置为 0，与上年
    持平。"; 教育部: "8.实验室及相关设施（2060204），2023年度决算数为" before the line with its figure)."""
    if _CITATION_MARK.search(s) or _HAS_MONEY.search(s) or "，" in s or "," in s:
        return False
    if s.endswith(("。", "！", "？", "!", "?", "；", ";")):
        return False
    if _HEADING.match(s) and len(s) <= 40:
        return True
    return len(s) <= 20 and not s.endswith(_TERMINAL)


def lines_to_paragraphs(lines: list[Line]) -> list[Paragraph]:
    """Join the narrative's text lines into paragraphs; table rows end a paragraph and are not read.

    A line continues the one before unless that one ends a sentence (。！？), is a heading, or the line starts a
    list item ("3、", "（二）") — seed 000 breaks "其他一般公\\n\\n共服务支出（项）", seed 004 breaks "医疗保障\\n政策管理
    (项):支出决算为 10.72 万元". A citation line without figures is joined with the line that gives them (seed 000:
    "2、卫生健康（类）公共卫生（款）其他公共卫生支出（项）。" / "年初预算为9.74万元…"). A heading wrapped over two
    lines is one heading ("九、一般公共预算“三公”经费、会议费、培训费支出预算" / "情况说明").
    """
    out: list[Paragraph] = []
    scope, heading, current, after_heading = "", "", None, False
    for line in lines:
        if line.is_row:
            current, after_heading = None, False
            continue
        s = clean_line(line.text)
        if not s:
            continue
        if is_heading(s):
            heading = heading + s if after_heading and not _HEADING.match(s) else s
            scope = scope_of(heading) or ("" if _HEADING.match(s) else scope)
            current, after_heading = None, True
            continue
        after_heading = False
        if current is not None and not _LIST_START.match(s):
            current.starts.append((len(current.text), line.row, line.page))
            current.text += s
        else:
            current = Paragraph(s, [(0, line.row, line.page)], scope, heading)
            out.append(current)
        citation_only = bool(_CITATION_MARK.search(s)) and not _HAS_MONEY.search(s)
        if s.endswith(_SENTENCE_END) and not citation_only:
            current = None
    return out


class _CharMap(dict):
    """code point → its character NFKC'd, radicals mapped, minus signs made "-" (itself where NFKC gives several),
    filled as characters are met: ``str.translate`` then maps a run of text in one call."""

    def __missing__(self, code: int) -> str:
        c = chr(code)
        m = _MINUS.get(c) or unicodedata.normalize("NFKC", fix_radicals(c))
        self[code] = out = m if len(m) == 1 else c
        return out


_CHARS = _CharMap()
# characters normalise drops: quotes, and "、" between 收/入 and 支 ("收、支总计"; "收入、支出预算总计" in 江苏)
_DROPPED = re.compile("[" + re.escape("".join(sorted(QUOTES))) + "]|(?<=[收入])、(?=支)")


def normalise(text: str) -> tuple[str, list[int]]:
    """NFKC per character (full/half width), radicals mapped, quotes dropped, "收入、支出" → "收入支出", minus signs
    made "-"; returns the text and, for each of its characters, the offset of the printed one. Each character maps
    to one (``_CharMap``), so the text between dropped characters is translated whole and its offsets are a range."""
    chars: list[str] = []
    index: list[int] = []
    start = 0
    for m in _DROPPED.finditer(text):
        chars.append(text[start : m.start()].translate(_CHARS))
        index.extend(range(start, m.start()))
        start = m.end()
    chars.append(text[start:].translate(_CHARS))
    index.extend(range(start, len(text)))
    return "".join(chars), index
