"""Files the attachment tests upload, made in memory: images with metadata to strip, a PDF."""

from __future__ import annotations

import io

from PIL import Image, PngImagePlugin

GPS = 0x8825  # the EXIF pointer to the GPS block
ORIENTATION = 0x0112


def jpeg_with_gps(size=(40, 20), orientation: int = 1) -> bytes:
    """A JPEG whose EXIF holds a GPS position, a camera and an orientation, with a comment."""
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[ORIENTATION] = orientation
    exif[GPS] = {1: "N", 2: (50.0, 51.0, 7.5), 3: "E", 4: (4.0, 21.0, 3.2)}
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "JPEG", exif=exif, comment=b"home address")
    return out.getvalue()


def png(size=(8, 6), text: str | None = None) -> bytes:
    info = PngImagePlugin.PngInfo()
    if text:
        info.add_text("Comment", text)
    out = io.BytesIO()
    Image.new("RGBA", size, (0, 128, 255, 255)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def image(fmt: str, size=(8, 6)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 200, 10)).save(out, fmt)
    return out.getvalue()


def pdf() -> bytes:
    """A small valid PDF (one empty page)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"]
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref))
    return out.getvalue()
