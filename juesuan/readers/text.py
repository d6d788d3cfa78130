"""Text exports: the narrative as lines, table rows as tab-separated lines (the form of the seed documents), or
tables aligned with spaces (``pdftotext -layout``, tabs expanded) or saved as CSV.

A line with a tab is a table row and keeps its cell positions; a page without tabs is laid out by the character
offsets of its tokens (``juesuan.geometry``, the column logic of borderless PDFs); any other non-blank line is text.
Form feeds start a new page. Markdown emphasis around titles ("**2021年度**") is stripped.

The encoding is found, not assumed (``decode_best``: UTF-8, UTF-16, GB18030/GBK/GB2312, Big5); a browser copy whose
tables came out one cell per line goes to ``juesuan.readers.webcopy``.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import re
import unicodedata
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from ..errors import Unreadable
from ..geometry import DEFAULT, Settings, Word, layout_page
from ..raw import Line, RawDocument

_EMPHASIS = re.compile(r"^\*\*|\*\*$")
# Mislabelled or legacy names → the codec that decodes what such files really hold: pages labelled GB2312 use GBK and
# GB18030 characters (镕, 堃, traditional forms), Big5 pages use the HKSCS additions.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "big5": "big5hkscs", "cp950": "big5hkscs"}
# labels pages use that Python's codec registry lacks (from the WHATWG Encoding Standard's label table)
_LABELS = {
    "x-gbk": "gb18030",
    "gb_2312-80": "gb18030",
    "iso-ir-58": "gb18030",
    "csgb2312": "gb18030",
    "x-x-big5": "big5hkscs",
}
_LEGACY = ("gb18030", "big5hkscs")  # tried, in this order, when the bytes are not UTF-8
PLAUSIBLE = 0.85  # below this share of usual characters a decoding is taken for mojibake
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


@lru_cache(maxsize=1)
def _usual_characters() -> frozenset[str]:
    """The characters Chinese text is mostly made of: GB2312's level-1 hanzi (3,755, rows 16–55) and Big5's
    常用字 (5,401, A440–C67E) — the national standards' own lists of common characters, taken from the codecs rather
    than typed in — plus CJK and full-width punctuation."""
    chars: set[str] = set()
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(bytes([hi, lo]).decode("gb2312"))
    for hi in range(0xA4, 0xC7):
        for lo in list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF)):
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(bytes([hi, lo]).decode("big5"))
    chars.update(chr(c) for c in range(0x3000, 0x3040))  # CJK punctuation
    chars.update(chr(c) for c in range(0xFF01, 0xFF5F))  # full-width forms
    chars.update("“”‘’—…·×")
    return frozenset(chars)


def plausibility(text: str) -> float:
    """The share of a text's non-space characters that are usual in Chinese disclosures (common hanzi, ASCII,
    CJK punctuation): about 0.99 for real text, 0.2–0.6 for bytes decoded with the wrong codec."""
    usual = _usual_characters()
    n = ok = 0
    for ch in text:
        if ch.isspace():
            continue
        n += 1
        if ("!" <= ch <= "~") or ch in usual:
            ok += 1
    return ok / n if n else 1.0


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a BOM: ASCII characters (digits, newlines) leave a NUL in every other byte."""
    sample = data[:4096]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if max(even, odd) < len(sample) // 20 or min(even, odd) > max(even, odd) // 10:
        return None
    return _strict(data, "utf-16-be" if even > odd else "utf-16-le")


def codec_name(label: str) -> str:
    """A declared charset label → the codec that reads it ("GB2312" → "gb18030"); "" for a label Python lacks."""
    label = label.strip().strip("\"'").lower()
    try:
        name = codecs.lookup(_LABELS.get(label, label)).name
    except LookupError:
        return ""
    return _SUPERSETS.get(name, name)


