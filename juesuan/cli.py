"""The ``juesuan`` command: build | show | check | codes, each a thin layer over one library call (README.md, Command line).

    juesuan build [RAW] [CLEAN]    read_all(RAW) → write_clean(CLEAN): CSV, Parquet, the workbook, datapackage.json;
                                   --workers N, --no-cache, --keep-going, --scheduler tcp://HOST:8786, bounds
                                   (--max-pages N …); exit 1 when a file failed (listed; its row is in documents.csv)
    juesuan show PATH              juesuan.read(PATH).meta and .tables; --table T: Document.table(T); --page N: the
                                   page's cells, --png OUT: Document.page_image(N); a folder: read_all().documents
    juesuan check PATH             Document.findings (Corpus.findings for a folder), by file and page with the
                                   evidence; exit status 1 when there are errors
    juesuan codes QUERY            juesuan.codes.lookup_records(QUERY)

``show``, ``check`` and ``codes`` print a table aligned for Chinese text, or ``--format csv|json`` to stdout, so they
pipe into other tools; a reader that goes away (``| head``) ends the command quietly with status 0. Exit status: 0
done, 1 not found (a table, page or code), errors found by ``check`` or a file that failed in ``build``, 2 bad input
(one line naming the file and the problem, never a traceback), 3 a bug of juesuan's, 130 Ctrl-C (one line).
"""

from __future__ import annotations

import argparse
import codecs
import json
import os
import shutil
import signal
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import JuesuanError
from .limits import Limits

if TYPE_CHECKING:
    import pandas as pd  # imported by the functions that use it: `juesuan codes` never loads pandas (~0.4 s)

FORMATS = ("table", "csv", "json")
# The build's output formats: "both" is CSV and Parquet, "all" adds the workbook (juesuan.xlsx)
BUILD_FORMATS = {
    "both": ("csv", "parquet"),
    "csv": ("csv",),
    "parquet": ("parquet",),
    "xlsx": ("xlsx",),
    "all": ("csv", "parquet", "xlsx"),
}


class NotFound(JuesuanError):
    """What was asked for is not there (a table, a page): exit status 1."""

    problem_kind = "not found"


# ------------------------------------------------------------------------------------------------------ printing


def _records(df: pd.DataFrame) -> list[dict]:
    return df.astype(object).where(df.notna(), None).to_dict("records")


def write_frame(df: pd.DataFrame, fmt: str, out=None) -> None:
    """A DataFrame as an aligned table (East Asian width aware), CSV (header, "\\n") or JSON (a list of objects)."""
    import pandas as pd

    out = out or sys.stdout
    if fmt == "csv":
        df.to_csv(out, index=False, lineterminator="\n")
    elif fmt == "json":
        json.dump(_records(df), out, ensure_ascii=False, indent=1, default=str)
        out.write("\n")
    else:
        with pd.option_context(
            "display.max_rows",
            None,
            "display.max_columns",
            None,
            "display.width",
            250,
            "display.unicode.east_asian_width",
            True,
        ):
            out.write((df.to_string(index=False) if len(df) else "(none)") + "\n")


# The layout of ``write_frame``'s table, for rows that are not a DataFrame (``juesuan show FILE`` prints without
# pandas): pandas' ``to_string(index=False)`` under the options above, rebuilt from its rules: values right-justified
# to the widest in East Asian display columns, never cut (``to_string`` sets ``display.max_colwidth`` to its own
# argument, None), missing as <NA>, tabs and newlines escaped, a number column's header after a space, columns one
# space apart. So a summary prints the same whichever way it was made; the tests hold it to pandas' own output. Text,
# integer and flag fields only (pandas gives floats a common precision).
_ESCAPES = str.maketrans({"\t": "\\t", "\r": "\\r", "\n": "\\n"})


def _cell_text(v) -> str:
    if v is None or v == "":
        return "<NA>"
    return v.translate(_ESCAPES) if isinstance(v, str) else str(v)


