"""juesuan: read China's government final-accounts (部门决算) and budget (部门预算) disclosures into tidy tables.

>>> import juesuan
>>> doc = juesuan.read("data/raw/000_8f3e29accc7952d2.txt")
>>> doc.cells          # one row per printed number, keyed by classification code
>>> doc.table("05")    # one table as printed
>>> doc.findings       # arithmetic that does not add up
"""

from __future__ import annotations

from .errors import JuesuanError

__version__ = "0.1.0"
__all__ = ["read", "read_all", "Document", "Corpus", "JuesuanError", "__version__"]


def __getattr__(name: str):
    # Lazy: `import juesuan` stays cheap (the PDF stack is imported only when a PDF is read).
    if name in ("read", "Document"):
        from . import document

        return getattr(document, name)
    if name in ("read_all", "Corpus"):
        from . import corpus

        return getattr(corpus, name)
    raise AttributeError(f"module 'juesuan' has no attribute {name!r}")


def __dir__() -> list[str]:
    # the lazy names are part of the public API: tab completion and dir() must show them
    return sorted(set(__all__) | {k for k in globals() if k.startswith("__")})
