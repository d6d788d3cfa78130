"""Normalising Chinese text as it comes out of PDFs, spreadsheets and web pages.

Three jobs, kept apart because they serve different ends:

- ``clean_name``: the form a printed name is stored in (whitespace removed — wrapped and letter-spaced cells such as
  "机关事业单位基本养 老保险缴费" or "收 入 决 算 表" — radicals mapped to their characters, brackets in full width as the
  classification catalogs print them). Names are recorded as printed, only cleaned.
- ``match_key``: a looser key for recognising titles, headers and items: also NFKC (full/half width), quotes and
  punctuation dropped.
- ``parse_amount``: a printed amount to ``Decimal`` (thousands separators, full-width digits, trimmed decimals, the
  negatives of Chinese accounting: △, ▲, −, parentheses); two numbers run together are not one amount.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from functools import lru_cache

# CJK Radicals Supplement code points that fonts without a proper ToUnicode map emit instead of the ideograph
# (seen in PDF text layers: "⻋" for 车, "⻓" for 长). NFKC does not map this block (it only maps the Kangxi radicals
# U+2F00–U+2FD5), so the common ones are listed here.
_RADICALS = {
    "⺠": "民",
    "⺟": "母",
    "⻁": "虎",
    "⻄": "西",
    "⻅": "见",
    "⻆": "角",
    "⻉": "贝",
    "⻋": "车",
    "⻓": "长",
    "⻔": "门",
    "⻘": "青",
    "⻙": "韦",
    "⻚": "页",
    "⻛": "风",
    "⻜": "飞",
    "⻝": "食",
    "⻢": "马",
    "⻣": "骨",
    "⻤": "鬼",
    "⻥": "鱼",
    "⻦": "鸟",
    "⻧": "卤",
    "⻨": "麦",
    "⻩": "黄",
    "⻬": "齐",
    "⻮": "齿",
    "⻰": "龙",
    "⻳": "龟",
    "⺁": "厂",
    "⺇": "几",
    "⺈": "刀",
    "⺊": "卜",
    "⺌": "小",
    "⺍": "小",
    "⺎": "兀",
    "⺏": "尢",
    "⺐": "尢",
    "⺑": "尢",
    "⺒": "巳",
    "⺓": "幺",
    "⺔": "彐",
    "⺕": "彐",
    "⺛": "旡",
    "⺝": "月",
    "⺞": "歺",
    "⺡": "水",
    "⺢": "水",
    "⺣": "火",
    "⺤": "爪",
    "⺥": "爪",
    "⺦": "丬",
    "⺧": "牛",
    "⺨": "犬",
    "⺩": "王",
    "⺪": "疋",
    "⺫": "目",
    "⺬": "示",
    "⺭": "示",
    "⺮": "竹",
    "⺯": "糸",
    "⺰": "纟",
    "⺱": "网",
    "⺲": "网",
    "⺳": "网",
    "⺴": "网",
    "⺵": "网",
    "⺶": "羊",
    "⺷": "羊",
    "⺸": "羊",
    "⺹": "老",
    "⺺": "聿",
    "⺻": "聿",
    "⺼": "肉",
    "⺽": "臼",
    "⺾": "艸",
    "⺿": "艸",
    "⻀": "艸",
    "⻂": "衣",
    "⻃": "襾",
    "⻇": "角",
    "⻈": "讠",
    "⻊": "足",
    "⻌": "辶",
    "⻍": "辶",
    "⻎": "辶",
    "⻏": "阝",
    "⻐": "金",
    "⻑": "長",
    "⻒": "镸",
    "⻕": "门",
    "⻖": "阝",
    "⻗": "雨",
    "⻞": "飠",
    "⻟": "飠",
    "⻠": "饣",
    "⻡": "首",
    "⻫": "斉",
    "⻭": "歯",
    "⻯": "竜",
    "⻱": "亀",
    "⻲": "亀",
}
_RADICAL_TABLE = str.maketrans(_RADICALS)
# any character the table maps: most texts have none, and finding that is cheaper than translating them
_RADICAL_CHAR = re.compile("[" + "".join(re.escape(chr(k)) for k in sorted(_RADICAL_TABLE)) + "]")

_HALF_TO_FULL_BRACKETS = str.maketrans({"(": "（", ")": "）"})
# What match_key drops: punctuation, quotes and brackets of both widths, the ordinal prefix is handled separately.
_PUNCT = re.compile(r"[\"'“”‘’「」『』《》〈〉()（）\[\]【】,，.。、:：;；!！?？·•\-—_~～/\\|*＊]")
# Money units as printed → 万元 (the contract's unit): the one table every module converts with.
TO_WANYUAN = {"万元": Decimal(1), "元": Decimal("0.0001"), "千元": Decimal("0.1"), "亿元": Decimal(10000)}

# How documents number their parts and items — one rule, composed by every module that needs it:
# "第三部分", "一、", "（二）", "3." (unless a decimal follows: "1.5%"; "4．2025年…" is an ordinal before a year), "①".
CN_NUMERAL = "[一二三四五六七八九十百]"
ORD_PAREN = rf"[（(](?:{CN_NUMERAL}{{1,3}}|\d{{1,2}})[）)]"
ORD_WORD = rf"{CN_NUMERAL}+[、.．]"
ORD_DIGIT = r"\d{1,2}(?:[、．]|\.(?!\d)|\.(?=(?:19|20)\d{2}年))"
ORD_CIRCLED = "[①-⑳]"
PART = rf"第{CN_NUMERAL}+部分"
ORDINAL = rf"(?:{ORD_PAREN}|{ORD_WORD}|{ORD_DIGIT}|{ORD_CIRCLED})"
_ORDINAL = re.compile(rf"^{ORDINAL}\s*")


# The 栏次 row: the one rule for "these numbers are column numbers, not money", used by the PDF geometry, the
# table parser and the browser-copy reader. A row is a 栏次 row when a cell says 栏次 (or a lone 栏), or when it
# holds at least three bare integers counting up by one from a start no later than the row's length + 1 ("1 2 3 …",
# "7 8 … 12" on an 06 panel's second half), which no row of amounts does.
COLNUM_LABELS = ("栏次", "栏")


def is_colnum_label(text: str) -> bool:
    """A cell that names the 栏次 row ("栏次", "栏 次", "栏")."""
    t = squash(text)
    return "栏次" in t or t == "栏"


def is_colnum_row(texts: Iterable[str | None]) -> bool:
    """A row of column numbers (the 栏次 row), from its cells' or words' texts; blank cells are ignored."""
    filled = [t for t in (squash(c) for c in texts if c) if t]
    if not filled:
        return False
    if any(is_colnum_label(t) for t in filled):
        return True
    if len(filled) < 3 or not all(t.isdigit() for t in filled):
        return False
    nums = [int(t) for t in filled]
    return nums == list(range(nums[0], nums[0] + len(nums))) and nums[0] <= 1 + len(nums)


def fix_radicals(text: str) -> str:
    """Map CJK radical code points to the ideographs they stand for."""
    return text.translate(_RADICAL_TABLE) if _RADICAL_CHAR.search(text) else text


def squash(text: str) -> str:
    """Remove all whitespace, including ideographic spaces and zero-width characters."""
    # a cell's text is squashed again by every step that looks at it: short texts are memoised (long ones, a
    # paragraph, are seldom asked twice and would only fill the cache)
    return _squash_short(text) if len(text) <= 64 else _squash(text)


def _squash(text: str) -> str:
    # every character str.isspace() calls whitespace (as re's \s: tabs, NBSP, the ideographic space …) removed by
    # str.split(), which cuts at exactly those, in C: ~5× faster than a [\s…]+ pattern on a paragraph; zero-width
    # space and BOM are not whitespace to Python and are removed after
    out = "".join(text.split())
    return out.replace("\u200b", "").replace("\ufeff", "") if "\u200b" in out or "\ufeff" in out else out


_squash_short = lru_cache(maxsize=1 << 16)(_squash)


def clean_name(text: str | None) -> str:
    """A printed name in stored form: no whitespace, radicals mapped, full-width brackets."""
    if not text:
        return ""
    return _clean_short(text) if len(text) <= 64 else _clean(text)


def _clean(text: str) -> str:
    text = squash(fix_radicals(text))
    return text.translate(_HALF_TO_FULL_BRACKETS) if "(" in text or ")" in text else text


_clean_short = lru_cache(maxsize=1 << 16)(_clean)  # as squash: names and lines are cleaned again by every step


def strip_ordinal(text: str) -> str:
    """Drop a leading ordinal such as "一、", "（三）", "2." from an item name."""
    return _ORDINAL.sub("", text, count=1)


@lru_cache(maxsize=1 << 16)
def match_key(text: str | None) -> str:
    """A loose key for matching titles, headers and item names: NFKC, no whitespace, no punctuation."""
    if not text:
        return ""
    t = unicodedata.normalize("NFKC", fix_radicals(text))
    return _PUNCT.sub("", squash(t)).lower()


# Page numbers as printed on their own line: "- 3 -", "─ 3 ─" (江苏 2019, box-drawing dashes), "第3页 共9页", "3/9", "3"
PAGE_NUMBER = re.compile(
    r"^(?:[-—–─━]\s*\d+\s*[-—–─━]|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|\d{1,3})$"
)

_AMOUNT = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$|^[+-]?\.\d+$")
# a space inside an amount is a thousands separator only between groups of three ("1 234.50"); "115 10.00" is two
# numbers (a 行次 and an amount a text export ran together), never 11510.00
_SPACED_THOUSANDS = re.compile(r"^\d{1,3}(?: \d{3})+(?:\.\d+)?$")
# Chinese accounting marks a negative with △ or ▲ before the figure, a minus sign (−, U+2212, or the full-width －,
# which NFKC makes "-") or parentheses (full-width ones too, which NFKC makes half-width)
_NEGATIVE_MARK = re.compile(r"^[△▲\-−]\s*")
_HAN = re.compile("[\u4e00-\u9fff]")
_DASHES = ("", "-", "--", "—", "－", "/", "——", "−")


def _amount_text(text: str) -> tuple[bool, str]:
    """(negative, the digits part) of a printed amount, whitespace at the edges and after a sign removed."""
    t = unicodedata.normalize("NFKC", text).replace("\u3000", " ").strip()
    negative = False
    if t.startswith("(") and t.endswith(")"):
        negative, t = True, t[1:-1].strip()
    m = _NEGATIVE_MARK.match(t)
    if m and len(t) > m.end():
        negative, t = not negative, t[m.end() :]
    elif t.startswith("+"):
        t = t[1:].lstrip()
    return negative, t


@lru_cache(maxsize=1 << 16)
def parse_amount(text: str | None) -> Decimal | None:
    """Parse a printed amount; ``None`` for a blank or a dash (nothing printed).

    Accepts thousands separators ("5,545.08", "1 234.50"), full-width digits, trimmed decimals ("4.5"), and the
    negatives of Chinese accounting: a minus sign ("-12.34", "−12.34", "－12.34"), a triangle ("△12.34", "▲12.34")
    or parentheses ("(12.50)", "（12.50）"). Raises ``ValueError`` for text that is not one amount — words, or two
    numbers run together ("115 10.00") — so a caller can tell "blank" from "something we cannot read".
    """
    if text is None:
        return None
    if squash(unicodedata.normalize("NFKC", text)) in _DASHES:
        return None
    negative, t = _amount_text(text)
    if " " in t or "\t" in t:
        if not _SPACED_THOUSANDS.match(t):
            raise ValueError(f"not one amount: {text!r}")
        t = t.replace(" ", "")
    if not _AMOUNT.match(t):
        raise ValueError(f"not an amount: {text!r}")
    try:
        value = Decimal(t.replace(",", ""))
    except InvalidOperation as err:  # pragma: no cover - the regex admits only valid decimals
        raise ValueError(f"not an amount: {text!r}") from err
    return -value if negative else value


# Cached as match_key is: one document asks for the same cell texts in identity, recognition, parsing and the checks
# (a Decimal is immutable, so sharing one is safe; a ValueError is raised again each time, never cached)
@lru_cache(maxsize=1 << 16)
def is_amount(text: str | None) -> bool:
    """True when ``text`` is a printed amount (not blank, not a dash)."""
    try:
        return parse_amount(text) is not None
    except ValueError:
        return False


def decimals_of(text: str) -> int:
    """Number of decimals printed ("985.24" → 2, "4.5" → 1, "12" → 0)."""
    t = squash(_amount_text(text)[1])
    return len(t.split(".", 1)[1]) if "." in t else 0


@lru_cache(maxsize=1)
def _t2s():
    # OpenCC's phrase tables know the one-to-many cases (乾隆 stays, 乾燥 → 干燥; 著名 stays) that a character map
    # gets wrong; the official Python binding ships the tables in its wheel.
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str | None) -> str:
    """Traditional characters to simplified (OpenCC t2s); simplified text passes unchanged."""
    if not text:
        return ""
    return _t2s_short(text) if len(text) <= 64 else _t2s_long(text)


@lru_cache(maxsize=1 << 14)
def _t2s_short(text: str) -> str:
    # names and places are converted again for every candidate the identity weighs (regions.region_of)
    return _t2s().convert(text)


@lru_cache(maxsize=128)
def _t2s_long(text: str) -> str:
    # a document's opening text is asked three times whether it is traditional (identity.simplified, per identify)
    return _t2s().convert(text)


def traditional_share(text: str | None) -> tuple[int, int]:
    """(characters that t2s changes, Chinese characters) in ``text``: how much of it is in traditional characters."""
    if not text:
        return 0, 0
    simplified = to_simplified(text)
    if simplified == text:  # the usual case, a simplified document: nothing changed, count the characters in C
        return 0, len(_HAN.findall(text))
    han = [i for i, c in enumerate(text) if "\u4e00" <= c <= "\u9fff"]
    if len(simplified) != len(text):  # a phrase mapped to a different length: compare character sets instead
        changed = sum(1 for c in set(text) if "\u4e00" <= c <= "\u9fff" and to_simplified(c) != c)
        return changed, len(han)
    return sum(1 for i in han if simplified[i] != text[i]), len(han)


def is_traditional(text: str | None, share: float = 0.05, at_least: int = 5) -> bool:
    """True when at least ``share`` of the Chinese characters (and ``at_least`` of them) are traditional forms."""
    if at_least > 0 and (not text or to_simplified(text) == text):
        return False  # nothing changes (the usual case): no need to count the Chinese characters
    changed, han = traditional_share(text)
    return changed >= at_least and changed >= share * han


def display_width(text: str) -> int:
    """Columns a text takes on a terminal: East Asian wide and full-width characters count two (as pandas counts
    them with ``display.unicode.east_asian_width``; ambiguous ones count one)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def printable(name: str) -> str:
    """A file name as text: bytes that are not UTF-8 (kept by Python as surrogates, as ``unzip`` leaves GBK names)
    shown as ``\\xNN``, so the name can go into any output."""
    import os

    if not any("\udc80" <= ch <= "\udcff" for ch in name):
        return name
    return os.fsencode(name).decode("utf-8", "backslashreplace")