def aligned_rows(table: str, rows: list[dict], skip: tuple[str, ...] = ("doc_id",)) -> str:
    """``rows`` of contract table ``table`` (dicts; None and "" are missing) as ``write_frame`` prints their frame,
    without the fields in ``skip``."""
    from .schema import TABLES
    from .textnorm import display_width

    if not rows:
        return "(none)"
    blocks = []
    for f in (f for f in TABLES[table] if f.name not in skip):
        if f.type == "number":
            raise ValueError(f"{table}.{f.name}: a number field is not printed this way")
        head = f" {f.name}" if f.type in ("integer", "boolean") else f.name
        values = [_cell_text(r.get(f.name)) for r in rows]
        width = max(display_width(head), *map(display_width, values))
        blocks.append([" " * (width - display_width(v)) + v for v in (head, *values)])
    out = []
    for i, block in enumerate(blocks):  # as pandas' adjoin: every column but the last padded to its width + 1
        room = max(map(display_width, block)) + 1 if i < len(blocks) - 1 else max(map(len, block))
        out.append([v + " " * (room - display_width(v)) for v in block])
    return "\n".join("".join(parts) for parts in zip(*out))


def _warn(text: str) -> None:
    print(text, file=sys.stderr)


# ---------------------------------------------------------------------------------------------------- reading


def _corrections(args):
    path = getattr(args, "corrections", None)
    if not path:
        return None
    from .corrections import load_corrections

    return load_corrections(path)


def _read(path: str, args):
    from .document import read

    return read(path, corrections=_corrections(args)) if getattr(args, "corrections", None) else read(path)


def _read_folder(folder: Path, args):
    from .corpus import read_all

    corpus = read_all(folder, workers=args.workers, cache=False)
    fixes = _corrections(args)
    if fixes is not None:
        from .corrections import apply_to_corpus

        corpus = apply_to_corpus(corpus, fixes)
    return corpus


def not_read(corpus, folder: Path) -> pd.DataFrame:
    """The files under ``folder`` that give no disclosure, with why: failed, skipped, not a disclosure, or not a
    format juesuan reads (files a build never looks at are listed too; hidden ones are not)."""
    import pandas as pd

    docs = corpus.documents
    bad = docs[docs["status"].isin(["failed", "skipped", "not_disclosure"])][["file", "status", "error"]]
    seen = set(docs["file"])
    others = [
        {"file": rel, "status": "skipped", "error": f"not a format juesuan reads ({p.suffix or 'no suffix'})"}
        for p in sorted(folder.rglob("*"))
        if p.is_file()
        and (rel := p.relative_to(folder).as_posix()) not in seen
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    ]
    return pd.concat([bad, pd.DataFrame(others, columns=bad.columns)], ignore_index=True).sort_values("file")


def _list_not_read(corpus, folder: Path) -> None:
    rest = not_read(corpus, folder)
    for r in rest.itertuples():
        _warn(f"not read: {r.file}: {r.status}{': ' + r.error if isinstance(r.error, str) else ''}")


# ------------------------------------------------------------------------------------------------------- build


def _say(text: str = "", err: bool = False) -> None:
    """Print one line; a reader that went away (``juesuan build | head``) stops the printing, not the build."""
    stream = sys.stderr if err else sys.stdout
    try:
        print(text, file=stream, flush=err)
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())  # later writes (and the interpreter's final flush) go nowhere
        os.close(devnull)


def _document_line(row) -> str:
    if row.status in ("failed", "skipped"):
        return f"{row.file}: {row.status.upper()} {row.error}"
    extra = f" ({row.error})" if row.error else ""
    return (
        f"{row.file}: {row.status} {row.kind or '-'} {row.year or '-'} {row.department or '-'} "
        f"tables={row.tables or '-'} cells={row.n_cells} errors={row.n_errors}{extra}"
    )


def _executor(args: argparse.Namespace):
    """A dask.distributed executor for ``--scheduler ADDRESS`` (None without the option)."""
    if not args.scheduler:
        return None, None
    try:
        from dask.distributed import Client
    except ImportError:
        raise JuesuanError(None, "--scheduler needs dask.distributed: pip install 'dask[distributed]'") from None
    try:
        client = Client(args.scheduler, timeout=30)
    except OSError as err:
        raise JuesuanError(None, f"--scheduler {args.scheduler}: cannot reach the scheduler ({err})") from None
    return client, client.get_executor()


