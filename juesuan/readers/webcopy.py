"""Text copied from a web page whose tables came out one cell per line (a page laid out with block cells, or a copy
pasted through an editor): the rows are rebuilt from what each table family's header and codes say.

A browser copy keeps the cells in reading order, row after row, but loses the row breaks, writes a merged header
cell once, and shows an empty cell as an empty line — or drops it altogether. Per table (found by its title):

1. **header**: the words between the title block and the first data cell are the header cells in row-major order.
   The header is a tree (a merged cell over the cells below it); its level-order listing is what the copy shows.
   ``header_layout`` tries every tree the words allow and keeps those whose columns all mean something in the
   family's spec (``tables.spec``: measures and their aliases, ``labels.csv``: 科目编码/科目名称/行次): key columns
   then measures in each block, no measure twice in a block, a 项目 group over key columns only. One layout (or
   several that agree column for column) is taken; any other outcome is reported and the table is not read.
2. **rows**: with empty cells kept as empty lines, the body is cut every ``ncols`` lines and each row is checked
   (amounts only under measures, codes or names only in key columns). With empty cells dropped, rows of coded tables
   (02, 03, 05, 08, 09 …) start at a 功能分类 code or 合计/总计; a row with as many amounts as the table has measure
   columns (or none) is placed, a row with fewer cannot be — which cells were empty is lost — so it is reported,
   numbers and all, and not read. Other layouts without their empty lines are reported whole.

The rows come out as ordinary Lines (``is_row=True``), the header as rows with ``None`` in merged positions, so the
rest of the pipeline reads a browser copy as it reads a spreadsheet. ``Line.row`` is the text line of the row's
first cell.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..raw import Line, RawDocument
from ..tables.recognise import match_title
from ..tables.spec import TableSpec, load_labels, load_specs
from ..textnorm import PART, is_amount, is_colnum_label, match_key, squash

_LONE_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
_PART = re.compile(rf"^{PART}")
_NOTE = re.compile(r"^(?:注|备注|说明|[（(]\s*(?:注|说明))")
_DASHES = ("-", "--", "—", "－", "/", "——")
MAX_TREES = 20000  # layouts tried per header before giving up (a real header has a handful)


@dataclass(frozen=True)
class Token:
    line: int  # 1-based text line
    page: int
    text: str


def looks_like_webcopy(text: str) -> bool:
    """A text without tab-separated rows in which lone numbers (amounts, codes) stand on many lines of their own."""
    lines = [s.strip() for s in text.split("\n")]
    if any("\t" in s for s in lines):
        return False
    filled = [s for s in lines if s]
    lone = sum(1 for s in filled if _LONE_NUMBER.match(s))
    return lone >= 12 and lone >= 0.25 * len(filled)


def tokens_of(text: str) -> list[Token]:
    out = []
    page = 1
    for lineno, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        if "\f" in raw:
            page += raw.count("\f")
            raw = raw.replace("\f", "")
        out.append(Token(lineno, page, raw.strip()))
    return out


# ------------------------------------------------------------------------------------------------ header trees


@dataclass
class _Node:
    word: str
    index: int  # position in the header words
    children: list[_Node] = field(default_factory=list)

    def leaves(self, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], _Node]]:
        path = path + (self.word,)
        if not self.children:
            yield path, self
        for child in self.children:
            yield from child.leaves(path)


class _Family:
    """What a family's spec says about header words: which name a column, which may head a group."""

    def __init__(self, spec: TableSpec, kind: str):
        from ..tables.parse import column_role

        self.spec, self.kind, self._role = spec, kind, column_role
        self.measures = spec.columns()
        labels = load_labels()
        self.key_labels = set(labels["name"])
        prefixes = {a[0] for m in spec.measures for a in m.aliases if len(a) > 1}
        self.group_words = prefixes | {a for m in spec.measures_for("basis") for al in m.aliases for a in al}

    def role(self, path: tuple[str, ...]) -> tuple[str, str]:
        """(role, what) of a header path: an amount column (a measure, or 07's item columns) is "measure" with its
        name and basis, so two columns of one measure on different bases stay apart."""
        role, name, basis = self._role([match_key(w) for w in path if w], self.measures, self.kind)
        if role in ("measure", "item"):
            return "measure", f"{name}|{basis}" if basis else name
        return role, name

    def may_group(self, word: str) -> bool:
        key = match_key(word)
        return bool(key) and (key in self.group_words or key in self.key_labels or self.role((word,)) == ("", ""))

    def is_key_group(self, word: str) -> bool:
        return match_key(word) in self.key_labels


