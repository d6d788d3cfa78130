"""Legacy Word (.doc), WPS (.wps Writer, .et Spreadsheets) and RTF files: converted with LibreOffice, then read.

No maintained Python library reads the binary .doc/.wps formats; LibreOffice does, headless: ``soffice --headless
--convert-to docx`` (or ``xlsx`` for .et) into a temporary folder, and the converted file goes through the .docx or
workbook reader. The RawDocument keeps the original file's path, format and checksum, and a note says it was
converted. Each conversion uses a LibreOffice profile of its own, so parallel workers do not wait on one another's
profile lock.

Without LibreOffice these files raise ``UnsupportedFormat`` saying what to install.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path

from ..errors import JuesuanError, Unreadable, UnsupportedFormat
from ..raw import RawDocument

TARGET = {"doc": "docx", "wps": "docx", "rtf": "docx", "et": "xlsx"}
TIMEOUT = 180  # seconds; LibreOffice's first start in a fresh profile takes a few
INSTALL_HINT = (
    "install LibreOffice (Debian/Ubuntu: apt-get install --no-install-recommends libreoffice-writer-nogui "
    "libreoffice-calc-nogui) or save the file as .docx/.xlsx"
)


def soffice() -> str | None:
    """The LibreOffice executable on PATH, None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(path: Path, target: str, outdir: Path) -> Path:
    """Convert ``path`` to ``target`` ("docx"/"xlsx") in ``outdir`` with LibreOffice; returns the new file."""
    exe = soffice()
    if exe is None:
        raise UnsupportedFormat(path, f"a {path.suffix or 'legacy'} file needs LibreOffice to be read: {INSTALL_HINT}")
    profile = (outdir / "profile").as_uri()
    cmd = [exe, f"-env:UserInstallation={profile}", "--headless", "--convert-to", target, "--outdir", str(outdir)]
    try:
        done = subprocess.run([*cmd, str(path)], capture_output=True, text=True, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired as err:
        raise Unreadable(path, f"LibreOffice did not convert it within {TIMEOUT} s") from err
    out = outdir / f"{path.stem}.{target}"
    if not out.exists():
        why = (done.stderr or done.stdout or "").strip().splitlines()
        if why and "source file could not be loaded" in why[-1]:  # what LibreOffice says of a file it cannot open
            kind = f"{path.suffix} file" if path.suffix else "file"
            raise Unreadable(
                path, f"not a readable {kind} (damaged, truncated or password-protected): LibreOffice cannot open it"
            )
        raise Unreadable(path, f"LibreOffice could not convert it to {target}: {why[-1] if why else 'no output'}")
    return out


def read(path: Path) -> RawDocument:
    """Read a .doc, .wps, .et or .rtf file through LibreOffice (format: the file's own, "doc", "wps" …).

    Raises ``UnsupportedFormat`` when LibreOffice is not installed, ``Unreadable`` when it cannot convert the file
    (corrupt, password-protected) or the converted file has no text.
    """
    from . import detect_format, get_reader, sha256_of
    from .text import PLAUSIBLE, plausibility

    fmt = detect_format(path)
    target = TARGET.get(fmt, "docx")
    try:
        with tempfile.TemporaryDirectory(prefix="juesuan-office-") as tmp:
            # LibreOffice picks its import filter by the suffix: copy under a plain ASCII name with the right one
            src = Path(tmp) / f"input.{fmt}"
            shutil.copyfile(path, src)
            raw = get_reader(target)(convert(src, target, Path(tmp)))
    except JuesuanError as err:  # name the file the user gave, not the temporary copy
        raise type(err)(path, err.problem) from err
    if plausibility(raw.text) < PLAUSIBLE:
        # LibreOffice imports what it cannot parse as plain text: a damaged file comes back as mojibake
        raise Unreadable(path, f"LibreOffice could read it only as garbled text: a damaged or mislabelled {fmt} file")
    note = ("info", f"converted from {fmt} to {target} with LibreOffice before reading")
    return replace(raw, path=str(path), format=fmt, sha256=sha256_of(path), notes=[note, *raw.notes])