def decode_best(data: bytes, path: Path, declared: str = "") -> tuple[str, str, list[tuple[str, str]]]:
    """Decode bytes whose encoding nobody stated reliably; returns (text, codec, notes).

    Order: a BOM; UTF-16 without BOM; the ``declared`` charset (an HTML page's meta) if it decodes and reads as
    Chinese; UTF-8; then GB18030 and Big5-HKSCS, the one whose text is most plausible. A result that still looks like
    mojibake (``plausibility`` below ``PLAUSIBLE``) raises ``Unreadable`` rather than being read silently wrong.
    """
    notes: list[tuple[str, str]] = []
    for bom, enc in _BOMS:
        if data.startswith(bom):
            text = _strict(data, enc)
            if text is None:
                raise Unreadable(path, f"starts with a {enc} byte-order mark but is not valid {enc}")
            return text, enc, notes
    text = _utf16_without_bom(data) if b"\x00" in data[:4096] else None
    if text is not None and plausibility(text) >= PLAUSIBLE:
        return text, "utf-16", notes
    codec = codec_name(declared) if declared else ""
    if codec:
        text = _strict(data, codec)
        if text is not None and plausibility(text) >= PLAUSIBLE:
            return text, codec, notes
        notes.append(("info", f"declared charset {declared!r} does not fit the bytes; the encoding was sniffed"))
    text = _strict(data, "utf-8")
    if text is not None:
        return text, "utf-8", notes
    tried = [(plausibility(t), enc, t) for enc in _LEGACY if (t := _strict(data, enc)) is not None]
    if not tried:
        raise Unreadable(path, "not text: neither UTF-8, GB18030 nor Big5")
    score, enc, text = max(tried, key=lambda x: x[0])
    if score < PLAUSIBLE:
        raise Unreadable(
            path,
            f"not text in a known encoding: as {enc} only {score:.0%} of the characters are usual in Chinese text "
            "(mojibake); save it as UTF-8",
        )
    return text, enc, notes


def decode(data: bytes, path: Path) -> str:
    """Decode a text export without being told its encoding: UTF-8 (with or without BOM), UTF-16 (BOM or not),
    GB18030/GBK/GB2312 or Big5, as Chinese Windows tools write them (see ``decode_best``)."""
    return decode_best(data, path)[0]


def text_to_lines(text: str, settings: Settings | None = None) -> tuple[list[Line], int]:
    """Split a text export into Lines; returns the lines and the page count (form feeds start pages).

    A line with a tab is a table row, its cells the tab-separated fields. A page without tabs is laid out by
    position: a CSV saved as text gives its fields; otherwise (``pdftotext -layout`` output, tabs expanded to
    spaces) each line's tokens are placed by their character offsets and ``juesuan.geometry`` finds the tables and
    their columns as it does on a borderless PDF page.
    """
    pages = _pages(text)
    csv_like = _is_csv(text)
    lines: list[Line] = []
    for page, numbered in enumerate(pages, start=1):
        if csv_like:
            lines.extend(_csv_lines(page, numbered))
        elif any("\t" in raw for _, raw in numbered):
            lines.extend(_tab_lines(page, numbered))
        else:
            lines.extend(_positioned_lines(page, numbered, settings))
    return lines, len(pages)


def _pages(text: str) -> list[list[tuple[int, str]]]:
    """(line number, line) per page; split on newlines only: str.splitlines() would also split on the form feed
    that marks a page break."""
    pages: list[list[tuple[int, str]]] = [[]]
    for lineno, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        parts = raw.split("\f")
        for k, part in enumerate(parts):
            if k:
                pages.append([])
            if part.strip():
                pages[-1].append((lineno, part))
    return pages


def _text_line(page: int, lineno: int, raw: str) -> Line | None:
    s = _EMPHASIS.sub("", raw.strip()).strip()
    return Line(page=page, row=lineno, cells=(s,), is_row=False) if s else None


def _tab_lines(page: int, numbered: list[tuple[int, str]]) -> list[Line]:
    out = []
    for lineno, raw in numbered:
        if "\t" in raw:
            cells = tuple(c.strip() for c in raw.split("\t"))
            if any(cells):
                out.append(Line(page=page, row=lineno, cells=cells, is_row=True))
            continue
        line = _text_line(page, lineno, raw)
        if line:
            out.append(line)
    return out


# ---------------------------------------------------------------------------------------------------- CSV


def _csv_fields(raw: str) -> list[str]:
    return [f.strip() for f in next(csv.reader([raw]))]


def _is_csv_row(raw: str) -> bool:
    if raw.count(",") < 2 or "。" in raw or "\t" in raw:
        return False
    fields = _csv_fields(raw)
    return len(fields) >= 3 and all(len(f) <= 40 for f in fields)


def _is_csv(text: str) -> bool:
    """A CSV saved as text: no tabs, and most lines holding commas split into three or more short fields."""
    if "\t" in text:
        return False
    lines = [ln for ln in text.splitlines() if ln.strip()]
    rows = sum(1 for ln in lines if _is_csv_row(ln))
    return rows >= 3 and rows >= 0.3 * len(lines)


