"""What a scanned page's pixels say before any text is read: its ink, its skew, its ruling lines.

The OCR reader (``juesuan.readers.ocr``) hands the geometry table reader the same records the PDF reader does —
glyph boxes and ruling lines — so a scan's ruled table is read by the same grid code as a printed one. The lines
are found here with OpenCV's morphology (an opening with a long thin kernel keeps only runs of ink at least that
long: the classic way to pull table lines out of a binarised page), not by hand-written pixel loops.

- ``ink``: the page binarised (Otsu's threshold on the grey levels: a scan's paper and ink are two clear peaks).
- ``estimate_skew`` / ``deskew``: a scanner turns a page by a degree or two; the angle is the one at which the rows of
  ink are sharpest (the projection-profile method: text baselines and ruling lines both line up when level).
- ``find_rules``: horizontal and vertical ruling lines as ``geometry.Rule`` in points, and the mask of their pixels
  (erased before recognition, so a cell's border is not read as a "1" beside its amount).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..geometry import Rule, Settings

MAX_SKEW = 3.0  # degrees: beyond this a page was put on the glass crooked on purpose (or is rotated), not skewed
_PROFILE_WIDTH = 900  # px: the skew is estimated on the page scaled to this width (fast, and fine enough)


def ink(gray):
    """The page's ink as a uint8 mask (255 = ink) by Otsu's threshold; a blank page gives an empty mask."""
    import cv2
    import numpy as np

    if gray.size == 0 or int(gray.max()) - int(gray.min()) < 32:
        return np.zeros_like(gray)
    _, mask = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return mask


def _rotation(shape, angle: float):
    import cv2

    h, w = shape[:2]
    return cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)


def rotate(image, angle: float, fill: int = 255):
    """``image`` turned by ``angle`` degrees counter-clockwise about its centre, same size, ``fill`` at the edges."""
    import cv2

    if not angle:
        return image
    h, w = image.shape[:2]
    return cv2.warpAffine(image, _rotation(image.shape, angle), (w, h), flags=cv2.INTER_LINEAR, borderValue=fill)


def _sharpness(small, angle: float) -> float:
    import numpy as np

    profile = rotate(small, angle, fill=0).sum(axis=1, dtype=np.float64)
    return float(np.square(np.diff(profile)).sum())


def estimate_skew(mask, max_angle: float = MAX_SKEW) -> float:
    """The angle (degrees, counter-clockwise) that levels the page's rows of ink: a coarse search over
    ±``max_angle`` in 0.25° steps, then 0.025° steps around the best. 0.0 for a page without ink."""
    import cv2
    import numpy as np

    if not mask.any():
        return 0.0
    h, w = mask.shape
    scale = min(1.0, _PROFILE_WIDTH / w)
    small = cv2.resize(mask, (max(1, int(w * scale)), max(1, int(h * scale))), interpolation=cv2.INTER_AREA)
    coarse = np.arange(-max_angle, max_angle + 1e-9, 0.25)
    best = max(coarse, key=lambda a: _sharpness(small, a))
    fine = np.arange(best - 0.25, best + 0.25 + 1e-9, 0.025)
    angle = float(max(fine, key=lambda a: _sharpness(small, a)))
    return round(angle, 3) if abs(angle) >= 0.05 else 0.0


def specks(mask, px_per_pt: float):
    """The specks of a scan (dust, grain): blobs of ink of at most (0.7 pt)² — two pixels at 150 dpi — the size under which no
    printed mark — a decimal point of 7 pt text is about 1 pt — comes. A uint8 mask, 255 on specks."""
    import cv2
    import numpy as np

    most = max(2, int((0.7 * px_per_pt) ** 2))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    small = np.flatnonzero(stats[:, cv2.CC_STAT_AREA] <= most)
    small = small[small > 0]
    return np.where(np.isin(labels, small), 255, 0).astype(np.uint8) if small.size else np.zeros_like(mask)


@dataclass
class PageRules:
    """The ruling lines of a page (points, top-down) and the mask of their pixels."""

    rules: list[Rule]
    mask: object  # uint8 array, 255 where a line is


def _components(lines, horizontal: bool, min_len: int, max_thick: int):
    """Bounding boxes (x, y, w, h) of the long thin runs of ink left after the opening."""
    import cv2

    n, _, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
    out = []
    for x, y, w, h, _area in stats[1:n]:
        length, thick = (w, h) if horizontal else (h, w)
        if length >= min_len and thick <= max_thick:
            out.append((int(x), int(y), int(w), int(h)))
    return out


def _on_rule(x: float, y: float, hs: list[tuple[int, int, int, int]], tol: int) -> bool:
    """The point lies on a horizontal run (within ``tol`` px)."""
    return any(hx - tol <= x <= hx + hw + tol and abs(hy + hh / 2 - y) <= tol + hh / 2 for hx, hy, hw, hh in hs)


def _is_border(v: tuple[int, int, int, int], hs: list[tuple[int, int, int, int]], tol: int, long: int) -> bool:
    """A vertical run is a cell border when it runs from one horizontal line to another (or is long): a stroke of
    a character stands inside its cell and reaches neither."""
    x, y, w, h = v
    xc = x + w / 2
    return h >= long or (_on_rule(xc, y, hs, tol) and _on_rule(xc, y + h, hs, tol))


def find_rules(mask, px_per_pt: float, settings: Settings | None = None) -> PageRules:
    """Ruling lines of a binarised, levelled page: runs of ink at least 25 pt long (horizontal) or 8 pt (vertical,
    a one-row cell border), at most ``settings.thin`` thick. A vertical run shorter than 40 pt must run from one
    horizontal line to another: else it is a stroke of a character, not a table's line."""
    import cv2
    import numpy as np

    s = settings or Settings()
    h_len = max(15, int(25 * px_per_pt)) | 1  # odd: an even kernel's anchor shifts the opened line by a pixel
    v_len = max(9, int(8 * px_per_pt)) | 1
    thick = max(3, int(round(s.thin * px_per_pt)) + 1)
    tol = max(3, int(2 * px_per_pt))
    # no closing first: it would bridge the strokes of neighbouring characters into a "line"; a line broken by a
    # faint stretch comes back in pieces, which geometry.merge_rules joins
    horiz = cv2.morphologyEx(mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (h_len, 1)))
    vert = cv2.morphologyEx(mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, v_len)))
    hs = _components(horiz, True, h_len, thick)
    vs = [v for v in _components(vert, False, v_len, thick) if _is_border(v, hs, tol, int(40 * px_per_pt))]
    line_mask = np.zeros_like(mask)
    rules: list[Rule] = []
    k = 1.0 / px_per_pt
    for x, y, w, h in hs:
        line_mask[y : y + h, x : x + w] |= horiz[y : y + h, x : x + w]
        rules.append(Rule(True, (y + h / 2) * k, x * k, (x + w) * k))
    for x, y, w, h in vs:
        line_mask[y : y + h, x : x + w] |= vert[y : y + h, x : x + w]
        rules.append(Rule(False, (x + w / 2) * k, y * k, (y + h) * k))
    return PageRules(rules, line_mask)
