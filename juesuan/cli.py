"""The ``juesuan`` command: build | show | check | codes, each a thin layer over the library.

    juesuan build [RAW] [CLEAN]        read every file under RAW (data/raw) and write the clean tables to CLEAN
                                       (data/clean): CSV + Parquet + datapackage.json; --workers N, --no-cache
    juesuan show FILE [--table 02]     a document's summary, or one table as printed
    juesuan check FILE                 the findings; exit status 1 when there are errors
    juesuan codes QUERY                look up a classification code or name in the catalog (--edition YEAR,
                                       --format table|csv|json); exit status 1 when nothing matches

Bad input is one line naming the file and the problem (exit status 2), never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import JuesuanError

if TYPE_CHECKING:
    import pandas as pd  # imported where a frame is printed: `juesuan codes` never needs pandas (~0.3 s)


def _print_frame(df: pd.DataFrame) -> None:
    import pandas as pd

    with pd.option_context(
        "display.max_rows",
        500,
        "display.max_columns",
        30,
        "display.width",
        200,
        "display.unicode.east_asian_width",
        True,
    ):
        print(df.to_string(index=False) if len(df) else "(none)")


def cmd_build(args: argparse.Namespace) -> int:
    from .corpus import read_all, write_clean

    raw = Path(args.raw)
    if not raw.exists():
        print(f"{raw}: no such folder or file", file=sys.stderr)
        return 2
    if args.workers is not None and args.workers < 1:
        print(f"--workers {args.workers}: give 1 or more", file=sys.stderr)
        return 2
    formats = ("csv", "parquet") if args.format == "both" else (args.format,)
    cache = (
        False
        if args.no_cache
        else (os.environ.get("JUESUAN_CACHE_DIR") or Path(args.clean).resolve().parent / ".juesuan-cache")
    )
    corpus = read_all(raw, progress=args.progress, workers=args.workers, cache=cache)
    for row in corpus.documents.astype(object).where(corpus.documents.notna(), None).itertuples():
        if row.status == "failed":
            print(f"{row.file}: FAILED {row.error}")
        else:
            extra = f" ({row.error})" if row.error else ""
            print(
                f"{row.file}: {row.status} {row.kind or '-'} {row.year or '-'} {row.department or '-'} "
                f"tables={row.tables or '-'} cells={row.n_cells} errors={row.n_errors}{extra}"
            )
    written = write_clean(corpus, args.clean, formats=formats)
    st = corpus.stats
    print(f"wrote {', '.join(p.name for p in written.values())} to {args.clean}")
    print(
        f"{st['files']} files: {st['read']} read, {st['cached']} from the cache"
        f"{' (' + str(cache) + ')' if cache else ''}, {st['failed']} failed, in {st['wall_seconds']:.1f} s",
        file=sys.stderr,
    )
    return 0


def table_key(table_id: str) -> str:
    return f"{int(table_id):02d}" if str(table_id).isdigit() else str(table_id)


def _read(path: str):
    from .document import read

    return read(path)


def cmd_show(args: argparse.Namespace) -> int:
    doc = _read(args.file)
    if args.table:
        table = doc.table(args.table)
        info = doc.tables.set_index("table").loc[table_key(args.table)]
        info = info.where(info.notna(), "")
        print(f"{info['title']} {info['label']} (pages {info['page']}–{info['last_page']}, values in 万元)")
        if info["empty"]:
            print(f"(printed without data{': ' + info['note'] if info['note'] else ''})")
        else:
            _print_frame(table)
        return 0
    for k, v in doc.meta.items():
        print(f"{k:>10}: {v}")
    print()
    _print_frame(doc.tables.drop(columns=["doc_id"]))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    doc = _read(args.file)
    findings = doc.findings
    if not args.all:
        findings = findings[findings["severity"] != "info"]
    cols = [
        "severity",
        "check",
        "page",
        "table",
        "code",
        "item",
        "measure",
        "expected",
        "actual",
        "difference",
        "message",
    ]
    _print_frame(findings[cols])
    n_err = int((doc.findings["severity"] == "error").sum())
    print(
        f"{doc.meta['file']}: {n_err} errors, {int((doc.findings['severity'] == 'warning').sum())} warnings, "
        f"{int((doc.findings['severity'] == 'info').sum())} within rounding"
    )
    return 1 if n_err else 0


def cmd_codes(args: argparse.Namespace) -> int:
    """Print catalog entries as a table (default), CSV or JSON; exit status 1 when nothing matches."""
    from .codes import format_lookup, found_any, lookup_records, write_records

    query = " ".join(args.query)
    try:
        found = lookup_records(query, edition=args.edition)
    except ValueError as err:  # an empty query
        print(f"codes: {err}", file=sys.stderr)
        return 2
    if args.format == "table" or not found_any(found):
        print(format_lookup(query, edition=args.edition, limit=args.limit))
    else:
        write_records(found[: args.limit], args.format, sys.stdout)
    return 0 if found_any(found) else 1


def make_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="juesuan", description="Read 部门决算/预算 disclosures into tidy, checked tables.")
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser(
        "build",
        help="read every document under RAW and write the clean tables (CSV, Parquet, datapackage.json) to CLEAN",
    )
    b.add_argument("raw", nargs="?", default="data/raw", help="input folder or file (default data/raw)")
    b.add_argument("clean", nargs="?", default="data/clean", help="output folder (default data/clean)")
    b.add_argument("--progress", action="store_true", help="show a progress bar")
    b.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="processes reading files in parallel (default: all cores; 1: no worker processes)",
    )
    b.add_argument(
        "--no-cache",
        action="store_true",
        help="read every file again; by default results are cached by file content in .juesuan-cache/ "
        "beside CLEAN (or $JUESUAN_CACHE_DIR) and invalidated by any code or data change",
    )
    b.add_argument(
        "--format",
        choices=("both", "csv", "parquet"),
        default="both",
        help="output format(s) (default both: CSV UTF-8 with BOM, and Parquet); datapackage.json always",
    )
    b.set_defaults(func=cmd_build)
    s = sub.add_parser("show", help="a document's summary, or one table as printed")
    s.add_argument("file")
    s.add_argument("--table", help="table id, e.g. 02")
    s.set_defaults(func=cmd_show)
    c = sub.add_parser("check", help="print the findings; exit status 1 when there are errors")
    c.add_argument("file")
    c.add_argument("--all", action="store_true", help="include differences within rounding (info)")
    c.set_defaults(func=cmd_check)
    k = sub.add_parser("codes", help="look up a classification code or name")
    k.add_argument("query", nargs="+")
    k.add_argument("--edition", type=int, help="edition year of the catalog")
    k.add_argument("--format", choices=("table", "csv", "json"), default="table", help="output (default table)")
    k.add_argument("--limit", type=int, default=30, metavar="N", help="at most N entries (default 30)")
    k.set_defaults(func=cmd_codes)
    return p


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        return args.func(args)
    except JuesuanError as err:
        print(str(err), file=sys.stderr)
        return 2
    except KeyError as err:  # an unknown table id in `show --table`
        print(err.args[0] if err.args else str(err), file=sys.stderr)
        return 2
    except Exception as err:  # noqa: BLE001 - a bug of ours: one line, not a traceback, and say so
        target = getattr(args, "file", None) or getattr(args, "raw", "")
        print(
            f"{target}: juesuan failed unexpectedly ({type(err).__name__}: {err}); please report this file",
            file=sys.stderr,
        )
        return 3


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
