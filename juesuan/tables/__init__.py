"""Recognising the standard tables: specs (data), finding regions in a document, parsing regions into cells."""

from .parse import ParsedTable, choose_by_header, identify_by_header, parse_region
from .recognise import TableRegion, find_tables, match_title
from .spec import TableSpec, load_specs

__all__ = [
    "ParsedTable",
    "choose_by_header",
    "identify_by_header",
    "parse_region",
    "TableRegion",
    "find_tables",
    "match_title",
    "TableSpec",
    "load_specs",
]
