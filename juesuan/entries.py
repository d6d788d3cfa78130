"""One document's results as bytes: the cache's entries and a build's parts, in a format that cannot run code.

An entry holds a file's ``documents`` row (``meta``), its rows of every other output table and the rest of its
Document (the printed tables, the reader's lines), so a build can write its outputs from entries alone and
``Corpus.docs`` can give the whole Document back without reading the file again. Layout::

    MAGIC | sha256(body) | body = len(header) (4 bytes) | header (JSON) | rows (zlib JSON) | document (zlib JSON)

The header names the file's sha256, the code fingerprint that made the entry and the meta; ``Entry(blob, sha,
fingerprint)`` checks the digest (a truncated, damaged or edited entry fails), the format version and that the entry
is the one asked for (an entry copied under another file's name fails), so a wrong entry is read again, never served.
JSON, not pickle: loading an entry builds only plain values, DataFrames and juesuan's own dataclasses.

Serialisation is generic: every DataFrame attribute of the Document that names a table of ``juesuan.schema.TABLES``
goes to the rows section, every other attribute (whatever the Document gains) to the document section, through a
tagged JSON codec for tuples, non-string dict keys, DataFrames (columns, dtypes and values, so a frame comes back
equal) and juesuan's dataclasses (by class name, only from juesuan's own modules).
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import json
import math
import zlib
from decimal import Decimal
from pathlib import PurePath

import numpy as np
import pandas as pd

from .schema import TABLES

MAGIC = b"JUESUAN-ENTRY\n"
VERSION = 1
_DIGEST = 32


class BadEntry(ValueError):
    """An entry that is damaged, truncated, of another format version or not the one asked for."""


# ---------------------------------------------------------------------------------------------------- entries


def encode(sha: str, fingerprint: str, meta: dict, document=None, order=None) -> bytes:
    """The entry of one file: its documents row and, for a file that was read, its Document.

    ``order(frame, table name)``, if given, returns the permutation that puts a table's rows in output order (or
    None: as they are); it is stored beside the rows, so a build writing its outputs need not sort again."""
    frames: dict = {}
    orders: dict = {}
    rest: dict = {}
    if document is not None:
        for f in dataclasses.fields(document):
            value = getattr(document, f.name)
            if f.name == "meta":
                continue
            if f.name in TABLES and isinstance(value, pd.DataFrame):
                frames[f.name] = frame_to_json(value)
                perm = order(value, f.name) if order is not None else None
                if perm is not None:
                    orders[f.name] = perm
            else:
                rest[f.name] = to_json(value)
    rows = {"frames": frames, "order": orders}
    header = {"version": VERSION, "sha256": sha, "fingerprint": fingerprint, "meta": to_json(meta)}
    sections = [_pack(rows) if document is not None else b"", _pack(rest) if document is not None else b""]
    header["sections"] = [len(s) for s in sections]
    head = json.dumps(header, ensure_ascii=False, sort_keys=True).encode(*_UTF8)
    body = len(head).to_bytes(4, "big") + head + b"".join(sections)
    return MAGIC + hashlib.sha256(body).digest() + body


# file names that are not UTF-8 reach the document as lone surrogates (Python's surrogateescape): kept as they are
_UTF8 = ("utf-8", "surrogatepass")


def _pack(value) -> bytes:
    return zlib.compress(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode(*_UTF8), 1)


def _unpack(blob: bytes):
    return json.loads(zlib.decompress(blob).decode(*_UTF8))


class Entry:
    """A checked entry: ``meta`` at once, ``frames()`` and ``document()`` decoded when asked for.

    Raises BadEntry when the bytes are not an intact entry for ``sha`` made by ``fingerprint`` (either may be None
    to accept any)."""

    def __init__(self, blob: bytes, sha: str | None = None, fingerprint: str | None = None):
        if not blob.startswith(MAGIC) or len(blob) < len(MAGIC) + _DIGEST + 4:
            raise BadEntry("not a juesuan entry")
        digest, body = blob[len(MAGIC) : len(MAGIC) + _DIGEST], blob[len(MAGIC) + _DIGEST :]
        if hashlib.sha256(body).digest() != digest:
            raise BadEntry("damaged or truncated (digest differs)")
        n = int.from_bytes(body[:4], "big")
        try:
            header = json.loads(body[4 : 4 + n].decode(*_UTF8))
        except ValueError as err:
            raise BadEntry(f"unreadable header: {err}") from None
        if header.get("version") != VERSION:
            raise BadEntry(f"format version {header.get('version')}, not {VERSION}")
        if sha is not None and header.get("sha256") != sha:
            raise BadEntry("made for another file")
        if fingerprint is not None and header.get("fingerprint") != fingerprint:
            raise BadEntry("made by other code")
        self.sha256: str = header["sha256"]
        self.meta: dict = from_json(header["meta"])
        lengths = header["sections"]
        at = 4 + n
        self._rows = body[at : at + lengths[0]]
        self._doc = body[at + lengths[0] : at + lengths[0] + lengths[1]]

    @property
    def read(self) -> bool:
        """True for a file that was read (the entry has its tables), False for a failed one."""
        return bool(self._rows)

    def frames(self, ordered: bool = False) -> dict[str, pd.DataFrame]:
        """The document's output tables (table name → DataFrame as the Document had it, or with ``ordered`` in the
        output order stored with them)."""
        if not self._rows:
            return {}
        rows = _unpack(self._rows)
        out = {}
        for name, v in rows["frames"].items():
            df = frame_from_json(v)
            perm = rows["order"].get(name) if ordered else None
            out[name] = df.iloc[perm].reset_index(drop=True) if perm is not None else df
        return out

    def columns(self, ordered: bool = True) -> dict[str, dict[str, list]]:
        """The output tables as plain column lists (table → column → values, in output order unless
        ``ordered=False``), without building a DataFrame per document: what a build streams into its outputs."""
        if not self._rows:
            return {}
        rows = _unpack(self._rows)
        out = {}
        for name, v in rows["frames"].items():
            perm = rows["order"].get(name) if ordered else None
            cols = {}
            for col, values in zip(v["columns"], v["data"]):
                if any(type(x) is dict or type(x) is list for x in values):
                    values = [from_json(x) for x in values]
                cols[col] = [values[i] for i in perm] if perm is not None else values
            out[name] = cols
        return out

    def document(self):
        """The Document (None for a failed file), its meta this entry's (relabelled to this build's file name)."""
        if not self._rows:
            return None
        from .document import Document

        kwargs = {name: from_json(v) for name, v in _unpack(self._doc).items()}
        return Document(meta=dict(self.meta), **self.frames(), **kwargs)


# ---------------------------------------------------------------------------------------------------- JSON codec

_TAG = "@"


def to_json(v):
    """A JSON-able form of ``v``; ``from_json`` gives it back (tuples, dict keys, frames, dataclasses kept)."""
    if v is None or isinstance(v, (bool, int, str)):
        return v
    if isinstance(v, float):
        return v
    if isinstance(v, np.generic):
        return to_json(v.item())
    if v is pd.NA or v is pd.NaT:
        return {_TAG: "NA"}
    if isinstance(v, list):
        return _list_to_json(v)
    if isinstance(v, tuple):
        return {_TAG: "tuple", "v": [to_json(x) for x in v]}
    if isinstance(v, dict):
        if all(type(k) is str for k in v) and _TAG not in v:
            return {k: to_json(x) for k, x in v.items()}
        return {_TAG: "dict", "v": [[to_json(k), to_json(x)] for k, x in v.items()]}
    if isinstance(v, pd.DataFrame):
        return frame_to_json(v)
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        names = [f.name for f in dataclasses.fields(v)]
        return {_TAG: "dc", "cls": _class_name(type(v)), "f": {n: to_json(getattr(v, n)) for n in names}}
    if isinstance(v, (set, frozenset)):
        items = [to_json(x) for x in v]
        return {_TAG: "set", "v": sorted(items, key=lambda x: json.dumps(x, sort_keys=True))}
    if isinstance(v, Decimal):
        return {_TAG: "decimal", "v": str(v)}
    if isinstance(v, PurePath):
        return {_TAG: "path", "v": str(v)}
    raise TypeError(f"cannot store a {type(v).__name__} in a cache entry")


def _list_to_json(v: list):
    # a long list of one dataclass (a document's Lines): field names once, then one list of values per item
    if len(v) > 4 and dataclasses.is_dataclass(v[0]) and all(type(x) is type(v[0]) for x in v):
        names = [f.name for f in dataclasses.fields(v[0])]
        rows = [[to_json(getattr(x, n)) for n in names] for x in v]
        return {_TAG: "dcs", "cls": _class_name(type(v[0])), "names": names, "rows": rows}
    return [to_json(x) for x in v]


def from_json(v):
    if isinstance(v, list):
        return [from_json(x) for x in v]
    if not isinstance(v, dict):
        return v
    tag = v.get(_TAG)
    if tag is None:
        return {k: from_json(x) for k, x in v.items()}
    return _DECODERS[tag](v)


def _class_name(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


def _dataclass(name: str) -> type:
    """Only juesuan's own dataclasses are ever built from an entry."""
    module, _, qualname = name.partition(":")
    if module != "juesuan" and not module.startswith("juesuan."):
        raise BadEntry(f"class {name} is not juesuan's")
    obj = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    if not (isinstance(obj, type) and dataclasses.is_dataclass(obj)):
        raise BadEntry(f"{name} is not a dataclass")
    return obj


