"""The bounds: defaults, how a user raises them (keyword, environment, CLI), and the pre-checks' reading of a file's
own structure (worksheet XML with and without addresses or namespace prefixes, the zip directory, lines)."""

from __future__ import annotations

import argparse
import dataclasses
import zipfile

import pytest

from juesuan.errors import Unreadable
from juesuan.limits import (
    LimitExceeded,
    Limits,
    SheetExtent,
    check_grid,
    check_lines,
    check_zip,
    zip_member_count,
)

from .hostile import make_xlsx, sheet_xml


def test_defaults_are_documented_and_every_bound_has_a_cli_option():
    p = argparse.ArgumentParser()
    Limits.add_arguments(p)
    text = p.format_help()
    for f in dataclasses.fields(Limits):
        assert f.metadata["help"] and f"--{f.name.replace('_', '-')}" in text
    assert Limits().max_pages == 2_000 and Limits().timeout_s == 300


def test_bounds_come_from_keywords_the_environment_and_options():
    env = {"JUESUAN_MAX_PAGES": "5000", "JUESUAN_TIMEOUT_S": "12.5"}
    lim = Limits.from_env(env)
    assert lim.max_pages == 5000 and lim.timeout_s == 12.5 and lim.max_rows == Limits().max_rows
    with pytest.raises(ValueError, match="JUESUAN_MAX_ROWS"):
        Limits.from_env({"JUESUAN_MAX_ROWS": "many"})
    p = argparse.ArgumentParser()
    Limits.add_arguments(p)
    assert Limits.from_args(p.parse_args(["--max-rows", "50", "--max-unzipped-mb", "2.5"])) == dataclasses.replace(
        Limits.from_env(), max_rows=50, max_unzipped_mb=2.5
    )
    with pytest.raises(ValueError, match="positive"):
        Limits.from_args(p.parse_args(["--max-pages", "0"]))


def test_the_message_names_the_bound_and_how_to_raise_it(tmp_path):
    err = LimitExceeded(tmp_path / "a.pdf", "the PDF claims 9,999 pages; the bound is 2,000", "max_pages")
    assert err.bound == "max_pages"
    assert str(err) == (
        f"{tmp_path / 'a.pdf'}: the PDF claims 9,999 pages; the bound is 2,000 "
        "(bound max_pages; raise it with --max-pages or JUESUAN_MAX_PAGES)"
    )


def _extent(xml: str) -> SheetExtent:
    ext = SheetExtent("sheet1.xml")
    data = xml.encode()
    for i in range(0, len(data), 7):  # fed in pieces that cut tags in half
        ext.feed(data[i : i + 7], "x", Limits())
    return ext


def test_sheet_extent_from_cell_addresses():
    ext = _extent(sheet_xml([("C5", "a"), ("E9", "b")], dimension="A1:XFD1048576"))  # the dimension lies
    assert (ext.min_row, ext.max_row, ext.min_col, ext.max_col) == (5, 9, 3, 5)


def test_sheet_extent_without_addresses_and_with_a_namespace_prefix():
    xml = (
        '<x:worksheet xmlns:x="s"><x:sheetData><x:row><x:c t="inlineStr"><x:is><x:t>a</x:t></x:is></x:c>'
        '<x:c><x:v>1</x:v></x:c><x:c s="1"/></x:row><x:row r="7"><x:c r="D7"><x:v>2</x:v></x:c></x:row>'
        "</x:sheetData></x:worksheet>"
    )
    ext = _extent(xml)
    # the row without r is row 1, its cells columns 1 and 2 (the styled empty third is no cell to the library)
    assert (ext.min_row, ext.max_row, ext.min_col, ext.max_col) == (1, 7, 1, 4)


def test_check_grid_names_the_bound():
    with pytest.raises(LimitExceeded) as err:
        check_grid("x.xls", "收入决算表", 10, 5_000, Limits())
    assert err.value.bound == "max_columns" and "收入决算表" in err.value.problem
    check_grid("x.xls", "收入决算表", 1_000, 1_000, Limits())


def test_zip_checks(tmp_path):
    good = make_xlsx(tmp_path / "good.xlsx", sheet_xml([("A1", "收入决算表"), ("B2", "1.00")]))
    check_zip(good, Limits(), scan_sheets=True)
    assert zip_member_count(good) == 6
    with pytest.raises(LimitExceeded) as err:
        check_zip(good, Limits(max_zip_members=3))
    assert err.value.bound == "max_zip_members"
    with pytest.raises(LimitExceeded):
        check_zip(good, Limits(max_unzipped_mb=0.001))
    with pytest.raises(LimitExceeded) as err:
        check_zip(good, Limits(max_rows=1), scan_sheets=True)
    assert "B2" in err.value.problem
    not_zip = tmp_path / "x.xlsx"
    not_zip.write_bytes(b"PK\x03\x04" + b"\0" * 100)
    with pytest.raises(Unreadable):
        check_zip(not_zip, Limits())
    assert zip_member_count(not_zip) is None


def test_zip64_member_count(tmp_path):
    path = tmp_path / "z64.zip"
    with zipfile.ZipFile(path, "w", allowZip64=True) as z:
        with z.open("a", "w", force_zip64=True) as fh:
            fh.write(b"x")
    assert zip_member_count(path) == 1


@pytest.mark.parametrize("ending", [b"\n", b"\r\n", b"\r"])
def test_lines_counted_whatever_the_line_ends(tmp_path, ending):
    path = tmp_path / "t.txt"
    path.write_bytes(ending.join([b"a" * 100] * 50))
    check_lines(path, Limits(max_rows=60, max_line_kb=1))
    with pytest.raises(LimitExceeded):
        check_lines(path, Limits(max_rows=40))
    path.write_bytes(b"short" + ending + b"b" * 3000 + ending + b"short")
    with pytest.raises(LimitExceeded) as err:
        check_lines(path, Limits(max_line_kb=2))
    assert err.value.bound == "max_line_kb"