def cmd_build(args: argparse.Namespace) -> int:
    _import_pipeline()
    from .corpus import Store, read_all, write_clean
    from .outputs import output_lock, wait_note

    raw = Path(args.raw)
    if not raw.exists():
        _warn(f"{raw}: no such folder or file")
        return 2
    if args.workers is not None and args.workers < 1:
        _warn(f"--workers {args.workers}: give 1 or more")
        return 2
    try:
        limits = Limits.from_args(args)
    except ValueError as err:
        print(err, file=sys.stderr)
        return 2
    formats = BUILD_FORMATS[args.format]
    clean = Path(args.clean)
    cache = (
        False if args.no_cache else (os.environ.get("JUESUAN_CACHE_DIR") or clean.resolve().parent / ".juesuan-cache")
    )
    client, executor = _executor(args)
    parts = None
    try:
        with output_lock(clean, wait_note):
            if args.no_cache:  # the documents' entries, beside the outputs rather than in $TMPDIR; removed after
                parts = Path(tempfile.mkdtemp(prefix=f".{clean.name}.parts-{os.getpid()}-", dir=clean.resolve().parent))
            corpus = read_all(
                raw,
                progress=args.progress,
                workers=args.workers,
                executor=executor,
                cache=Store(parts) if parts else cache,
                limits=limits,
                ship=args.ship,
            )
            if args.corrections:
                from .corrections import apply_to_corpus, load_corrections

                corpus = apply_to_corpus(corpus, load_corrections(args.corrections))
            for row in corpus.documents.astype(object).where(corpus.documents.notna(), None).itertuples():
                _say(_document_line(row))
            written = write_clean(corpus, clean, formats=formats, lock=False)
    finally:
        if client is not None:
            client.close()
        if parts is not None:
            shutil.rmtree(parts, ignore_errors=True)
    return _build_summary(corpus, written, args, cache)


def _build_summary(corpus, written: dict, args: argparse.Namespace, cache) -> int:
    st = corpus.stats
    _say(f"wrote {', '.join(p.name for p in written.values())} to {args.clean}")
    hidden = f", {st['hidden']} hidden paths left out" if st["hidden"] else ""
    _say(
        f"{st['files']} files: {st['read']} read, {st['cached']} from the cache"
        f"{' (' + str(cache) + ')' if cache else ''}, {st['failed']} failed, {st['skipped']} skipped"
        f"{hidden}, in {st['wall_seconds']:.1f} s",
        err=True,
    )
    failed = corpus.documents[corpus.documents["status"] == "failed"]
    if failed.empty:
        return 0
    _say(
        f"{len(failed)} file{'s' if len(failed) > 1 else ''} failed (rows with status failed in documents.csv):",
        err=True,
    )
    for row in failed.itertuples():
        _say(f"  {row.file}: {row.error}", err=True)
    return 0 if args.keep_going else 1


# -------------------------------------------------------------------------------------------------------- show


def table_key(table_id: str) -> str:
    return f"{int(table_id):02d}" if str(table_id).isdigit() else str(table_id)


def _show_table(doc, table_id: str, fmt: str) -> int:
    key = table_key(table_id)
    if key not in doc.parsed:
        raise NotFound(doc.meta.get("file"), f"no table {key}; found: {', '.join(doc.parsed) or 'none'}")
    table = doc.table(key)
    if fmt != "table":
        write_frame(table, fmt)
        return 0
    info = doc.tables.set_index("table").loc[key]
    info = info.where(info.notna(), "")
    _say(f"{info['title']} {info['label']} (pages {info['page']}–{info['last_page']}, values in 万元)")
    if info["empty"]:
        _say(f"(printed without data{': ' + info['note'] if info['note'] else ''})")
    else:
        write_frame(table, fmt)
    return 0