def _csv_lines(page: int, numbered: list[tuple[int, str]]) -> list[Line]:
    out = []
    for lineno, raw in numbered:
        fields = _csv_fields(raw) if raw.count(",") else [raw]
        if len(fields) >= 2 and not all(len(f) > 40 or not f for f in fields[1:]):
            if any(fields):
                out.append(Line(page=page, row=lineno, cells=tuple(fields), is_row=True))
            continue
        line = _text_line(page, lineno, ",".join(f for f in fields if f) if len(fields) > 1 else raw)
        if line:
            out.append(line)
    return out


# ---------------------------------------------------------------------------------------------------- by position

# a text line's tokens become words on a page of these proportions: a column is half a CJK character wide
_COL = 5.0
_PITCH = 14.0
_SIZE = 10.0
_NUMBERISH = re.compile(r"^[-−－△▲+(（]?[\d,.]+[)）%]?$")


def _width(ch: str, wide: bool) -> int:
    """Display columns of a character: two for CJK (East-Asian wide or full width) where ``wide``."""
    return 2 if wide and unicodedata.east_asian_width(ch) in ("W", "F") else 1


def _tokens(raw: str, wide: bool) -> list[tuple[str, int, int]]:
    """(text, first column, end column) of a line's tokens: runs of two or more spaces always separate; a single
    space separates only where a number stands on either side ("115 10.00" is a 行次 and an amount), so a
    letter-spaced label ("项 目") stays one token."""
    pieces: list[tuple[str, int, int]] = []
    col = 0
    cur, start = "", 0
    for ch in raw.replace("\u3000", "  "):
        if ch == " ":
            if cur:
                pieces.append((cur, start, col))
                cur = ""
            col += 1
            continue
        if not cur:
            start = col
        cur += ch
        col += _width(ch, wide)
    if cur:
        pieces.append((cur, start, col))
    out: list[tuple[str, int, int]] = []
    for text, a, b in pieces:
        if out:
            prev, pa, pb = out[-1]
            if a - pb == 1 and not (_NUMBERISH.match(prev) or _NUMBERISH.match(text)):
                out[-1] = (prev + " " + text, pa, b)
                continue
        out.append((text, a, b))
    return out


def _words(numbered: list[tuple[int, str]], wide: bool) -> list[Word]:
    words = []
    for lineno, raw in numbered:
        top = lineno * _PITCH
        for text, a, b in _tokens(raw, wide):
            words.append(Word(text, a * _COL, b * _COL, top=top, bottom=top + _SIZE, size=_SIZE))
    return words


def _alignment(words: list[Word]) -> int:
    """How scattered the numbers' edges are: a column of amounts shares a right (or left) edge."""
    nums = [w for w in words if _NUMBERISH.match(w.text)]
    return min(len({round(w.x1) for w in nums}), len({round(w.x0) for w in nums}))


def _positioned_lines(page: int, numbered: list[tuple[int, str]], settings: Settings | None) -> list[Line]:
    """A page without tabs laid out by position. A CJK character is two columns wide in ``pdftotext -layout``
    output and one where tabs were expanded by character count: the measure that lines up the numbers wins."""
    wide, narrow = _words(numbered, True), _words(numbered, False)
    words = wide if _alignment(wide) <= _alignment(narrow) else narrow
    s = replace(settings or DEFAULT, page_margin=0.0)  # a text page has no margins: page numbers stay as text
    height = (max((n for n, _ in numbered), default=0) + 2) * _PITCH
    layout = layout_page(words, [], 1e6, height, None, s)
    raw_of = dict(numbered)
    out = []
    for it in layout.items:
        lineno = round(it.top / _PITCH)
        if it.is_row:
            out.append(Line(page=page, row=lineno, cells=it.cells, is_row=True))
            continue
        line = _text_line(page, lineno, raw_of.get(lineno, it.cells[0] or ""))
        if line:
            out.append(line)
    return out


def read(path: Path) -> RawDocument:
    """Read a text export (any of the encodings ``decode`` knows); a browser copy that puts each table cell on a line
    of its own is handed to ``juesuan.readers.webcopy`` (format "webcopy")."""
    from . import sha256_of, webcopy

    data = path.read_bytes()
    if b"\x00" in data[:4096] and not data.startswith(tuple(b for b, _ in _BOMS)) and _utf16_without_bom(data) is None:
        raise Unreadable(path, "binary data, not a text export")
    text = decode(data, path)
    if webcopy.looks_like_webcopy(text):
        return webcopy.read_text(text, path)
    lines, pages = text_to_lines(text)
    if not lines:
        raise Unreadable(path, "no text in the file")
    lines, notes = webcopy.rebuild_collapsed_headers(lines)  # a browser's tab-separated copy writes merges once
    return RawDocument(path=str(path), format="text", sha256=sha256_of(path), lines=lines, pages=pages, notes=notes)