def _spans(roots: list[_Node]) -> list[tuple[_Node, list[int], bool]]:
    """Every node with the columns under it and whether it is a root, in depth-first order."""
    out: list[tuple[_Node, list[int], bool]] = []
    col = [0]

    def visit(node: _Node, root: bool) -> list[int]:
        if not node.children:
            cols = [col[0]]
            col[0] += 1
        else:
            cols = [c for child in node.children for c in visit(child, False)]
        out.append((node, cols, root))
        return cols

    for r in roots:
        visit(r, True)
    return out


def _valid(roots: list[_Node], family: _Family, ncols: int | None) -> list[tuple[tuple[str, ...], tuple]] | None:
    """The columns (path, role) of a candidate tree, or None when the tree cannot be the header: a column that means
    nothing to the family, blocks that are not "keys then measures", a 项目 group over a measure, a group over key
    columns and measures that cuts a block, a measure twice under one root in one block."""
    columns = [(path, family.role(path)) for r in roots for path, _ in r.leaves()]
    if any(role == ("", "") for _, role in columns) or (ncols is not None and len(columns) != ncols):
        return None
    roles = [role for _, role in columns]
    block_of = _blocks(roles)
    if block_of is None:
        return None
    for node, cols, root in _spans(roots):
        if not node.children and not root:
            continue
        blocks = {block_of[c] for c in cols}
        whole = all(block_of.count(b) == sum(1 for c in cols if block_of[c] == b) for b in blocks)
        kinds = {roles[c][0] == "measure" for c in cols}
        if family.is_key_group(node.word) and node.children and not all(roles[c][0] != "measure" for c in cols):
            return None
        if len(kinds) > 1 and node.children and not whole:
            return None
        if root and len(blocks) > 1 and not whole:
            return None
        measures = [(block_of[c], roles[c]) for c in cols if roles[c][0] == "measure"]
        if root and len(measures) != len(set(measures)):
            return None
    return columns


def _blocks(roles: list[tuple[str, str]]) -> list[int] | None:
    """The block of each column: blocks are "keys, then measures" (06 prints three side by side, 01 two); every
    block has a measure and the same key columns, none twice. None when the columns do not split so."""
    blocks: list[list[tuple[str, str]]] = [[]]
    block_of = []
    for i, role in enumerate(roles):
        if role[0] != "measure" and i and roles[i - 1][0] == "measure":
            blocks.append([])
        blocks[-1].append(role)
        block_of.append(len(blocks) - 1)
    keys = [tuple(r[0] for r in b if r[0] != "measure") for b in blocks]
    if any(all(r[0] != "measure" for r in b) for b in blocks):
        return None
    if len(set(keys)) > 1 or any(len(set(k)) != len(k) for k in keys):
        return None
    return block_of


@dataclass
class _Search:
    family: _Family
    words: list[str]
    budget: int = MAX_TREES
    depths: dict[str, int] = field(default_factory=dict)  # word → the depth it stands at
    counts: dict[str, int] = field(default_factory=dict)  # word → the number of cells right under it


