"""Scans of synthetic documents (``juesuan.testing.synth``), for the OCR reader's round trips and its bench.

A document with known values is rendered as a PDF (``juesuan.testing.render``), every page is rasterised with
pypdfium2 at a scanner's resolution, turned by a slight angle and given noise as a flatbed scanner does, and the
images are wrapped in a PDF with no text layer (Pillow's PDF writer), or saved as PNG files (a table sent as a
picture). ``juesuan.read`` on the result must give back the cells of ``SynthDoc.expected``.

Why rasterisation runs in a child process: the PDFs use reportlab's built-in STSong-Light, which is not embedded,
and pdfium draws nothing for CJK text in a font it cannot find. pdfium takes extra font folders only when it is
initialised (``FPDF_LIBRARY_CONFIG.m_pUserFontPaths``); pypdfium2 initialises it at import without them. So a child
process re-initialises pdfium with the folder of the ``noto-cjk-sans-otc`` package (a dev dependency) and renders
there; the parent's pdfium, which the PDF reader uses, is left as it is.
"""

from __future__ import annotations

import copy
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

A4_LANDSCAPE = (841.89, 595.28)  # points


class NoCJKFont(RuntimeError):
    """No CJK font to rasterise the fixtures with (the ``noto-cjk-sans-otc`` package of the dev extra)."""


def cjk_font_dir() -> Path:
    """The folder holding a CJK font pdfium can draw STSong-Light text with."""
    try:
        import noto_cjk_sans_otc
    except ImportError as err:
        raise NoCJKFont("rasterising the fixtures needs a CJK font: pip install noto-cjk-sans-otc") from err
    return Path(noto_cjk_sans_otc.__file__).parent


# ---------------------------------------------------------------------------------------------------- rasterise


def _init_pdfium_with_fonts(font_dir: str) -> None:
    """Re-initialise pdfium with ``font_dir`` as its only font folder (in the child process only)."""
    import ctypes

    import pypdfium2.raw as R
    from pypdfium2 import _library_scope
    from pypdfium2.internal import bases

    _library_scope.destroy_lib()
    keep = [ctypes.create_string_buffer(font_dir.encode())]
    arr = (ctypes.POINTER(ctypes.c_char) * 2)(ctypes.cast(keep[0], ctypes.POINTER(ctypes.c_char)), None)
    paths = ctypes.cast(arr, ctypes.POINTER(ctypes.POINTER(ctypes.c_char)))
    config = R.FPDF_LIBRARY_CONFIG(version=2, m_pUserFontPaths=paths, m_pIsolate=None, m_v8EmbedderSlot=0)
    R.FPDF_InitLibraryWithConfig(config)
    bases.LIBRARY_AVAILABLE = True


def _rasterise_here(pdf_path: str, dpi: float, out_dir: str, font_dir: str) -> None:
    import pypdfium2 as pdfium

    _init_pdfium_with_fonts(font_dir)
    pdf = pdfium.PdfDocument(pdf_path)
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            image.save(Path(out_dir) / f"{i + 1:04d}.png")
            page.close()
    finally:
        pdf.close()


def rasterise(pdf_path: str | Path, dpi: float = 150):
    """Every page of a PDF as a greyscale PIL image at ``dpi``, CJK text drawn (see the module docstring)."""
    from PIL import Image

    font_dir = cjk_font_dir()
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "juesuan.testing.render_scan", str(pdf_path), str(dpi), tmp, str(font_dir)],
            check=True,
            capture_output=True,
        )
        images = []
        for f in sorted(Path(tmp).glob("*.png")):
            with Image.open(f) as im:
                images.append(im.copy())
    return images


# ---------------------------------------------------------------------------------------------------- scan


