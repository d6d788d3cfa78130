"""Shape rules for budget classification codes: level and parent from the digits alone, no catalog needed.

功能分类 codes are 3/5/7 digits (类/款/项), 经济分类 codes 3/5 digits (类/款); the parent is the prefix. The two
classifications never share a code: 功能分类 classes are 2xx, 部门经济分类 3xx, 政府经济分类 5xx.
"""

from __future__ import annotations

import re
import unicodedata

FUNCTIONAL = "功能分类"
ECONOMIC = "经济分类"
FUNCTIONAL_LEVELS = {3: "类", 5: "款", 7: "项"}
ECONOMIC_LEVELS = {3: "类", 5: "款"}
LEVEL_ORDER = {"类": 0, "款": 1, "项": 2}

# Codes printed split over columns or with separators: "210 | 15 | 01", "301 01", "2101 501".
_CODE_TEXT = re.compile(r"^[\d\s|｜/\-]+$")


def level_of(code: str, classification: str) -> str:
    """类/款/项 for a code of a known shape, "" for an unknown shape."""
    levels = FUNCTIONAL_LEVELS if classification == FUNCTIONAL else ECONOMIC_LEVELS
    return levels.get(len(code), "") if code.isdigit() else ""


def parent_of(code: str, classification: str) -> str:
    """The parent code (the prefix one level up), "" for a 类 or an unknown shape."""
    if not level_of(code, classification) or len(code) == 3:
        return ""
    return code[:-2] if classification == FUNCTIONAL else code[:3]


def ancestors_of(code: str, classification: str) -> list[str]:
    """The code's ancestors from the 类 down, the code itself last ("2101501" → ["210", "21015", "2101501"])."""
    chain = [code] if level_of(code, classification) else []
    while chain and (parent := parent_of(chain[0], classification)):
        chain.insert(0, parent)
    return chain


def classification_of(code: str) -> str:
    """功能分类 or 经济分类 from the leading digit of a code of valid shape, "" when neither fits."""
    if not code.isdigit():
        return ""
    if code[0] == "2" and level_of(code, FUNCTIONAL):
        return FUNCTIONAL
    if code[0] in "35" and level_of(code, ECONOMIC):
        return ECONOMIC
    return ""


def join_code(text: str) -> str:
    """A code printed in pieces joined into one ("210 | 15 | 01" → "2101501", "301 01" → "30101").

    Returns "" when the text holds anything but digits and separators.
    """
    t = unicodedata.normalize("NFKC", text or "")
    if not t.strip() or not _CODE_TEXT.match(t):
        return ""
    return re.sub(r"\D", "", t)
