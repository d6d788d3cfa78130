"""Hostile and broken input files, generated in the test run (never committed binaries).

``CASES`` maps a case name to (file name, writer, what the read must raise, words its message must hold). Writers
take the target path and return nothing; each file is small on disk (under a few MB) however large it claims or
expands to. Names of the form ``make_*`` are the building blocks (a minimal XLSX, a hand-made PDF) other tests reuse.
"""

from __future__ import annotations

import os
import struct
import zipfile
import zlib
from pathlib import Path

from juesuan.errors import Encrypted, NoTextLayer, Unreadable, UnsupportedFormat
from juesuan.limits import LimitExceeded

# ---------------------------------------------------------------------------------------------------- XLSX by hand

_CT = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships '
    'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WB = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="收入决算表" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WB_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships '
    'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
    'Target="sharedStrings.xml"/></Relationships>'
)
_SST_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def sheet_xml(cells: list[tuple[str, str]], dimension: str = "") -> str:
    """A worksheet with inline-string cells at the given addresses ((address, text), rows in order)."""
    rows: dict[int, list[str]] = {}
    for address, text in cells:
        row = int("".join(ch for ch in address if ch.isdigit()))
        rows.setdefault(row, []).append(f'<c r="{address}" t="inlineStr"><is><t>{text}</t></is></c>')
    body = "".join(f'<row r="{r}">{"".join(cs)}</row>' for r, cs in sorted(rows.items()))
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet '
        f'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{dim}<sheetData>{body}</sheetData>'
        "</worksheet>"
    )