def degrade(image, angle: float = 0.0, noise: float = 0.0, blur: float = 0.6, seed: int = 0):
    """A page as a flatbed scanner returns it: turned by ``angle`` degrees (counter-clockwise), softened by a
    ``blur`` pixels wide, with Gaussian grain of ``noise`` grey levels and a few specks."""
    import numpy as np
    from PIL import Image, ImageFilter

    out = image.convert("L")
    if angle:
        out = out.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    if blur:
        out = out.filter(ImageFilter.GaussianBlur(blur))
    if noise:
        rng = np.random.default_rng(seed)
        a = np.asarray(out, dtype=np.float32)
        a = a + rng.normal(0.0, noise, a.shape)
        specks = rng.random(a.shape) < 0.0004
        a[specks] = rng.integers(0, 120, int(specks.sum()))
        out = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "L")
    return out


def images_to_pdf(images: list, path: str | Path, dpi: float) -> Path:
    """Wrap page images in a PDF with no text layer, each page the image's size at ``dpi``."""
    path = Path(path)
    first, *rest = [im.convert("L") for im in images]
    first.save(path, "PDF", resolution=dpi, save_all=True, append_images=rest)
    return path


def only_tables(doc: Any, ids: list[str] | tuple[str, ...], narrative: bool = False) -> Any:
    """A copy of a SynthDoc holding only the tables ``ids`` (and their expected cells); without the narrative
    unless asked, so a fixture has no more pages than its test needs."""
    out = copy.copy(doc)
    out.tables = [t for t in doc.tables if t.id in ids]
    out.narrative = list(doc.narrative) if narrative else []
    out.expected = doc.expected[doc.expected["table"].isin(list(ids))].reset_index(drop=True)
    return out


def page_angles(n: int, skew: float, seed: int) -> list[float]:
    """Page angles near ``skew`` (±30 %), alternating in sign, so a document's pages are not all turned alike."""
    import random

    rng = random.Random(seed)
    return [(1 if i % 2 == 0 else -1) * skew * rng.uniform(0.7, 1.3) for i in range(n)]


def to_scan_pdf(
    doc: Any,
    path: str | Path,
    dpi: float = 150,
    skew: float = 1.0,
    noise: float = 6.0,
    seed: int = 0,
    **pdf_options,
) -> Path:
    """``doc`` printed (``render.to_pdf`` with ``pdf_options``: ruled, rows_per_page …), scanned at ``dpi`` with
    pages turned by about ``skew`` degrees and ``noise``, as an image-only PDF. Returns the path written."""
    from . import render

    path = Path(path)
    with tempfile.TemporaryDirectory() as tmp:
        printed = render.to_pdf(doc, Path(tmp) / "printed.pdf", **pdf_options)
        pages = rasterise(printed, dpi)
    angles = page_angles(len(pages), skew, seed)
    scanned = [degrade(p, a, noise, seed=seed + i) for i, (p, a) in enumerate(zip(pages, angles))]
    return images_to_pdf(scanned, path, dpi)


def to_png(
    doc: Any,
    path: str | Path,
    dpi: float = 150,
    skew: float = 0.0,
    noise: float = 0.0,
    seed: int = 0,
    **pdf_options,
) -> list[Path]:
    """``doc``'s tables as PNG pictures (a table attachment), one file per page: ``path`` for the first, then
    ``stem-2.png`` …; each PNG records its ``dpi``. Returns the paths written."""
    from . import render

    path = Path(path)
    with tempfile.TemporaryDirectory() as tmp:
        printed = render.to_pdf(doc, Path(tmp) / "printed.pdf", cover=False, **pdf_options)
        pages = rasterise(printed, dpi)
    out = []
    for i, (page, angle) in enumerate(zip(pages, page_angles(len(pages), skew, seed))):
        p = path if i == 0 else path.with_name(f"{path.stem}-{i + 1}{path.suffix}")
        degrade(page, angle, noise, blur=0.0 if not noise else 0.6, seed=seed + i).save(p, dpi=(dpi, dpi))
        out.append(p)
    return out


if __name__ == "__main__":  # the child process of ``rasterise``
    _rasterise_here(sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4])
