"""Budget classification codes: shape rules (level, parent), the catalog of standard names, and name → code.

功能分类 codes are 3/5/7 digits (类/款/项), 经济分类 codes 3/5 digits (类/款); the parent is the prefix. The catalog
(data/*.csv merged by ``build`` into data/index.json, see ``catalog``) gives standard names per edition year with the
source of each entry, its purpose (科目说明) where a source gives one, and links across editions; ``resolve`` turns
printed class names and narrative 类/款/项 citations into codes by walking the catalog. ``harvest`` collects the
evidence documents give.
"""

from __future__ import annotations

from .catalog import (
    COLUMNS,
    LOOKUP_COLUMNS,
    Catalog,
    check_code,
    default_catalog,
    editions_text,
    format_lookup,
    found_any,
    learn,
    link_text,
    lookup,
    lookup_records,
    standard_name,
    write_records,
)
from .resolve import class_code_for_name, closest_child, find_subjects, resolve_subject, similarity
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
    "COLUMNS",
    "LOOKUP_COLUMNS",
    "Catalog",
    "ECONOMIC",
    "ECONOMIC_LEVELS",
    "FUNCTIONAL",
    "FUNCTIONAL_LEVELS",
    "ancestors_of",
    "check_code",
    "class_code_for_name",
    "closest_child",
    "classification_of",
    "default_catalog",
    "editions_text",
    "find_subjects",
    "format_lookup",
    "found_any",
    "join_code",
    "learn",
    "link_text",
    "level_of",
    "lookup",
    "lookup_records",
    "parent_of",
    "resolve_subject",
    "similarity",
    "standard_name",
    "write_records",
]
