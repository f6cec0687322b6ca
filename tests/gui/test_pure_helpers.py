"""The Qt-free helpers of the window: keystroke rhythm, camera sightings, tones, decoding."""

from __future__ import annotations

import wave
from collections.abc import Callable
from pathlib import Path

import pytest
import segno

from assembly_desk.domain import card_code
from assembly_desk.gui.desk.code_sightings import SightingFilter
from assembly_desk.gui.desk.qr_decoder import compact, decode_luminance
from assembly_desk.gui.preferences import MemoryStore, resolve_desk_name
from assembly_desk.gui.widgets.keystroke_rhythm import KeystrokeRhythm
from assembly_desk.gui.widgets.tones import SHAPES, ensure_tones

pytestmark = pytest.mark.gui


def feed(rhythm: KeystrokeRhythm, start: float, gap: float, chars: int, offset: int = 0) -> float:
    now = start
    for i in range(chars):
        rhythm.feed(now, 1, offset + i)
        now += gap
    return now - gap


def test_fast_burst_with_prompt_enter_is_a_scanner() -> None:
    rhythm = KeystrokeRhythm()
    last = feed(rhythm, 10.0, 0.004, 11)
    assert rhythm.is_scanner(last + 0.01)
    assert rhythm.burst_offset == 0


def test_typing_is_not_a_scanner_even_when_quick() -> None:
    rhythm = KeystrokeRhythm()
    last = feed(rhythm, 10.0, 0.07, 11)
    assert not rhythm.is_scanner(last + 0.01)
    assert not rhythm.in_burst(last + 0.001)


def test_short_fast_burst_is_not_enough() -> None:
    rhythm = KeystrokeRhythm()
    last = feed(rhythm, 10.0, 0.005, 3)
    assert not rhythm.is_scanner(last)


def test_enter_long_after_the_burst_is_a_person_pressing_enter() -> None:
    rhythm = KeystrokeRhythm()
    last = feed(rhythm, 10.0, 0.005, 11)
    assert not rhythm.is_scanner(last + 2.0)


def test_scan_after_half_typed_name_starts_a_new_burst() -> None:
    rhythm = KeystrokeRhythm()
    feed(rhythm, 10.0, 0.2, 2)  # a volunteer typed two letters
    last = feed(rhythm, 20.0, 0.003, 11, offset=2)
    assert rhythm.is_scanner(last)
    assert rhythm.burst_offset == 2


CODE = "12345678906"  # a valid card code (Damm check digit 6)


def complete_in(text: str) -> Callable[[int], bool]:
    return lambda offset: card_code.is_valid(text[offset:])


@pytest.mark.parametrize("split", [1, 4, 9])
def test_a_stall_inside_a_scan_is_bridged_when_the_code_is_whole(split: int) -> None:
    rhythm = KeystrokeRhythm()
    last = feed(rhythm, 10.0, 0.003, split)
    last = feed(rhythm, last + 0.6, 0.003, len(CODE) - split, offset=split)
    assert rhythm.burst_offset == split  # the stall did cut the burst
    assert rhythm.scan_start(last + 0.01, complete_in(CODE)) == 0


def test_a_stall_before_the_enter_still_counts_a_whole_code() -> None:
    rhythm = KeystrokeRhythm()
    last = feed(rhythm, 10.0, 0.003, len(CODE))
    assert rhythm.scan_start(last + 0.7, complete_in(CODE)) == 0
    assert rhythm.scan_start(last + 0.7, lambda _offset: False) is None  # not whole: typing


def test_an_unbroken_misread_is_still_a_scan_answered_as_a_wrong_code() -> None:
    rhythm = KeystrokeRhythm()
    last = feed(rhythm, 10.0, 0.003, 11)
    assert rhythm.scan_start(last + 0.01, lambda _offset: False) == 0


def test_a_scan_after_a_half_typed_name_starts_after_the_name() -> None:
    text = "김이" + CODE
    rhythm = KeystrokeRhythm()
    last = feed(rhythm, 10.0, 0.3, 2)
    last = feed(rhythm, last + 0.3, 0.003, len(CODE), offset=2)
    assert rhythm.scan_start(last + 0.01, complete_in(text)) == 2


