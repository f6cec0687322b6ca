"""Turn the bytes of a text roll (CSV/TSV) into text, naming the encoding we used.

Korean rolls arrive in three shapes: Excel's "CSV UTF-8" (UTF-8 with a BOM), plain UTF-8
from other tools, and Excel's default "CSV (쉼표로 분리)" on Korean Windows, which is CP949
(a superset of EUC-KR). Strict UTF-8 almost never decodes CP949 Korean by accident, so we
try UTF-8 first, then CP949, and only then ask charset-normalizer. Binary files (a PDF or
an old .xls renamed to .csv) are refused before we guess, so they never become mojibake.
UTF-16 is read with a BOM (Excel's "유니코드 텍스트") and, recognised by its zero bytes,
without one (some exporters drop the BOM); a file that looks like UTF-16 but does not
decode is called UTF-16 in the message, not "not a text file".
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from assembly_desk.importers.unreadable import unreadable

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CHECK_CHARS = 65536
_MAX_CONTROL_SHARE = 0.01
_FEW = 8  # this many stray control characters (NULs too) make a damaged text, not binary
_UTF16_ZERO_SHARE = 0.2  # at least this share of one byte position is zero …
_UTF16_STRAY_SHARE = 0.1  # … and the other has at most a tenth as many zeros

_MAGIC = (
    (b"%PDF", "import.why.pdf"),
    (b"\xd0\xcf\x11\xe0", "import.why.old_excel"),  # OLE2: .xls, .hwp, .doc
)


def decode(data: bytes, path: Path) -> tuple[str, str]:
    """Return ``(text, encoding)``; raise ``import.unreadable`` for binary or empty input."""
    for magic, why in _MAGIC:
        if data.startswith(magic):
            raise unreadable(path, why)
    text, encoding = _decode_text(data, path)
    if not text.strip():
        raise unreadable(path, "import.why.empty")
    head = text[:_CHECK_CHARS]
    if len(_CONTROL.findall(head)) > max(_FEW, _MAX_CONTROL_SHARE * len(head)):
        raise unreadable(path, "import.why.binary")
    return text, encoding


def _decode_text(data: bytes, path: Path) -> tuple[str, str]:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "유니코드 텍스트" export: UTF-16 with a BOM, tab separated.
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise unreadable(path, "import.why.encoding") from exc
    head = data[:_CHECK_CHARS]
    if b"\x00" in head:
        utf16 = _utf16_without_bom(head)
        if utf16 is not None:
            try:
                return data.decode(utf16), utf16
            except UnicodeDecodeError as exc:
                raise unreadable(path, "import.why.utf16", encoding=utf16.upper()) from exc
        if head.count(0) > _FEW:
            raise unreadable(path, "import.why.binary")
        # A stray NUL or two in a text file: read it, and let the row checks name the cell.
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            pass
    else:
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("cp949"), "cp949"
    except UnicodeDecodeError:
        pass
    return _guess(data, path)


def _utf16_without_bom(head: bytes) -> str | None:
    """``"utf-16-le"`` or ``"utf-16-be"`` when the bytes look like UTF-16 saved without a BOM.

    In UTF-16 every ASCII character (digits of dates, commas, tabs, line ends: a good part
    of any roll) has a zero high byte, so zeros crowd one of the two byte positions and
    hardly appear in the other. Binary files have zeros scattered over both.
    """
    pairs = len(head) // 2
    if pairs < 4:
        return None
    odd = head[1 : 2 * pairs : 2].count(0)
    even = head[0 : 2 * pairs : 2].count(0)
    if odd >= _UTF16_ZERO_SHARE * pairs and even <= _UTF16_STRAY_SHARE * odd:
        return "utf-16-le"
    if even >= _UTF16_ZERO_SHARE * pairs and odd <= _UTF16_STRAY_SHARE * even:
        return "utf-16-be"
    return None


def _guess(data: bytes, path: Path) -> tuple[str, str]:
    """Last resort for anything that is neither UTF-8 nor CP949."""
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise unreadable(path, "import.why.encoding")
    return str(best), best.encoding