def _expand(level: list[_Node], start: int, depth: int, st: _Search) -> Iterator[None]:
    """Give the nodes of one level their children from ``st.words[start:]`` in every way the words allow; yields
    once per complete tree (the tree is in the nodes while the generator is suspended).

    A header repeats its groups side by side (预算数 and 决算数 over the same six columns; 收入 and 支出 over 项目 |
    行次 | 金额): a word printed twice stands at one depth with as many cells under it each time, which prunes the
    search to a handful of trees."""
    new = []
    ok = True
    for n in level:
        d = st.depths.get(n.word)
        if d is None:
            st.depths[n.word] = depth
            new.append(n.word)
        elif d != depth:
            ok = False
            break
    if ok and start == len(st.words):
        if all(st.counts.get(n.word, 0) == 0 for n in level):
            yield
    elif ok:
        groupable = [n for n in level if st.family.may_group(n.word)]
        yield from _assign(level, groupable, 0, start, start, depth, st)
    for w in new:
        del st.depths[w]


def _assign(
    level: list[_Node], groupable: list[_Node], k: int, start: int, pos: int, depth: int, st: _Search
) -> Iterator[None]:
    """Children for ``groupable[k:]`` from ``st.words[pos:]``: none (a leaf) or two or more, then the next level."""
    st.budget -= 1
    if st.budget < 0:
        return
    if k == len(groupable):
        if pos > start:
            yield from _expand([c for n in level for c in n.children], pos, depth + 1, st)
        return
    node = groupable[k]
    for end in [pos, *range(pos + 2, len(st.words) + 1)]:
        n = end - pos
        if st.counts.get(node.word, n) != n:
            continue
        fresh = node.word not in st.counts
        st.counts[node.word] = n
        node.children = [_Node(w, pos + j) for j, w in enumerate(st.words[pos:end])]
        yield from _assign(level, groupable, k + 1, start, end, depth, st)
        node.children = []
        if fresh:
            del st.counts[node.word]


def header_layout(words: list[str], family: _Family, ncols: int | None) -> tuple[list[_Node], list] | None:
    """The header tree of ``words`` (row-major, merged cells once) and its columns, when exactly one reading of the
    columns fits the family (several trees that agree column for column count as one). None otherwise."""
    found: dict[tuple, tuple[list[_Node], list]] = {}
    st = _Search(family, words)
    for n_roots in range(1, len(words) + 1):
        roots = [_Node(w, i) for i, w in enumerate(words[:n_roots])]
        for _ in _expand(roots, n_roots, 0, st):
            columns = _valid(roots, family, ncols)
            if columns is not None:
                found.setdefault(tuple(columns), (_copy(roots), columns))
        if st.budget < 0:
            return None
    if len(found) != 1:
        return None
    return next(iter(found.values()))


def _copy(nodes: list[_Node]) -> list[_Node]:
    return [_Node(n.word, n.index, _copy(n.children)) for n in nodes]


def header_rows(roots: list[_Node], tokens: list[Token]) -> list[Line]:
    """The header tree laid out as rows: a cell at its first column, ``None`` where a merge covers."""
    depth = _depth(roots)
    ncols = sum(1 for r in roots for _ in r.leaves())
    grid: list[list[str | None]] = [[None] * ncols for _ in range(depth)]
    first_line = [0] * depth

    def place(node: _Node, level: int, col: int) -> int:
        grid[level][col] = node.word
        if not first_line[level]:
            first_line[level] = tokens[node.index].line
        if not node.children:
            return col + 1
        for child in node.children:
            col = place(child, level + 1, col)
        return col

    col = 0
    for root in roots:
        col = place(root, 0, col)
    page = tokens[0].page if tokens else 1
    return [Line(page=page, row=first_line[r], cells=tuple(grid[r]), is_row=True) for r in range(depth)]


def _depth(nodes: list[_Node]) -> int:
    return 1 + max((_depth(n.children) for n in nodes if n.children), default=0)


# ------------------------------------------------------------------------------------------------ one table

_CAPTION = re.compile(
    r"^(?:公开\s*\S{1,3}\s*表|(?:金额)?单位\s*[:：]|(?:部门|单位|编制部门|编制单位|预算单位|填报单位)(?:名称)?\s*[:：]"
    r"|\d{4}\s*年度?$)"
)


def _is_end(text: str) -> bool:
    """A line that ends a table's cells: a note, a sentence, a part heading or the next table's title."""
    return bool(_NOTE.match(text) or "。" in text or _PART.match(text) or match_title(text))


