"""A reader that aborts the process, as the spreadsheet library's Rust panic did on a far cell (tests register it)."""

import os


def read(path):
    os.abort()


def register(readers) -> None:
    """Make ``.boom`` files a native format read by this reader (in the script of a test run in a subprocess)."""
    readers.READERS["boom"] = "tests.aborting_reader"
    readers.SUFFIXES[".boom"] = "boom"
    readers.NATIVE = readers.NATIVE | {"boom"}


def assert_reader_died(readers, path) -> None:
    """Reading ``path`` fails that file with the reader process's death, and this process goes on."""
    from juesuan.errors import Unreadable

    try:
        readers.read_raw(path)
    except Unreadable as err:
        assert "died (SIGABRT" in err.problem, err.problem
    else:
        raise SystemExit("no error")
