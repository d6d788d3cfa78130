"""Budget classification codes: shape rules (level, parent), the catalog of standard names, and name → code.

功能分类 codes are 3/5/7 digits (类/款/项), 经济分类 codes 3/5 digits (类/款); the parent is the prefix. The catalog
(data/*.csv, see ``catalog``) gives standard names per edition year with the source of each entry; ``resolve`` turns
printed class names and narrative 类/款/项 citations into codes by walking the catalog.
"""

from __future__ import annotations

from .catalog import (
    Catalog,
    check_code,
    default_catalog,
    format_lookup,
    learn,
    lookup,
    standard_name,
)
from .resolve import class_code_for_name, find_subjects, resolve_subject, similarity
from .shape import (
    ECONOMIC,
    ECONOMIC_LEVELS,
    FUNCTIONAL,
    FUNCTIONAL_LEVELS,
    ancestors_of,
    classification_of,
    join_code,
    level_of,
    parent_of,
)

__all__ = [
    "Catalog",
    "ECONOMIC",
    "ECONOMIC_LEVELS",
    "FUNCTIONAL",
    "FUNCTIONAL_LEVELS",
    "ancestors_of",
    "check_code",
    "class_code_for_name",
    "classification_of",
    "default_catalog",
    "find_subjects",
    "format_lookup",
    "join_code",
    "learn",
    "level_of",
    "lookup",
    "parent_of",
    "resolve_subject",
    "similarity",
    "standard_name",
]
