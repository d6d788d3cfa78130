"""Many files → one panel: ``read_all`` concatenates the contract's tables; ``write_clean`` writes data/clean/.

Each file is read on its own: a file that fails becomes a ``documents`` row with status "failed" and its error, and
the others go through. Files are taken in sorted order of their path relative to the input folder, and every output
table is sorted on stable keys, so the same inputs always give byte-identical CSVs.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import pandas as pd

from .document import Document, read
from .errors import JuesuanError
from .readers import SUFFIXES, _sniff, sha256_of
from .schema import TABLES, conform, empty_frame

OUTPUTS = ("documents", "tables", "cells", "facts", "findings", "dropped")


@dataclass
class Corpus:
    """The contract's tables for many documents, plus the Documents themselves (``docs``, by doc_id)."""

    documents: pd.DataFrame
    tables: pd.DataFrame
    cells: pd.DataFrame
    facts: pd.DataFrame
    findings: pd.DataFrame
    dropped: pd.DataFrame
    docs: dict[str, Document] = field(default_factory=dict, repr=False)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return getattr(self, name)

    def __repr__(self) -> str:
        status = self.documents["status"].value_counts().to_dict() if len(self.documents) else {}
        return f"<Corpus {len(self.documents)} documents {status}, {len(self.cells)} cells, " \
               f"{int((self.findings['severity'] == 'error').sum())} error findings>"


def find_inputs(source: str | Path | Iterable[str | Path]) -> tuple[list[Path], Path]:
    """The files to read and the folder their names are relative to.

    A folder is searched recursively for files juesuan can read (known suffixes, or PDF/Excel by their first
    bytes); hidden files and folders are skipped. A list of paths is taken as given.
    """
    if isinstance(source, (str, Path)) and Path(source).is_dir():
        root = Path(source)
        files = []
        for p in sorted(root.rglob("*")):
            rel = p.relative_to(root)
            if any(part.startswith(".") for part in rel.parts) or not p.is_file():
                continue
            if p.suffix.lower() in SUFFIXES or p.suffix.lower() in (".pdf", ".xlsx", ".xls", ".xlsm"):
                files.append(p)
            else:
                with p.open("rb") as fh:
                    if _sniff(fh.read(8)):
                        files.append(p)
        return files, root
    paths = [Path(source)] if isinstance(source, (str, Path)) else [Path(p) for p in source]
    return sorted(paths, key=lambda p: p.as_posix()), Path(".")


def _label(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def failed_row(path: Path, label: str, err: Exception) -> dict:
    """A documents row for a file that could not be read."""
    try:
        sha = sha256_of(path) if path.is_file() else ""
    except OSError:
        sha = ""
    # the problem only: the file is in its own column, and an absolute path would make outputs machine-dependent
    message = err.problem if isinstance(err, JuesuanError) else f"unexpected {type(err).__name__}: {err}"
    row = {f.name: None for f in TABLES["documents"]}
    row.update({"doc_id": sha[:16], "file": label, "sha256": sha, "status": "failed", "error": message,
                "tables": "", "n_cells": 0, "n_errors": 0})
    return row


def read_one(path: Path, root: Path) -> Document | dict:
    """Read one file; a failure comes back as its documents row, never as an exception."""
    label = _label(path, root)
    try:
        return read(path, file_label=label)
    except JuesuanError as err:
        return failed_row(path, label, err)
    except Exception as err:  # noqa: BLE001 - one bad file must not stop a batch; the row says what happened
        return failed_row(path, label, err)


def _sorted(df: pd.DataFrame, name: str) -> pd.DataFrame:
    keys = {"documents": ["file"], "tables": ["doc_id", "page", "table"],
            "cells": ["doc_id", "table", "page", "row", "classification", "code", "name", "measure"],
            "facts": ["doc_id", "row", "key", "period", "code"],
            "findings": ["doc_id", "check", "table", "code", "measure", "severity", "message"],
            "dropped": ["doc_id", "table", "page", "row", "column"]}[name]
    return df.sort_values(keys, kind="stable", na_position="first").reset_index(drop=True)


def assemble(results: list[Document | dict]) -> Corpus:
    """Concatenate per-file results into a Corpus with stable row order."""
    docs = {r.doc_id: r for r in results if isinstance(r, Document)}
    rows = [r.meta if isinstance(r, Document) else r for r in results]
    frames: dict[str, pd.DataFrame] = {
        "documents": conform(pd.DataFrame(rows, columns=[f.name for f in TABLES["documents"]]), "documents")
        if rows else empty_frame("documents")}
    for name in OUTPUTS[1:]:
        parts = [getattr(d, name) for d in docs.values() if len(getattr(d, name))]
        frames[name] = conform(pd.concat(parts, ignore_index=True), name) if parts else empty_frame(name)
    frames = {k: _sorted(v, k) for k, v in frames.items()}
    return Corpus(**frames, docs=docs)


def read_all(source: str | Path | Iterable[str | Path], progress: bool = False) -> Corpus:
    """Read every document in a folder (recursively) or a list of paths into one Corpus.

    Never raises for a bad file: it becomes a failed row in ``documents`` with the error.
    """
    files, root = find_inputs(source)
    iterator = files
    if progress:
        from tqdm import tqdm

        iterator = tqdm(files, unit="file")
    return assemble([read_one(p, root) for p in iterator])


def write_clean(corpus: Corpus, out: str | Path) -> dict[str, Path]:
    """Write the corpus's tables as CSV (UTF-8 with BOM, "\\n" line ends) into ``out``; returns name → path."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    for name in OUTPUTS:
        path = out / f"{name}.csv"
        corpus[name].to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")
        written[name] = path
    return written
