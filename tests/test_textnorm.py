from decimal import Decimal

import pytest

from juesuan.textnorm import clean_name, decimals_of, fix_radicals, is_amount, match_key, parse_amount, strip_ordinal


@pytest.mark.parametrize(
    "text, value",
    [
        ("985.24", Decimal("985.24")),
        ("5,545.08", Decimal("5545.08")),
        ("１２.５", Decimal("12.5")),
        ("4.5", Decimal("4.5")),
        ("4335.3", Decimal("4335.3")),
        ("0.00", Decimal("0")),
        ("-12.30", Decimal("-12.30")),
        ("(3.10)", Decimal("-3.10")),
        (" 1 234.50 ", Decimal("1234.50")),
    ],
)
def test_parse_amount_reads_printed_forms(text, value):
    assert parse_amount(text) == value


@pytest.mark.parametrize("text", ["", "  ", "-", "—", None])
def test_blank_and_dash_are_no_value(text):
    assert parse_amount(text) is None


@pytest.mark.parametrize("text", ["合计", "100%", "1.2.3", "9.6230206x"])
def test_non_amounts_raise(text):
    with pytest.raises(ValueError):
        parse_amount(text)


def test_clean_name_joins_wrapped_cells_and_uses_full_width_brackets():
    assert clean_name("机关事业单位基本养 老保险缴费") == "机关事业单位基本养老保险缴费"
    assert clean_name("因公出国 (境) 费") == "因公出国（境）费"
    assert clean_name("公务用⻋运行费") == "公务用车运行费"


def test_match_key_ignores_width_quotes_and_spaces():
    assert match_key("一般公共预算财政拨款“三公”经费支出决算表") == match_key(
        '一般公共预算财政拨款"三公"经费支出决算表'
    )
    assert match_key("收 入 决 算 表") == "收入决算表"


def test_strip_ordinal_and_radicals_and_decimals():
    assert strip_ordinal("二十三、其他支出") == "其他支出"
    assert strip_ordinal("（三）其他") == "其他"
    assert strip_ordinal("2021年度") == "2021年度"
    assert fix_radicals("⻓期⻔诊") == "长期门诊"
    assert decimals_of("4.5") == 1 and decimals_of("985.24") == 2 and decimals_of("12") == 0


@pytest.mark.parametrize(
    "text, value",
    [
        ("△12.34", Decimal("-12.34")),
        ("▲12.34", Decimal("-12.34")),
        ("−12.34", Decimal("-12.34")),  # U+2212 MINUS SIGN
        ("－12.34", Decimal("-12.34")),  # full-width hyphen-minus
        ("(12.34)", Decimal("-12.34")),
        ("（12.34）", Decimal("-12.34")),
        ("△1,234.50", Decimal("-1234.50")),
        ("- 3.00", Decimal("-3.00")),
    ],
)
def test_chinese_accounting_negatives(text, value):
    assert parse_amount(text) == value
    assert decimals_of(text) == 2


@pytest.mark.parametrize("text", ["115 10.00", "301 01", "12.00 3.00", "1,234 5.00"])
def test_two_numbers_are_never_one_amount(text):
    """A space between two numbers is not a thousands separator unless three digits follow it ("1 234.50")."""
    with pytest.raises(ValueError, match="not one amount"):
        parse_amount(text)


@pytest.mark.parametrize("text", ["△", "▲", "−", "（）"])
def test_a_lone_sign_is_not_an_amount(text):
    assert not is_amount(text)


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (["栏次", "", "1", "2", "3"], True),
        (["栏 次", None, "1", "2"], True),
        (["栏", "1", "2", "3"], True),
        (["1", "2", "3", "4", "5", "6"], True),
        (["7", "8", "9", "10", "11", "12"], True),  # an 06 panel's second half
        (["1", "2"], False),  # two numbers could be anything
        (["13", "14", "15"], False),  # too late a start for three columns
        (["1", "3", "4"], False),
        (["1.00", "2.00", "3.00"], False),  # amounts
        (["合计", "1", "2", "3"], False),
        ([], False),
    ],
)
def test_one_colnum_rule(cells, expected):
    """One rule says which rows are 栏次 rows, for the PDF geometry, the table parser and the browser-copy reader."""
    from juesuan.textnorm import is_colnum_row

    assert is_colnum_row(cells) is expected


def test_squash_removes_exactly_the_whitespace_characters_short_and_long():
    """squash removes every character Python's str.isspace() calls whitespace (re's \\s), plus zero-width space and
    BOM, from short (memoised) and long texts alike, and keeps everything else."""
    import re
    import sys

    from juesuan.textnorm import squash

    pattern = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")  # the rule as a pattern, to compare with
    removed = [chr(u) for u in range(sys.maxunicode + 1) if pattern.fullmatch(chr(u))]
    assert "\u3000" in removed and "\u200b" in removed and "\ufeff" in removed and "\x1f" in removed
    for ch in removed:
        assert squash(f"支{ch}出") == "支出"
        long = f"一般公共服务{ch}支出" * 20  # over 64 characters: not memoised
        assert squash(long) == "一般公共服务支出" * 20
    kept = "".join(chr(u) for u in range(0x20, 0x3100) if not pattern.fullmatch(chr(u)))
    assert squash(kept) == kept and squash(kept[:40]) == kept[:40]