def _colnum_end(seg: list[Token], start: int) -> int:
    """The end of a 栏次 row starting at ``start``: 栏次 labels, blanks and column numbers counting up."""
    expected = 1
    i = start
    while i < len(seg):
        t = squash(seg[i].text)
        if not t or is_colnum_label(t):
            i += 1
        elif t.isdigit() and int(t) == expected:
            expected += 1
            i += 1
        else:
            break
    return i


def _number_run(seg: list[Token]) -> int | None:
    """Where a bare row of column numbers (1 2 3 …) starts, if the header has one."""
    for i in range(len(seg) - 2):
        if [squash(t.text) for t in seg[i : i + 3]] == ["1", "2", "3"]:
            return i
    return None


def split_table(seg: list[Token], family: _Family) -> tuple[list[Token], list[Token], list[Token], list[Token]]:
    """A table's tokens (after its title) → (caption lines, header words, 栏次 row, body cells)."""
    k = 0
    while k < len(seg) and (not seg[k].text or _CAPTION.match(squash(seg[k].text))):
        k += 1
    caption, rest = [t for t in seg[:k] if t.text], seg[k:]
    c = next((i for i, t in enumerate(rest) if is_colnum_label(t.text)), None)
    if c is None:
        c = _number_run(rest)
    if c is not None:
        end = _colnum_end(rest, c)
        return caption, rest[:c], rest[c:end], rest[end:]
    b = _body_start(rest, family)
    return caption, rest[:b], [], rest[b:]


def _body_start(seg: list[Token], family: _Family) -> int:
    """Without a 栏次 row: the first code or amount, backed up over the row's names, blanks and 合计."""
    totals = set(load_labels()["total"])
    first = next((i for i, t in enumerate(seg) if _CODE.match(t.text) or is_amount(t.text)), len(seg))
    while first > 0:
        word = seg[first - 1].text
        if word and match_key(word) not in totals and family.role((word,)) != ("", ""):
            break
        first -= 1
    while first < len(seg) and not seg[first].text:
        first += 1
    return first


def _fits(cells: list[str], roles: list[tuple[str, str]]) -> bool:
    """A row's cells stand where the header says: amounts under measures, no amount in a name column."""
    for text, (role, _) in zip(cells, roles):
        if not text or text in _DASHES:
            continue
        if role == "measure" and not is_amount(text):
            return False
        if role == "rownum" and not squash(text).isdigit():
            return False
        if role == "name" and is_amount(text):
            return False
        if role == "code" and is_amount(text) and not _CODE.match(squash(text)):
            return False
    return True


