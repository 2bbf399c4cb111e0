"""Where the seal goes on an issued PDF, and what it looks like there (core.signing).

Position: templates/pdf/official.html puts a zero-height block of the seal's width,
centred in the seal area, just above the "（盖章）" line, with the id ``seal``. WeasyPrint
writes every id as a named destination (page and top-left point), so the signer finds the
seal on whichever page the text pushed it to, without knowing the layout. The sizes below
are the template's (`.seal-anchor`, `.seal-space` in templates/pdf/base.html): keep them in
step.

Look: the visible signature is one image, drawn with Pillow: the body's seal, and under
it the signer's name and the signing time. Drawn, not typeset with a PDF font, because a
CJK font embedded by the signer would cost more than the whole signature (the document
itself keeps its tagged, searchable text)."""

import functools
import io
import math
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

MM = 72 / 25.4  # PDF points per millimetre
SEAL_MM = 40  # .seal-anchor's width: a round seal of 40 mm, as a county bureau's
SEAL_LINE_MM = 6  # .sign .seal's line height: the seal is centred on that line
CAPTION_MM = 9  # the signer's name and time under the seal (inside .seal-space)
PIXELS_PER_MM = 8  # ~200 dpi: sharp in print, ~30 KB in the PDF
SEAL_RED = (204, 0, 0)


@dataclass(frozen=True)
class SealBox:
    page: int  # 0-based
    box: tuple[float, float, float, float]  # x1, y1, x2, y2 in PDF points


def seal_box(reader) -> SealBox | None:
    """The rectangle of the visible signature in a PDF rendered from official.html, or
    None when the PDF has no seal area (then the signature is invisible)."""
    try:
        dest = _named_destination(reader.root["/Names"]["/Dests"], "seal")
    except KeyError:
        return None
    if dest is None:
        return None
    page_ref, left, top = dest.raw_get(0), float(dest[2]), float(dest[3])
    page = _page_index(reader, page_ref)
    if page is None:
        return None
    centre_y = top - SEAL_LINE_MM / 2 * MM
    radius = SEAL_MM / 2 * MM
    return SealBox(
        page=page,
        box=(left, centre_y - radius - CAPTION_MM * MM, left + SEAL_MM * MM, centre_y + radius),
    )


def _named_destination(tree, name: str):
    names = tree.get("/Names")
    if names is not None:
        names = list(names)
        for key, value in zip(names[::2], names[1::2], strict=True):
            if str(key) == name:
                value = value.get_object()
                # A destination is an array, or a dictionary holding it under /D.
                return value["/D"] if hasattr(value, "keys") else value
    for kid in tree.get("/Kids", ()):
        found = _named_destination(kid.get_object(), name)
        if found is not None:
            return found
    return None


def _page_index(reader, page_ref) -> int | None:
    """The 0-based number of the page a destination points to. pyHanko dereferences an
    array's items when indexed: ``raw_get`` keeps the references to compare."""
    target = (page_ref.idnum, page_ref.generation)
    refs = []

    def walk(node_ref):
        node = node_ref.get_object()
        if node.get("/Type") == "/Pages":
            kids = node.raw_get("/Kids").get_object()
            for index in range(len(kids)):
                walk(kids.raw_get(index))
        else:
            refs.append((node_ref.idnum, node_ref.generation))

    walk(reader.root.raw_get("/Pages"))
    return refs.index(target) if target in refs else None


# --- The image ------------------------------------------------------------------------


@functools.cache
def cjk_font_file() -> tuple[str, int] | None:
    """(file, face index) of a CJK sans-serif face, from fontconfig."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    argv = [fc_match, "-f", "%{file}\n%{index}", "Noto Sans CJK SC:lang=zh-cn"]
    out = subprocess.run(argv, capture_output=True, text=True, check=False).stdout.split("\n")  # noqa: S603 - fixed argv
    if len(out) < 2 or not out[0]:
        return None
    return out[0], int(out[1] or 0)


def _font(size_px: int):
    found = cjk_font_file()
    if found is None:
        return ImageFont.load_default(size_px)
    return ImageFont.truetype(found[0], size_px, index=found[1])


@functools.lru_cache(maxsize=64)
def _seal_image(path: str, mtime: float) -> Image.Image | None:
    try:
        with Image.open(path) as image:
            return image.convert("RGBA").resize(
                (SEAL_MM * PIXELS_PER_MM, SEAL_MM * PIXELS_PER_MM), Image.LANCZOS
            )
    except OSError:
        return None


def load_seal(path: Path) -> Image.Image | None:
    """The seal image, scaled to the seal's size once per file version."""
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return None
    return _seal_image(str(path), mtime)


def appearance(seal: Image.Image | None, lines: list[str]) -> Image.Image:
    """The visible signature: the seal, then the caption lines centred under it."""
    width = SEAL_MM * PIXELS_PER_MM
    image = Image.new("RGBA", (width, (SEAL_MM + CAPTION_MM) * PIXELS_PER_MM), (0, 0, 0, 0))
    if seal is not None:
        image.alpha_composite(seal)
    draw = ImageDraw.Draw(image)
    font = _font(round(2.8 * PIXELS_PER_MM))
    line_height = (CAPTION_MM * PIXELS_PER_MM) // max(len(lines), 1)
    for number, line in enumerate(lines):
        y = SEAL_MM * PIXELS_PER_MM + line_height * number + line_height // 2
        draw.text((width // 2, y), line, font=font, fill=(40, 40, 40, 255), anchor="mm")
    return image


def draw_demo_seal(name: str, note: str) -> bytes:
    """A red round seal as PNG: the body's name along the top of the ring, a star, and
    ``note`` under it. For the demo's certificates (make_demo_signing_ca); a real body's
    seal image comes from its seal platform."""
    size = 600
    ink = (*SEAL_RED, 225)  # a little see-through, like ink over the date
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    centre, ring = size / 2, size * 0.035
    draw.ellipse((ring, ring, size - ring, size - ring), outline=ink, width=round(ring))
    _star(draw, centre, centre, size * 0.16, ink)
    _arc_text(image, name, centre, radius=size * 0.36, char_px=round(size * 0.12), ink=ink)
    note_font = _font(round(size * 0.07))
    draw.text((centre, size * 0.73), note, font=note_font, fill=ink, anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _star(draw, cx: float, cy: float, radius: float, ink):
    points = []
    for i in range(10):
        r = radius if i % 2 == 0 else radius * 0.382
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    draw.polygon(points, fill=ink)


def _arc_text(image, text: str, centre: float, *, radius: float, char_px: int, ink):
    """Characters spread over the top arc, each upright to the ring (as a seal reads)."""
    font = _font(char_px)
    span = min(240.0, 22.0 * len(text))  # degrees of arc the name takes
    for i, char in enumerate(text):
        angle = -90 - span / 2 + span * (i + 0.5) / len(text)  # degrees, 0 = east
        tile = Image.new("RGBA", (char_px * 2, char_px * 2), (0, 0, 0, 0))
        ImageDraw.Draw(tile).text((char_px, char_px), char, font=font, fill=ink, anchor="mm")
        tile = tile.rotate(-(angle + 90), resample=Image.BICUBIC)
        x = centre + radius * math.cos(math.radians(angle)) - char_px
        y = centre + radius * math.sin(math.radians(angle)) - char_px
        image.alpha_composite(tile, (round(x), round(y)))
