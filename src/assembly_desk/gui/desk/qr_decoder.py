"""Reading card codes out of a grayscale picture with zxing-cpp, without numpy.

zxing-cpp takes any object with the buffer protocol shaped (height, width), so a
``memoryview`` over the luminance bytes is enough; the camera path never converts colour.
Only digit strings are returned: a card code is digits, and a poster's URL QR code in the
background must not be taken for a card.
"""

from __future__ import annotations

import unicodedata
from typing import Any

# zxing-cpp is imported with the first picture, not with the window: most desks never
# open the camera, and the window should be usable at once.
_FORMATS: tuple[Any, ...] | None = None


def _zxing() -> tuple[Any, tuple[Any, ...]]:
    global _FORMATS
    import zxingcpp

    if _FORMATS is None:
        _FORMATS = (zxingcpp.BarcodeFormat.QRCode, zxingcpp.BarcodeFormat.MicroQRCode)
    return zxingcpp, _FORMATS


def compact(data: bytes, width: int, height: int, stride: int) -> bytes:
    """Drop the padding at the end of each row (``stride`` > ``width``)."""
    if stride == width:
        return bytes(data[: width * height])
    return b"".join(data[y * stride : y * stride + width] for y in range(height))


def decode_luminance(data: bytes, width: int, height: int, stride: int | None = None) -> list[str]:
    """The digit codes found in an 8-bit grayscale image, in reading order, without repeats."""
    if width <= 0 or height <= 0:
        return []
    pixels = compact(data, width, height, stride or width)
    view = memoryview(pixels).cast("B", (height, width))
    found: list[str] = []
    zxingcpp, formats = _zxing()
    # The stubs want BarcodeFormats; a tuple is what zxing-cpp now asks for (| is deprecated).
    for barcode in zxingcpp.read_barcodes(view, formats=formats):
        text = unicodedata.normalize("NFKC", barcode.text).strip()
        if text.isascii() and text.isdigit() and text not in found:
            found.append(text)
    return found
