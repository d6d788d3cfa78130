"""Recognising the standard tables: specs (data), finding regions in a document, parsing regions into cells."""
from .parse import ParsedTable, parse_region
from .recognise import TableRegion, find_tables, match_title
from .spec import TableSpec, load_specs

__all__ = ["ParsedTable", "parse_region", "TableRegion", "find_tables", "match_title", "TableSpec", "load_specs"]
