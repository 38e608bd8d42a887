"""The file inspector behind matchmaker.ports.FileInspector: libmagic (python-magic) says what
the bytes are; Pillow decodes an image and re-encodes it, so what is stored carries no EXIF, GPS,
comments or colour profiles, only pixels (turned upright first)."""

from __future__ import annotations

import io
import warnings

import magic
from PIL import Image, ImageOps

from matchmaker.errors import InvalidInput
from matchmaker.ports import Inspected

SNIFF_BYTES = 8192  # libmagic decides these types from the first bytes
MAX_PIXELS = 40_000_000  # 40 megapixels: larger is refused before it is decoded (a bomb guard)
# What Pillow must find for the type libmagic named: a file that claims one type but decodes
# as another (or not at all) is refused.
FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/webp": "WEBP", "image/gif": "GIF"}


class ContentInspector:
    """Sniffs with libmagic; images re-encoded by Pillow, PDFs kept as they are."""

    def inspect(self, data: bytes) -> Inspected:
        """What the bytes are, and the bytes to keep."""
        content_type = magic.from_buffer(data[:SNIFF_BYTES], mime=True)
        if content_type not in FORMATS:
            return Inspected(content_type, data)  # the domain decides what is allowed
        return reencode(data, content_type)


def _bad_image() -> InvalidInput:
    return InvalidInput("the image could not be read", code="attachment_unreadable")


def reencode(data: bytes, content_type: str) -> Inspected:
    """The image's first frame, upright, re-encoded in its own format without metadata."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=[FORMATS[content_type]]) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise InvalidInput("the image has too many pixels",
                                       code="attachment_too_many_pixels")
                image.seek(0)  # an animation keeps its first frame only
                upright = ImageOps.exif_transpose(image)  # a copy, loaded in full
        except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError,
                Image.DecompressionBombWarning):
            raise _bad_image() from None
    return _encoded(upright, content_type)


def _encoded(image: Image.Image, content_type: str) -> Inspected:
    """Save nothing but pixels: info (comments, ICC, EXIF, XMP) is dropped first, because
    several of Pillow's writers copy it from the image by default."""
    kept = {"transparency": image.info["transparency"]} if "transparency" in image.info else {}
    image.info = kept  # (which palette entry is see-through is pixels, not metadata)
    if content_type == "image/jpeg" and image.mode not in ("RGB", "L", "CMYK"):
        image = image.convert("RGB")
    if content_type == "image/webp" and image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA")
    out = io.BytesIO()
    options = {"JPEG": {"quality": 90}, "WEBP": {"quality": 90}}.get(FORMATS[content_type], {})
    image.save(out, FORMATS[content_type], **options)
    return Inspected(content_type, out.getvalue(), image.width, image.height)
