"""Fixtures and PDF probes for the documents tests.

The probes use poppler's command-line tools (pdffonts, pdftotext, pdftoppm) and
zxing-cpp + Pillow; each test that needs one skips with a reason when it is missing,
so the suite still runs on a machine without poppler.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

from assembly_desk.documents import CardAssembly, CardInfo, reset_font_cache
from assembly_desk.documents import fonts as fonts_module
from assembly_desk.domain import card_code

NAMES = ["홍길동", "김민준", "이 솔", "남궁민수", "응우옌 티 투 흐엉", "박서연", "최지우", "정하준"]


@pytest.fixture
def assembly() -> CardAssembly:
    return CardAssembly(
        title="2026년 성산1동 주민총회",
        held_on=date(2026, 11, 28),
        venue="성산1동 주민센터 3층 대강당",
        district="서울특별시 마포구 성산1동",
    )


@pytest.fixture
def make_cards() -> Callable[[int], list[CardInfo]]:
    def make(count: int) -> list[CardInfo]:
        return [
            CardInfo(NAMES[i % len(NAMES)], card_code.new_code(), f"{i % 9 + 1}통 {i % 4 + 1}반")
            for i in range(count)
        ]

    return make


@pytest.fixture
def fresh_fonts() -> Iterator[None]:
    """Forget the cached font search before and after a test that changes the search."""
    reset_font_cache()
    yield
    reset_font_cache()


@pytest.fixture
def no_truetype(monkeypatch: pytest.MonkeyPatch, fresh_fonts: None) -> None:
    """A machine with no Korean TrueType font anywhere."""
    monkeypatch.delenv(fonts_module.ENV_VAR, raising=False)
    monkeypatch.setattr(fonts_module, "bundled_dir", lambda: None)
    monkeypatch.setattr(fonts_module, "system_candidates", lambda: iter(()))


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} (poppler-utils) not installed")
    return path


def pdf_fonts(pdf: Path) -> list[dict[str, str]]:
    """pdffonts' table as dicts: name, type, emb."""
    out = subprocess.run(
        [need("pdffonts"), str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    rows = []
    for line in out.splitlines()[2:]:
        parts = line.split()
        # name type... encoding emb sub uni object ID: read from the right
        rows.append({"name": parts[0], "emb": parts[-5], "type": " ".join(parts[1:-6])})
    return rows


def pdf_text(pdf: Path, page: int = 1) -> str:
    return subprocess.run(
        [need("pdftotext"), "-f", str(page), "-l", str(page), "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def pdf_pages(pdf: Path) -> int:
    out = subprocess.run(
        [need("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    return int(next(line.split()[1] for line in out.splitlines() if line.startswith("Pages:")))


def decode_qr_codes(pdf: Path, tmp_path: Path, page: int = 1, dpi: int = 150) -> list[str]:
    """Render a page like a printer would and read every QR code on it."""
    zxingcpp = pytest.importorskip("zxingcpp")
    image_module = pytest.importorskip("PIL.Image")
    prefix = tmp_path / f"page{page}"
    subprocess.run(
        [
            need("pdftoppm"),
            "-png",
            "-r",
            str(dpi),
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(pdf),
            str(prefix),
        ],
        check=True,
    )
    with image_module.open(prefix.with_suffix(".png")) as image:
        results = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    return [r.text for r in results]