def test_slow_typing_of_a_whole_code_is_never_taken_for_a_scan() -> None:
    rhythm = KeystrokeRhythm()
    last = feed(rhythm, 10.0, 0.15, len(CODE))
    assert rhythm.scan_start(last + 0.1, complete_in(CODE)) is None


def test_a_stall_longer_than_the_limit_is_not_bridged() -> None:
    rhythm = KeystrokeRhythm()
    last = feed(rhythm, 10.0, 0.003, 4)
    last = feed(rhythm, last + 5.0, 0.003, 7, offset=4)
    assert rhythm.scan_start(last + 0.01, complete_in(CODE)) == 4  # the fresh burst alone


def test_one_ime_commit_with_the_whole_code_counts_as_a_burst() -> None:
    rhythm = KeystrokeRhythm()
    rhythm.feed(5.0, 11, 0)
    assert rhythm.is_scanner(5.01)


def test_camera_sightings_one_scan_per_appearance() -> None:
    sightings = SightingFilter(absent_s=1.5)
    assert sightings.accept("12345678901", 0.0)
    assert not sightings.accept("12345678901", 0.1)
    assert not sightings.accept("12345678901", 1.4)  # still held up
    assert sightings.accept("98765432109", 1.5)  # another card
    assert sightings.accept("12345678901", 3.5)  # taken away, shown again


def test_tones_are_short_mono_wavs(tmp_path: Path) -> None:
    paths = ensure_tones(tmp_path)
    assert set(paths) == set(SHAPES) == {"green", "amber", "red"}
    for path in paths.values():
        with wave.open(str(path)) as wav:
            assert wav.getnchannels() == 1
            assert 0.1 < wav.getnframes() / wav.getframerate() < 0.6


def _qr_gray(text: str, scale: int = 5) -> tuple[bytes, int, int]:
    qr = segno.make(text, micro=False)
    matrix = [list(row) for row in qr.matrix_iter(scale=scale, border=4)]
    height, width = len(matrix), len(matrix[0])
    data = bytes(0 if dark else 255 for row in matrix for dark in row)
    return data, width, height


def test_decoder_reads_a_code_from_plain_bytes() -> None:
    data, width, height = _qr_gray("12345678901")
    assert decode_luminance(data, width, height) == ["12345678901"]


def test_decoder_ignores_non_digit_codes() -> None:
    data, width, height = _qr_gray("https://example.org/poster")
    assert decode_luminance(data, width, height) == []


def test_compact_drops_row_padding() -> None:
    padded = b"ab--cd--"
    assert compact(padded, 2, 2, 4) == b"abcd"
    assert compact(b"abcdXX", 2, 2, 2) == b"abcd"  # bytes past the image are not pixels


def test_a_camera_frame_with_padded_rows_still_reads() -> None:
    """Cameras hand over rows padded to a stride; unpadded, the code would be sheared."""
    data, width, height = _qr_gray("12345678901")
    pad = 13
    rows = [data[y * width : (y + 1) * width] + b"\x00" * pad for y in range(height)]
    padded = b"".join(rows)
    assert decode_luminance(padded, width, height, stride=width + pad) == ["12345678901"]
    assert decode_luminance(padded[: width * height], width, height) == []  # sheared


def test_desk_name_order(monkeypatch: pytest.MonkeyPatch) -> None:
    store = MemoryStore()
    monkeypatch.delenv("ASSEMBLY_DESK_DESK", raising=False)
    assert resolve_desk_name(None, store)  # the host name
    store.setValue("desk", "2번 데스크")
    assert resolve_desk_name(None, store) == "2번 데스크"
    monkeypatch.setenv("ASSEMBLY_DESK_DESK", "입구 A")
    assert resolve_desk_name(None, store) == "입구 A"
    assert resolve_desk_name("  데스크   3 ", store) == "데스크 3"