def _build(cls: type, values: dict):
    fields = {f.name: f for f in dataclasses.fields(cls)}
    obj = cls(**{k: v for k, v in values.items() if k in fields and fields[k].init})
    for k, v in values.items():
        if k in fields and not fields[k].init:
            object.__setattr__(obj, k, v)
    return obj


def _decode_dc(v: dict):
    return _build(_dataclass(v["cls"]), {k: from_json(x) for k, x in v["f"].items()})


def _decode_dcs(v: dict):
    cls = _dataclass(v["cls"])
    names = v["names"]
    return [_build(cls, dict(zip(names, map(from_json, row)))) for row in v["rows"]]


_DECODERS = {
    "NA": lambda v: pd.NA,
    "tuple": lambda v: tuple(from_json(x) for x in v["v"]),
    "dict": lambda v: {from_json(k): from_json(x) for k, x in v["v"]},
    "set": lambda v: {from_json(x) for x in v["v"]},
    "decimal": lambda v: Decimal(v["v"]),
    "path": lambda v: PurePath(v["v"]),
    "dc": _decode_dc,
    "dcs": _decode_dcs,
    "frame": lambda v: frame_from_json(v),
}


# ---------------------------------------------------------------------------------------------------- frames

_NATIVE = {"float64", "int64", "bool"}  # dtypes whose tolist() is already plain JSON values