def make_xlsx(path: Path, sheet: str, shared_strings=None) -> Path:
    """A minimal workbook: one sheet (its XML given), shared strings written by ``shared_strings(fh)`` if given."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WB)
        z.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        with z.open("xl/sharedStrings.xml", "w") as fh:
            fh.write(_SST_HEAD.encode())
            if shared_strings is not None:
                shared_strings(fh)
            fh.write(b"</sst>")
    return path


def _strings(mb: int):
    """Shared strings of ``mb`` MB of tiny strings (what made calamine take 13 GB), compressing ~400:1."""
    chunk = b"<si><t>a</t></si>" * 60_000

    def write(fh):
        for _ in range(mb * 2**20 // len(chunk) + 1):
            fh.write(chunk)

    return write


def far_cell(path: Path) -> None:
    make_xlsx(path, sheet_xml([("A1", "收入决算表"), ("XFD1048576", "x")]))


def wide_sheet(path: Path) -> None:
    make_xlsx(path, sheet_xml([("A1", "收入决算表"), ("XFD1", "x")]))


def dense_sheet(path: Path) -> None:
    make_xlsx(path, sheet_xml([("A1", "收入决算表"), ("ZZ60000", "x")]))


def strings_bomb(path: Path) -> None:
    make_xlsx(path, sheet_xml([("A1", "收入决算表")]), _strings(120))


def lying_zip(path: Path) -> None:
    """A member that declares 1 KB and expands to 50 MB (its local header and directory entry patched)."""
    make_xlsx(path, sheet_xml([("A1", "收入决算表")]), _strings(50))
    data = bytearray(path.read_bytes())
    # the central directory entry (what zipfile and calamine trust): uncompressed size at offset 24 of the entry,
    # whose file name starts at offset 46; the last occurrence of the name is the directory's
    at = data.rfind(b"xl/sharedStrings.xml") - 46
    assert data[at : at + 4] == b"PK\x01\x02"
    struct.pack_into("<I", data, at + 24, 1024)
    path.write_bytes(bytes(data))


def many_members(path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for i in range(10_050):
            z.writestr(f"m/{i}", b"")


def docx_bomb(path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CT)
        with z.open("word/document.xml", "w") as fh:
            chunk = b"<w:p/>" * 100_000
            for _ in range(120 * 2**20 // len(chunk) + 1):
                fh.write(chunk)


def truncated_xlsx(path: Path) -> None:
    tmp = path.with_suffix(".whole")
    make_xlsx(tmp, sheet_xml([(f"A{i}", f"科目{i}") for i in range(1, 200)]))
    data = tmp.read_bytes()
    tmp.unlink()
    path.write_bytes(data[: len(data) // 2])


# ---------------------------------------------------------------------------------------------------- PDF by hand


def make_pdf(objs: list[bytes]) -> bytes:
    """A PDF from its objects (object 1 the catalog), with a correct cross-reference table."""
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
    return bytes(out)


def text_page_pdf(text: bytes, count: int = 1, compress: bool = False, repeat: int = 1) -> bytes:
    """One page showing ``text`` (``repeat`` times) in Helvetica; the page tree claims ``count`` pages."""
    content = b"BT /F1 8 Tf 20 760 Td " + (b"(" + text + b") Tj ") * repeat + b"ET"
    stream = zlib.compress(content) if compress else content
    flate = b" /Filter /FlateDecode" if compress else b""
    return make_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            f"<< /Type /Pages /Kids [3 0 R] /Count {count} >>".encode(),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d%s >>\nstream\n" % (len(stream), flate) + stream + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
    )


def page_count_lie(path: Path) -> None:
    path.write_bytes(text_page_pdf(b"shouru juesuan biao", count=999_999))


def crowded_page(path: Path) -> None:
    path.write_bytes(text_page_pdf(b"a" * 15_000, compress=True, repeat=10))  # pdfium cuts one string at 32,767


def zero_pages(path: Path) -> None:
    path.write_bytes(make_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]))


def truncated_pdf(path: Path) -> None:
    path.write_bytes(text_page_pdf(b"truncated")[:150])


def encrypted_pdf(path: Path) -> None:
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), encrypt=StandardEncryption("secret", ownerPassword="owner", canPrint=0))
    c.drawString(72, 700, "locked")
    c.showPage()
    c.save()


def image_only_pdf(path: Path) -> None:
    from PIL import Image
    from reportlab.pdfgen import canvas

    img = path.with_suffix(".png.tmp")
    Image.new("RGB", (200, 100), (230, 230, 230)).save(img, format="PNG")
    c = canvas.Canvas(str(path))
    c.drawImage(str(img), 72, 600, 200, 100)
    c.showPage()
    c.save()
    img.unlink()


# ---------------------------------------------------------------------------------------------------- text


def one_long_line(path: Path) -> None:
    with path.open("wb") as fh:
        chunk = "收入决算表".encode() * 200_000  # 3 MB a chunk, no newline anywhere
        for _ in range(34):
            fh.write(chunk)


def many_rows(path: Path) -> None:
    with path.open("wb") as fh:
        fh.write("收入决算表\n".encode())
        fh.write(b"2010101\t\xe8\xa1\x8c\xe6\x94\xbf\xe8\xbf\x90\xe8\xa1\x8c\t1.00\n" * 2_000_000)


def huge_file(path: Path) -> None:
    """300 MB that take no disk: a sparse file."""
    with path.open("wb") as fh:
        fh.write("收入决算表\n".encode())
        fh.truncate(300 * 2**20)


def binary_as_text(path: Path) -> None:
    path.write_bytes(b"\x00\x01\x02" * 1000)


def pdf_named_txt(path: Path) -> None:
    path.write_bytes(text_page_pdf(b"", compress=True)[:90])  # a PDF header, then nothing usable


# name → (file name, writer, error class, words the problem must contain)
CASES: dict[str, tuple[str, object, type, str]] = {
    "far cell": ("far_cell.xlsx", far_cell, LimitExceeded, "XFD1048576"),
    "wide sheet": ("wide.xlsx", wide_sheet, LimitExceeded, "max_columns"),
    "dense sheet": ("dense.xlsx", dense_sheet, LimitExceeded, "max_sheet_cells"),
    "shared strings bomb": ("strings_bomb.xlsx", strings_bomb, LimitExceeded, "max_unzipped_mb"),
    "member lying about its size": ("lying.xlsx", lying_zip, Unreadable, "lies about its size"),
    "zip of 10,050 members": ("members.xlsx", many_members, LimitExceeded, "max_zip_members"),
    "docx bomb": ("bomb.docx", docx_bomb, LimitExceeded, "max_unzipped_mb"),
    "truncated xlsx": ("truncated.xlsx", truncated_xlsx, Unreadable, "truncated or corrupt"),
    "page count lie": ("liar.pdf", page_count_lie, LimitExceeded, "999,999 pages"),
    "crowded page": ("crowded.pdf", crowded_page, LimitExceeded, "max_page_chars"),
    "zero pages": ("nopages.pdf", zero_pages, Unreadable, "no pages"),
    "truncated pdf": ("truncated.pdf", truncated_pdf, Unreadable, "truncated or corrupt"),
    "encrypted pdf": ("locked.pdf", encrypted_pdf, Encrypted, "password"),
    "image-only pdf": ("scan.pdf", image_only_pdf, NoTextLayer, "OCR"),
    "100 MB on one line": ("oneline.txt", one_long_line, LimitExceeded, "max_line_kb"),
    "2 million rows": ("rows.txt", many_rows, LimitExceeded, "max_rows"),
    "300 MB file": ("huge.txt", huge_file, LimitExceeded, "max_file_mb"),
    "binary named .txt": ("binary.txt", binary_as_text, Unreadable, "binary"),
    "broken pdf named .txt": ("really_pdf.txt", pdf_named_txt, Unreadable, "PDF"),
    "unknown suffix": ("budget.numbers", lambda p: p.write_bytes(b"\x00\x01binary"), UnsupportedFormat, "unsupported"),
}

# hostile names, each given a good text export in the build test
NAMES = [
    "-rf.txt",
    "--help.txt",
    'quote\'d "name".txt',
    "$(touch pwned).txt",
    "`id`.txt",
    "a b  c.txt",
    "部门决算 2021（草稿）.txt",
    os.fsdecode(b"GBK-" + "部门决算".encode("gbk") + b".txt"),
]