def _check_page(doc, page: int) -> None:
    pages = doc.meta.get("pages") or 1
    if not 1 <= page <= pages:
        raise NotFound(doc.meta.get("file"), f"no page {page}: the document has {pages}")


def _highlighted(doc, page: int, text: str | None) -> pd.DataFrame:
    """The cells of ``page`` whose code, name, item or printed amount is ``text`` (none when no text is given)."""
    cells = doc.cells[doc.cells["page"] == page]
    if not text:
        return cells.iloc[0:0]
    hit = (cells["code"] == text) | (cells["name"] == text) | (cells["item"] == text) | (cells["printed"] == text)
    return cells[hit.fillna(False)]


def _show_page(doc, args) -> int:
    import pandas as pd

    _check_page(doc, args.page)
    if args.png:
        marks = _highlighted(doc, args.page, args.highlight)
        if args.table:
            marks = pd.concat(
                [marks, doc.cells[(doc.cells["page"] == args.page) & (doc.cells["table"] == table_key(args.table))]]
            )
        doc.page_image(args.page, highlight=marks).save(args.png)
        _warn(f"wrote page {args.page} of {doc.meta['file']} to {args.png} ({len(marks)} boxes)")
        return 0
    cells = doc.cells[doc.cells["page"] == args.page]
    cols = [
        "table",
        "side",
        "code",
        "name",
        "item",
        "measure",
        "basis",
        "value",
        "printed",
        "x0",
        "top",
        "sheet",
        "cell",
        "line",
    ]
    write_frame(cells[cols].dropna(axis=1, how="all") if args.format == "table" else cells, args.format)
    return 0


def _import_pipeline(frames: bool = True) -> None:
    """The reading pipeline (and, when ``frames``, pandas), imported with the cyclic collector paused: the import
    makes about a million objects and every one of them lives on, so the collections it would set off (each walking
    all that survived the ones before) free nothing; they were 40–55 ms of ``show``'s start. The collector runs
    again after."""
    import gc

    was_on = gc.isenabled()
    gc.disable()
    try:
        if frames:
            import pandas  # noqa: F401

        from . import document  # noqa: F401
    finally:
        if was_on:
            gc.enable()


def _prefetch(path: Path) -> None:
    """A PDF or workbook starts reading in the guarded reader process now, while pandas and the pipeline import."""
    if not path.is_dir():
        from .readers import prefetch

        prefetch(path)


def _show_summary(args) -> int:
    """``juesuan show FILE``: the documents row and the tables found, printed from the records without pandas (its
    import was most of the command's start: 0.8 s under pandas 3), in the text the frames print.

    Corrections change cells, findings and checks, never this row or the tables, so with ``--corrections`` the file
    is only loaded, which reports a file that cannot be used."""
    from .document import read_records

    _corrections(args)
    rec = read_records(args.file)
    if args.format == "json":
        json.dump([rec.meta], sys.stdout, ensure_ascii=False, indent=1, default=str)
        sys.stdout.write("\n")
    elif args.format == "csv":
        import csv

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(rec.meta)
        writer.writerow("" if v is None else v for v in rec.meta.values())
    else:
        for k, v in rec.meta.items():
            _say(f"{k:>15}: {'' if v is None else v}")
        _say()
        _say(aligned_rows("tables", rec.tables))
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    path = Path(args.file)
    _prefetch(path)
    if not path.is_dir() and args.page is None and not args.table:
        _import_pipeline(frames=False)
        return _show_summary(args)
    _import_pipeline()
    if path.is_dir():
        corpus = _read_folder(path, args)
        cols = ["file", "status", "kind", "year", "department", "scope", "region", "tables", "n_cells", "n_errors"]
        write_frame(corpus.documents[cols] if args.format == "table" else corpus.documents, args.format)
        _list_not_read(corpus, path)
        return 0
    doc = _read(args.file, args)
    if args.page is not None:
        return _show_page(doc, args)
    return _show_table(doc, args.table, args.format)


# ------------------------------------------------------------------------------------------------------- check


