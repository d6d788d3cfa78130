"""Broken input: every bad file gives a JuesuanError naming the file and the problem, never a raw exception."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from juesuan.errors import Encrypted, JuesuanError, NoTextLayer, Unreadable, UnsupportedFormat
from juesuan.readers import read_raw


def _text_pdf(path: Path, text: str = "收入决算表 公开02表", pages: int = 1) -> Path:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path))
    for _ in range(pages):
        c.setFont("STSong-Light", 12)
        c.drawString(72, 700, text)
        c.showPage()
    c.save()
    return path


def _image_pdf(path: Path) -> Path:
    """A 'scan': a page holding only an image."""
    from PIL import Image
    from reportlab.pdfgen import canvas

    img = path.with_suffix(".png")
    Image.new("RGB", (200, 100), (230, 230, 230)).save(img)
    c = canvas.Canvas(str(path))
    c.drawImage(str(img), 72, 600, 200, 100)
    c.showPage()
    c.save()
    return path


def _encrypted_pdf(path: Path) -> Path:
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), encrypt=StandardEncryption("secret", ownerPassword="owner", canPrint=0))
    c.drawString(72, 700, "locked")
    c.showPage()
    c.save()
    return path


def _assert_names_file(err: JuesuanError, path: Path) -> None:
    assert str(path) in str(err)
    assert err.problem


def test_truncated_pdf_is_unreadable(tmp_path):
    good = _text_pdf(tmp_path / "good.pdf", pages=3)
    bad = tmp_path / "truncated.pdf"
    bad.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 3])
    try:
        raw = read_raw(bad)
    except Unreadable as err:
        _assert_names_file(err, bad)
    else:  # pdfium may rebuild a damaged xref: then what it recovered must be real text
        assert raw.lines and "收入决算表" in raw.text


def test_garbage_with_pdf_header_is_unreadable(tmp_path):
    bad = tmp_path / "corrupt.pdf"
    bad.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20)
    with pytest.raises(Unreadable) as err:
        read_raw(bad)
    _assert_names_file(err.value, bad)


def test_encrypted_pdf_says_password(tmp_path):
    path = _encrypted_pdf(tmp_path / "locked.pdf")
    with pytest.raises(Encrypted) as err:
        read_raw(path)
    _assert_names_file(err.value, path)
    assert "password" in err.value.problem


def test_image_only_pdf_asks_for_ocr(tmp_path):
    path = _image_pdf(tmp_path / "scan.pdf")
    with pytest.raises(NoTextLayer) as err:
        read_raw(path)
    _assert_names_file(err.value, path)
    assert "OCR" in err.value.problem


def test_zero_pages_pdf_is_unreadable(tmp_path):
    path = tmp_path / "nopages.pdf"
    # a syntactically valid PDF whose page tree is empty
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(bytes(out))
    with pytest.raises(Unreadable) as err:
        read_raw(path)
    _assert_names_file(err.value, path)


def test_empty_file_is_unreadable(tmp_path):
    for suffix in (".pdf", ".xlsx", ".xls"):
        path = tmp_path / f"empty{suffix}"
        path.write_bytes(b"")
        with pytest.raises(Unreadable) as err:
            read_raw(path)
        _assert_names_file(err.value, path)


def test_pdf_named_xlsx_is_read_as_pdf(tmp_path):
    path = _text_pdf(tmp_path / "x.pdf")
    renamed = tmp_path / "really_a_pdf.xlsx"
    renamed.write_bytes(path.read_bytes())
    raw = read_raw(renamed)
    assert raw.format == "pdf"
    assert "收入决算表" in raw.text


def test_text_named_pdf_is_unreadable(tmp_path):
    path = tmp_path / "notes.pdf"
    path.write_text("收入决算表\n这不是PDF", encoding="utf-8")
    with pytest.raises(Unreadable) as err:
        read_raw(path)
    _assert_names_file(err.value, path)


def test_unknown_suffix_is_unsupported(tmp_path):
    path = tmp_path / "budget.pages"
    path.write_bytes(b"\x00\x01binary")
    with pytest.raises(UnsupportedFormat):
        read_raw(path)


def test_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "report.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    with pytest.raises((UnsupportedFormat, Unreadable)) as err:
        read_raw(path)
    _assert_names_file(err.value, path)


def test_truncated_xlsx_is_unreadable(tmp_path):
    from openpyxl import Workbook

    good = tmp_path / "good.xlsx"
    wb = Workbook()
    for i in range(30):
        wb.active.append([f"科目{i}", i * 1.5])
    wb.save(good)
    bad = tmp_path / "truncated.xlsx"
    bad.write_bytes(good.read_bytes()[:300])
    with pytest.raises(Unreadable) as err:
        read_raw(bad)
    _assert_names_file(err.value, bad)


def test_ole_garbage_named_xls_is_unreadable(tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises((Unreadable, UnsupportedFormat)) as err:
        read_raw(path)
    _assert_names_file(err.value, path)


def test_garbled_pdf_text_is_reported(tmp_path):
    """Private-use code points (fonts without ToUnicode) on every character: the text cannot be decoded."""
    path = _text_pdf(tmp_path / "garbled.pdf", text="\ue001\ue002\ue003\ue004\ue005\ue006")
    from juesuan.errors import GarbledText

    try:
        raw = read_raw(path)
    except GarbledText as err:
        _assert_names_file(err, path)
    else:  # the font may drop unmapped glyphs: then nothing garbled may come through silently
        assert not any("\ue001" in ln.text for ln in raw.lines)


def test_radicals_are_normalised(tmp_path):
    path = _text_pdf(tmp_path / "radicals.pdf", text="公务用⻋运行维护费 ⻓期")
    raw = read_raw(path)
    assert "公务用车运行维护费" in raw.text.replace(" ", "")
    assert "⻋" not in raw.text