def chunk_rows(body: list[Token], roles: list[tuple[str, str]]) -> list[Line] | None:
    """Empty cells kept as empty lines: a row every ``len(roles)`` lines, each row checked; None if they do not fit."""
    n = len(roles)
    last = max((i + 1 for i, t in enumerate(body) if t.text), default=0)
    size = -(-last // n) * n  # the last row's empty cells may be cut with the blank lines after the table
    if not last:
        return []
    rows = []
    for i in range(0, size, n):
        cells = [t.text for t in body[i : i + n]]
        cells += [""] * (n - len(cells))
        if not _fits(cells, roles):
            return None
        rows.append(Line(page=body[i].page, row=body[i].line, cells=tuple(cells), is_row=True))
    return rows


def coded_rows(body: list[Token], roles: list[tuple[str, str]], notes: list, table: str) -> list[Line] | None:
    """Empty cells dropped, a coded table (code, name, measures): a row starts at a code or 合计; a row with every
    amount or none is placed, any other is reported with its numbers and not read. None for other layouts."""
    keys = [r[0] for r in roles if r[0] != "measure"]
    measures = [m for r, m in roles if r == "measure"]
    if keys != ["code", "name"] or [r[0] for r in roles[:2]] != keys:
        return None
    totals = set(load_labels()["total"])
    filled = [t for t in body if t.text]
    starts = [i for i, t in enumerate(filled) if _CODE.match(t.text) or match_key(t.text) in totals]
    if filled and (not starts or starts[0]):
        _unplaced(notes, table, filled[: starts[0] if starts else len(filled)], "before the first code")
    rows = []
    for s, e in zip(starts, starts[1:] + [len(filled)]):
        part = filled[s:e]
        names = [t.text for t in part[1:] if not is_amount(t.text) and t.text not in _DASHES]
        amounts = [t.text for t in part[1:] if is_amount(t.text) or t.text in _DASHES]
        ordered = [t.text for t in part[1:]] == names + amounts
        if not ordered or len(amounts) not in (0, len(measures)):
            _unplaced(notes, table, part, f"{len(amounts)} amounts for {len(measures)} columns ({', '.join(measures)})")
            continue
        cells = (part[0].text, " ".join(names), *(amounts or [""] * len(measures)))
        rows.append(Line(page=part[0].page, row=part[0].line, cells=cells, is_row=True))
    return rows


def _unplaced(notes: list, table: str, part: list[Token], why: str) -> None:
    notes.append(
        (
            "warning",
            f"table {table}, line {part[0].line}: row {' | '.join(t.text for t in part)} cannot be placed — {why}; "
            "the copy dropped its empty cells, so which columns its numbers stand in is unknown; not read",
        )
    )


def table_lines(seg: list[Token], table: str, kind: str, notes: list) -> list[Line]:
    """One table's tokens (after its title) → caption text lines, header rows, the 栏次 row and the data rows."""
    family = _Family(load_specs()[table], kind)
    caption, head, colnum, body = split_table(seg, family)
    lines = [Line(page=t.page, row=t.line, cells=(t.text,)) for t in caption]
    head = [t for t in head if t.text]
    words = [t.text for t in head]
    ncols = len(colnum) if colnum and any(not t.text for t in colnum) else None
    layout = header_layout(words, family, ncols) or (header_layout(words, family, None) if ncols else None)
    numbers = [t.text for t in body if is_amount(t.text)]
    if layout is None:
        if words or numbers:
            where = head[0].line if head else (body[0].line if body else 0)
            notes.append(
                (
                    "warning",
                    f"table {table}, line {where}: its header cannot be laid out from the copied words "
                    f"({' | '.join(words) or 'none'}); its {len(numbers)} numbers are not read: {' '.join(numbers)}",
                )
            )
        return lines
    roots, columns = layout
    roles = [role for _, role in columns]
    lines += header_rows(roots, head)
    if colnum:
        lines.append(Line(page=colnum[0].page, row=colnum[0].line, cells=tuple(t.text for t in colnum), is_row=True))
    rows = chunk_rows(body, roles)
    if rows is None:
        rows = coded_rows(body, roles, notes, table)
    if rows is None:
        notes.append(
            (
                "warning",
                f"table {table}, line {body[0].line if body else 0}: the copy dropped the empty cells of a table laid "
                f"out in blocks, so its rows cannot be told apart; its {len(numbers)} numbers are not read: "
                f"{' '.join(numbers)}",
            )
        )
        rows = []
    return lines + rows


# ------------------------------------------------------------------------------------------------ the document


def _table_end(tokens: list[Token], start: int) -> int:
    i = start
    while i < len(tokens) and not (tokens[i].text and _is_end(tokens[i].text)):
        i += 1
    return i


def webcopy_to_lines(text: str) -> tuple[list[Line], list[tuple[str, str]]]:
    """A browser copy → Lines (text lines, and each table's rows rebuilt) and notes on what could not be placed."""
    tokens = tokens_of(text)
    lines: list[Line] = []
    notes: list[tuple[str, str]] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        title = match_title(t.text) if t.text else None
        if t.text:
            lines.append(Line(page=t.page, row=t.line, cells=(t.text,)))
        i += 1
        if title is None or title.table not in load_specs():
            continue
        end = _table_end(tokens, i)
        lines += table_lines(tokens[i:end], title.table, title.kind, notes)
        i = end
    return lines, notes


def read_text(text: str, path: Path) -> RawDocument:
    """A decoded browser copy → RawDocument (format "webcopy")."""
    from ..errors import Unreadable
    from . import sha256_of

    lines, notes = webcopy_to_lines(text)
    if not lines:
        raise Unreadable(path, "no text in the file")
    pages = max(ln.page for ln in lines)
    return RawDocument(path=str(path), format="webcopy", sha256=sha256_of(path), lines=lines, pages=pages, notes=notes)


def read(path: Path) -> RawDocument:
    """Read a file known to be a browser copy (``read_raw`` sends a text file here when it has that shape)."""
    from .text import decode

    return read_text(decode(path.read_bytes(), path), path)


# ------------------------------------------------------------------------------------------------ tab-separated copies


def _is_data_row(line: Line) -> bool:
    return any(c and (_CODE.match(squash(c)) or is_amount(c)) for c in line.cells[1:]) or bool(
        line.cells and line.cells[0] and _CODE.match(squash(line.cells[0]))
    )


def _width(line: Line) -> int:
    cells = list(line.cells)
    while cells and not cells[-1]:
        cells.pop()
    return len(cells)


def rebuild_collapsed_headers(lines: list[Line]) -> tuple[list[Line], list[tuple[str, str]]]:
    """A browser's tab-separated copy of a table writes a merged header cell once, so the header rows are shorter
    than the data rows and every column after a merge would sit under the wrong header. For each titled table whose
    header has a row shorter than its data rows and without empty cells, the header is laid out again from its words (``header_layout``, the
    data rows' width as the column count); a header that has no single layout is left as it is, with a warning."""
    widest = max((len(ln.cells) for ln in lines if ln.is_row), default=0)
    if not any(ln.is_row and len(ln.cells) < widest and all(ln.cells) and not _is_data_row(ln) for ln in lines):
        return lines, []  # no row that could be a collapsed header: the usual text export, at no cost
    out: list[Line] = []
    notes: list[tuple[str, str]] = []
    i = 0
    while i < len(lines):
        out.append(lines[i])
        title = None if lines[i].is_row else match_title(lines[i].text)
        i += 1
        if title is None or title.table not in load_specs():
            continue
        j = i  # the table: its caption lines, then its rows up to the first text line after them (a note)
        while j < len(lines) and not lines[j].is_row and not match_title(lines[j].text):
            j += 1
        while j < len(lines) and lines[j].is_row:
            j += 1
        out += _rebuild_table(lines[i:j], title.table, title.kind, notes)
        i = j
    return out, notes


def _rebuild_table(region: list[Line], table: str, kind: str, notes: list) -> list[Line]:
    rows = [k for k, ln in enumerate(region) if ln.is_row]
    widest = max((len(region[k].cells) for k in rows), default=0)
    if not any(len(region[k].cells) < widest and all(region[k].cells) for k in rows):
        return region
    data = [k for k in rows if _is_data_row(region[k])]
    if not data:
        return region
    head = [k for k in rows if k < data[0] and "栏次" not in squash(region[k].text)]
    ncols = max(_width(region[k]) for k in data)
    # a padded header (a text export) keeps the cells a merge covers as empty cells; a copied one has none
    if not any(len(region[k].cells) < ncols and all(region[k].cells) for k in head):
        return region
    tokens = [Token(region[k].row, region[k].page, c) for k in head for c in region[k].cells if c]
    layout = header_layout([t.text for t in tokens], _Family(load_specs()[table], kind), ncols)
    if layout is None:
        notes.append(
            (
                "warning",
                f"table {table}, line {region[head[0]].row}: its header rows are shorter than its rows (merged cells "
                "written once, as a browser copies them) and cannot be laid out again; columns may be misread",
            )
        )
        return region
    rebuilt = header_rows(layout[0], tokens)
    notes.append(
        ("info", f"table {table}, line {region[head[0]].row}: merged header cells collapsed by a copy, re-laid")
    )
    return (
        [ln for k, ln in enumerate(region) if k < head[0]]
        + rebuilt
        + [ln for k, ln in enumerate(region) if k > head[0] and k not in head]
    )