def _finding_lines(findings: pd.DataFrame) -> list[str]:
    """Findings as text: per page a heading, each finding on a line with its numbers, then its evidence."""
    lines = []
    for page, part in findings.groupby(findings["page"].fillna(0).astype(int), sort=True):
        lines.append(f"  page {page}" if page else "  (no page)")
        for f in part.astype(object).where(part.notna(), None).itertuples():
            where = " ".join(str(x) for x in (f.check, f.table, f.code or f.item, f.measure) if x)
            numbers = (
                f" expected {f.expected:,.2f} actual {f.actual:,.2f} (difference {f.difference:+,.2f})"
                if f.expected is not None and f.actual is not None
                else ""
            )
            lines.append(f"    {f.severity:<7} {where}{numbers}: {f.message}")
            if f.evidence:
                lines.append(f"            「{f.evidence[:160]}」")
    return lines


def _print_findings(findings: pd.DataFrame, documents: pd.DataFrame) -> None:
    import pandas as pd

    for file, part in findings.groupby("file", sort=True):
        meta = documents[documents["file"] == file].iloc[0]
        n = part["severity"].value_counts()
        _say(
            f"{file} ({meta['kind'] or '-'} {meta['year'] if pd.notna(meta['year']) else '-'} "
            f"{meta['department'] if pd.notna(meta['department']) else '-'}): {n.get('error', 0)} errors, "
            f"{n.get('warning', 0)} warnings, {n.get('info', 0)} notes"
        )
        for line in _finding_lines(part):
            _say(line)


def _write_findings(findings: pd.DataFrame, args) -> None:
    fmt = args.format
    if args.output:
        fmt = "json" if str(args.output).endswith(".json") else "csv" if fmt == "table" else fmt
        with open(args.output, "w", encoding="utf-8-sig" if fmt == "csv" else "utf-8", newline="") as fh:
            write_frame(findings, fmt, fh)
        _warn(f"wrote {len(findings)} findings to {args.output}")
    elif fmt != "table":
        write_frame(findings, fmt)


def cmd_check(args: argparse.Namespace) -> int:
    path = Path(args.file)
    _prefetch(path)
    _import_pipeline()
    import pandas as pd

    if path.is_dir():
        corpus = _read_folder(path, args)
        documents, findings = corpus.documents, corpus.findings
    else:
        doc = _read(args.file, args)
        if args.page is not None and args.png:
            _check_page(doc, args.page)
            doc.page_image(args.page, highlight=doc.findings[doc.findings["page"] == args.page]).save(args.png)
            _warn(f"wrote page {args.page} of {doc.meta['file']} with its findings to {args.png}")
        documents, findings = pd.DataFrame([doc.meta]), doc.findings
    findings = findings.merge(documents[["doc_id", "file"]].drop_duplicates("doc_id"), on="doc_id", how="left")
    shown = findings if args.all else findings[findings["severity"] != "info"]
    if args.page is not None:
        shown = shown[shown["page"] == args.page]
    _write_findings(shown, args)
    if args.format == "table" and not args.output:
        if len(shown):
            _print_findings(shown, documents)
        n_err, n_warn = (int((findings["severity"] == s).sum()) for s in ("error", "warning"))
        n_info = int((findings["severity"] == "info").sum())
        what = documents["file"].iloc[0] if len(documents) == 1 else f"{len(documents)} file(s)"
        _say(f"{what}: {n_err} errors, {n_warn} warnings, {n_info} within rounding")
    if path.is_dir():
        _list_not_read(corpus, path)
    return 1 if (findings["severity"] == "error").any() else 0


# -------------------------------------------------------------------------------------------------------- codes


def cmd_codes(args: argparse.Namespace) -> int:
    """Print catalog entries as a table (default), CSV or JSON; exit status 1 when nothing matches."""
    from .codes import format_lookup, found_any, lookup_records, write_records

    query = " ".join(args.query)
    try:
        found = lookup_records(query, edition=args.edition)
    except ValueError as err:  # an empty query
        _warn(f"codes: {err}")
        return 2
    if args.format == "table" or not found_any(found):
        _say(format_lookup(query, edition=args.edition, limit=args.limit))
    else:
        write_records(found[: args.limit], args.format, sys.stdout)
    return 0 if found_any(found) else 1


