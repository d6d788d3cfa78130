"""Budget classification codes: shape rules (level, parent) and the catalog of standard names.

功能分类 codes are 3/5/7 digits (类/款/项), 经济分类 codes 3/5 digits (类/款); the parent is the prefix. The catalog
(data/*.csv) gives standard names per edition year with the source of each entry.
"""
from __future__ import annotations

import csv
from functools import lru_cache
from importlib import resources

from ..textnorm import match_key, strip_ordinal

FUNCTIONAL_LEVELS = {3: "类", 5: "款", 7: "项"}
ECONOMIC_LEVELS = {3: "类", 5: "款"}


def level_of(code: str, classification: str) -> str:
    """类/款/项 for a code of a known shape, "" for an unknown shape."""
    levels = FUNCTIONAL_LEVELS if classification == "功能分类" else ECONOMIC_LEVELS
    return levels.get(len(code), "") if code.isdigit() else ""


def parent_of(code: str, classification: str) -> str:
    """The parent code (the prefix one level up), "" for a 类 or an unknown shape."""
    if not level_of(code, classification) or len(code) == 3:
        return ""
    return code[:-2] if classification == "功能分类" else code[:3]


@lru_cache(maxsize=1)
def _class_names() -> dict[str, str]:
    """match key of every 类 name (all editions) → code."""
    out: dict[str, str] = {}
    with resources.files(__package__).joinpath("data/functional_classes.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            out[match_key(row["name"])] = row["code"]
    return out


def class_code_for_name(name: str) -> str:
    """The 功能分类 类 code for a printed class name ("九、卫生健康支出" → "210"), "" when it is not a class.

    Tolerates the ordinal prefix, a missing trailing 支出 ("一般公共服务" → 201) and the 的 some documents drop
    ("抗疫特别国债安排支出" → 234).
    """
    key = match_key(strip_ordinal(name or ""))
    if not key:
        return ""
    names = _class_names()
    for candidate in (key, key + "支出", key.replace("安排支出", "安排的支出")):
        if candidate in names:
            return names[candidate]
    return ""
