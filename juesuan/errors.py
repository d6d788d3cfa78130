"""Errors juesuan raises for input it cannot use.

Every error names the file and the problem in one line (``str(err)``), so the CLI and the batch build can print it
and record it in documents.csv without a traceback.
"""

from __future__ import annotations

from pathlib import Path


class JuesuanError(Exception):
    """Base class: ``JuesuanError(path, problem)``; ``str()`` gives "<file>: <problem>"."""

    problem_kind = "error"

    def __init__(self, path: str | Path | None, problem: str):
        self.path = str(path) if path is not None else ""
        self.problem = problem
        super().__init__(f"{self.path}: {problem}" if self.path else problem)


class FileMissing(JuesuanError):
    problem_kind = "missing"


class UnsupportedFormat(JuesuanError):
    problem_kind = "unsupported format"


class Unreadable(JuesuanError):
    """Truncated, corrupt, empty or otherwise not parseable as its format."""

    problem_kind = "unreadable"


class Encrypted(JuesuanError):
    problem_kind = "encrypted"


class NoTextLayer(JuesuanError):
    """A scanned PDF: the pages are images; OCR would be needed."""

    problem_kind = "no text layer"


class GarbledText(JuesuanError):
    """The text layer exists but cannot be decoded (fonts without a ToUnicode map)."""

    problem_kind = "garbled text"


class NotABudgetDocument(JuesuanError):
    """Readable, but neither a 决算 nor a 预算 disclosure."""

    problem_kind = "not a 决算/预算"