# ------------------------------------------------------------------------------------------------------- parser


def _version() -> str:
    from . import __version__
    from .schema import SCHEMA_VERSION

    return f"juesuan {__version__} (data contract {SCHEMA_VERSION})"


class _VersionAction(argparse.Action):
    """argparse's version action, with the text made when asked for: it names the data contract, whose module
    imports pandas, and every other command builds this parser (``juesuan codes`` needs no pandas)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):
        super().__init__(option_strings=option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        print(_version())
        parser.exit()


def _format_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=FORMATS, default="table", help="output: an aligned table (default), csv or json")


def _corrections_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--corrections",
        metavar="FILE",
        help="a corrections file (CSV: sha256,table,code,item,measure,basis,value,reason,who) applied after reading",
    )


def _workers_option(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument(
        "--workers", type=int, metavar="N", help=f"processes reading {what} in parallel (default: all cores)"
    )


def _build_parser(sub) -> None:
    b = sub.add_parser("build", help="read every document under RAW and write the clean tables to CLEAN")
    b.add_argument("raw", nargs="?", default="data/raw", help="input folder or file (default data/raw)")
    b.add_argument("clean", nargs="?", default="data/clean", help="output folder (default data/clean)")
    b.add_argument("--progress", action="store_true", help="show a progress bar")
    _workers_option(b, "files")
    b.add_argument(
        "--no-cache",
        action="store_true",
        help="read every file again; by default results are cached by file content in .juesuan-cache/ "
        "beside CLEAN (or $JUESUAN_CACHE_DIR) and invalidated by any code or data change",
    )
    b.add_argument(
        "--format",
        choices=tuple(BUILD_FORMATS),
        default="both",
        help="outputs: both (default: CSV UTF-8 with BOM, and Parquet), csv, parquet, xlsx (the workbook "
        "juesuan.xlsx alone) or all (CSV, Parquet and the workbook); datapackage.json always",
    )
    b.add_argument(
        "--keep-going",
        action="store_true",
        help="exit 0 even when files failed (by default the build writes every output, lists the failed files "
        "and exits 1; skipped files, such as images, never count as failures)",
    )
    b.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="read on a dask.distributed cluster (e.g. tcp://10.0.0.5:8786) instead of local worker processes",
    )
    b.add_argument(
        "--ship",
        choices=("paths", "bytes"),
        default="paths",
        help="with --scheduler: send the workers each file's path (they must see the same files; default) or its bytes",
    )
    Limits.add_arguments(b)
    _corrections_option(b)
    b.set_defaults(func=cmd_build)


def _show_parser(sub) -> None:
    s = sub.add_parser("show", help="a document's summary, one table as printed, a page; a folder: its files")
    s.add_argument("file", help="a file, or a folder (one row per file)")
    s.add_argument("--table", help="table family, e.g. 02 or 政府采购: the table as printed")
    s.add_argument("--page", type=int, metavar="N", help="the cells read on page N (with --png: the page rendered)")
    s.add_argument("--png", metavar="OUT", help="with --page: write the page as a PNG image with the cells boxed")
    s.add_argument("--highlight", metavar="TEXT", help="with --png: box the cells whose code, name or amount is TEXT")
    _format_option(s)
    _corrections_option(s)
    _workers_option(s, "a folder's files")
    s.set_defaults(func=cmd_show)


def _check_parser(sub) -> None:
    c = sub.add_parser("check", help="the findings by file and page; exit status 1 when there are errors")
    c.add_argument("file", help="a file, or a folder (every file under it)")
    c.add_argument("--all", action="store_true", help="include differences within rounding (info)")
    c.add_argument("--page", type=int, metavar="N", help="only the findings of page N")
    c.add_argument("--png", metavar="OUT", help="with --page: write the page as a PNG image with its findings boxed")
    c.add_argument("-o", "--output", metavar="FILE", help="write the findings to FILE (.csv or .json)")
    _format_option(c)
    _corrections_option(c)
    _workers_option(c, "a folder's files")
    c.set_defaults(func=cmd_check)


def _codes_parser(sub) -> None:
    k = sub.add_parser("codes", help="look up a classification code or name")
    k.add_argument("query", nargs="+")
    k.add_argument("--edition", type=int, help="edition year of the catalog")
    _format_option(k)
    k.add_argument("--limit", type=int, default=30, metavar="N", help="at most N entries (default 30)")
    k.set_defaults(func=cmd_codes)


def make_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="juesuan", description="Read 部门决算/预算 disclosures into tidy, checked tables.")
    p.add_argument("--version", action=_VersionAction, help="show program's version number and exit")
    sub = p.add_subparsers(dest="command", required=True)
    for add in (_build_parser, _show_parser, _check_parser, _codes_parser):
        add(sub)
    return p


def _quiet_stdout() -> None:
    """After a reader went away (``| head``): later writes, and the interpreter's final flush, go nowhere."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no real file descriptor (captured output)
        pass


