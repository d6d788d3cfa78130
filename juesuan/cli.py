"""The ``juesuan`` command: build | show | check | codes, each a thin layer over the library.

    juesuan build [RAW] [CLEAN]        read every file under RAW (data/raw) and write the clean tables to CLEAN
                                       (data/clean): CSV + Parquet + datapackage.json; --workers N, --no-cache,
                                       --keep-going, --scheduler tcp://HOST:8786, bounds (--max-pages N …);
                                       exit 1 when a file failed (listed; its row is in documents.csv)
    juesuan show FILE [--table 02]     a document's summary, or one table as printed
    juesuan check FILE                 the findings; exit status 1 when there are errors
    juesuan codes QUERY                look up a classification code or name in the catalog

Bad input is one line naming the file and the problem (exit status 2), never a traceback; Ctrl-C is one line
(exit status 130).
"""

from __future__ import annotations

import argparse
import codecs
import os
import shutil
import signal
import sys
import tempfile
from pathlib import Path

import pandas as pd

from .errors import JuesuanError
from .limits import Limits


def _print_frame(df: pd.DataFrame) -> None:
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


def _say(text: str, err: bool = False) -> None:
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
        f"{row.file}: {row.status} {row.kind} {row.year} {row.department} tables={row.tables or '-'} "
        f"cells={row.n_cells} errors={row.n_errors}{extra}"
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
    from .corpus import Store, read_all, write_clean
    from .outputs import output_lock, wait_note

    raw = Path(args.raw)
    if not raw.exists():
        print(f"{raw}: no such folder or file", file=sys.stderr)
        return 2
    if args.workers is not None and args.workers < 1:
        print(f"--workers {args.workers}: give 1 or more", file=sys.stderr)
        return 2
    try:
        limits = Limits.from_args(args)
    except ValueError as err:
        print(err, file=sys.stderr)
        return 2
    formats = ("csv", "parquet") if args.format == "both" else (args.format,)
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
            for row in corpus.documents.itertuples():
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
    cols = ["severity", "check", "table", "code", "measure", "expected", "actual", "difference", "message"]
    _print_frame(findings[cols])
    n_err = int((doc.findings["severity"] == "error").sum())
    print(
        f"{doc.meta['file']}: {n_err} errors, {int((doc.findings['severity'] == 'warning').sum())} warnings, "
        f"{int((doc.findings['severity'] == 'info').sum())} within rounding"
    )
    return 1 if n_err else 0


def cmd_codes(args: argparse.Namespace) -> int:
    from .codes import format_lookup

    print(format_lookup(" ".join(args.query), edition=args.edition))
    return 0


def _build_parser(sub) -> None:
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
    b.set_defaults(func=cmd_build)


def make_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="juesuan", description="Read 部门决算/预算 disclosures into tidy, checked tables.")
    sub = p.add_subparsers(dest="command", required=True)
    _build_parser(sub)
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
    k.set_defaults(func=cmd_codes)
    return p


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
        return args.func(args)
    except KeyboardInterrupt as stop:
        terminated = isinstance(stop, _Terminated)
        _say(f"juesuan {args.command}: {'terminated' if terminated else 'interrupted'}", err=True)
        return 143 if terminated else 130
    except BrokenPipeError:  # the reader of our output went away (juesuan show … | head)
        _say("", err=False)
        return 141
    except JuesuanError as err:
        _say(str(err), err=True)
        return 2
    except KeyError as err:  # an unknown table id in `show --table`
        _say(err.args[0] if err.args else str(err), err=True)
        return 2
    except Exception as err:  # noqa: BLE001 - a bug of ours: one line, not a traceback, and say so
        target = getattr(args, "file", None) or getattr(args, "raw", "")
        _say(
            f"{target}: juesuan failed unexpectedly ({type(err).__name__}: {err}); please report this file",
            err=True,
        )
        return 3
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