def frame_to_json(df: pd.DataFrame) -> dict:
    """A DataFrame as columns, dtypes and values; the index only when it is not 0…n-1."""
    cols = [df.iloc[:, i] for i in range(df.shape[1])]
    out = {
        _TAG: "frame",
        "columns": [to_json(c) for c in df.columns],
        "dtypes": [str(c.dtype) for c in cols],
        "data": [_values(c) for c in cols],
    }
    if not (isinstance(df.index, pd.RangeIndex) and df.index.start == 0 and df.index.step == 1):
        out["index"] = {"name": to_json(df.index.name), "values": _values(df.index.to_series())}
        out["index_dtype"] = str(df.index.dtype)
    return out


def _values(s: pd.Series) -> list:
    dtype = str(s.dtype)
    if dtype in _NATIVE:
        return s.tolist()
    if dtype == "object":
        values = s.tolist()
        return values if all(type(x) is str for x in values) else [to_json(x) for x in values]
    # extension dtypes (Int64, boolean, str, string …): missing → None
    return [None if _missing(x) else to_json(x) for x in s.tolist()]


def _missing(x) -> bool:
    return x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x))


def frame_from_json(v: dict) -> pd.DataFrame:
    data = {i: _column(values, dtype) for i, (values, dtype) in enumerate(zip(v["data"], v["dtypes"]))}
    df = pd.DataFrame(data) if data else pd.DataFrame(index=range(0))
    columns = [from_json(c) for c in v["columns"]]
    if columns and all(isinstance(c, tuple) for c in columns):
        df.columns = pd.MultiIndex.from_tuples(columns)
    else:
        df.columns = pd.Index(columns)
    if "index" in v:
        df.index = pd.Index(_column(v["index"]["values"], v["index_dtype"]), name=from_json(v["index"]["name"]))
    return df


def _column(values: list, dtype: str):
    if dtype == "float64":
        return np.array([np.nan if x is None else x for x in values], dtype="float64")
    if dtype in _NATIVE:
        return np.array(values, dtype=dtype)
    if dtype == "object":
        arr = np.empty(len(values), dtype=object)
        for i, x in enumerate(values):
            arr[i] = from_json(x)
        return arr
    plain = all(type(x) is not dict and type(x) is not list for x in values)
    try:
        return pd.array(values if plain else [from_json(x) for x in values], dtype=dtype)
    except (TypeError, ValueError):
        arr = np.empty(len(values), dtype=object)
        arr[:] = [from_json(x) for x in values]
        return arr