class _Terminated(KeyboardInterrupt):
    """SIGTERM, turned into the same clean stop as Ctrl-C."""


def _on_sigterm(signum, frame) -> None:
    raise _Terminated


def _escape(err: UnicodeEncodeError) -> tuple[str, int]:
    """A name's bytes that are not UTF-8 (Python keeps them as surrogates U+DC80–U+DCFF) as ``\\xNN``, as the
    build's outputs show them; any other character the terminal cannot show as ``\\uNNNN``."""
    bad = err.object[err.start : err.end]
    return "".join(
        f"\\x{ord(ch) - 0xDC00:02x}" if 0xDC80 <= ord(ch) <= 0xDCFF else ch.encode("ascii", "backslashreplace").decode()
        for ch in bad
    ), err.end


def main(argv: list[str] | None = None) -> int:
    codecs.register_error("juesuan-escape", _escape)
    for stream in (sys.stdout, sys.stderr):  # file names that are not UTF-8 are printed escaped, never an error
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="juesuan-escape")
    args = make_parser().parse_args(argv)
    previous = signal.signal(signal.SIGTERM, _on_sigterm) if _main_thread() else None
    try:
        status = args.func(args)
        sys.stdout.flush()  # a reader gone away shows here, not in the interpreter's last flush
        return status
    except KeyboardInterrupt as stop:
        terminated = isinstance(stop, _Terminated)
        _say(f"juesuan {args.command}: {'terminated' if terminated else 'interrupted'}", err=True)
        return 143 if terminated else 130
    except BrokenPipeError:  # the reader of our output went away (juesuan show … | head): quietly done
        _quiet_stdout()
        return 0
    except NotFound as err:
        _warn(str(err))
        return 1
    except JuesuanError as err:
        _warn(str(err))
        return 2
    except Exception as err:  # noqa: BLE001 - a bug of ours: one line, not a traceback, and say so
        target = getattr(args, "file", None) or getattr(args, "raw", "")
        _warn(f"{target}: juesuan failed unexpectedly ({type(err).__name__}: {err}); please report this file")
        return 3
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def entry() -> None:
    """The console script (and ``python -m juesuan.cli``): ``main``, then out without tearing the interpreter down.

    Python's finalization frees every module and object one by one (pandas, numpy, pyarrow …): ~0.1 s of each
    ``juesuan show``, for nothing, the process ending. What of it matters is done first: the atexit handlers run (the
    reader process is stopped, weakref finalizers remove temporary folders) and the output streams are flushed. A
    run that leaves other threads going (a dask client's) exits the normal way, which waits for them."""
    import atexit
    import threading

    status = main()
    if any(t.is_alive() and not t.daemon for t in threading.enumerate() if t is not threading.main_thread()):
        sys.exit(status)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader gone away (| head), a closed stream: nothing more can be said
            pass
    os._exit(status if isinstance(status, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    entry()
