"""Paper ballots: every type renders, text is there, fonts embed, and no paper is unique.

The secrecy tests matter most: a paper must carry nothing that tells it from another
(DESIGN.md, "Ballot secrecy"), so besides looking for images, barcodes and serial-like
digit runs they check that every copy renders to the same pixels.
"""

from __future__ import annotations

import io
import re
import subprocess
from datetime import date
from pathlib import Path

import pytest

from assembly_desk.documents.layout import mm
from assembly_desk.documents.paper_ballots import (
    MARK,
    BallotHeader,
    render_ballot_papers,
)
from assembly_desk.domain.contests import BallotType, ContestDefinition, Criterion, Option
from assembly_desk.domain.errors import InvalidInput
from assembly_desk.i18n import t

from .conftest import need, pdf_fonts, pdf_pages, pdf_text

HEADER = BallotHeader(
    assembly_title="2026년 성산1동 주민총회",
    held_on=date(2026, 11, 28),
    district="서울특별시 마포구 성산1동",
    contest_number=3,
)

CONTESTS = {
    "yes_no": ContestDefinition("마을 공동체 텃밭 조성안 승인", BallotType.YES_NO),
    "choose_n": ContestDefinition(
        "주민자치회 위원 선출",
        BallotType.CHOOSE_N,
        tuple(Option(n) for n in ("김민준", "이서연", "박지호", "정하준", "응우옌 티 투 흐엉")),
        max_choices=3,
    ),
    "ranked": ContestDefinition(
        "2027년 마을 의제 우선순위",
        BallotType.RANKED,
        tuple(Option(n) for n in ("보행로 정비", "경로당 냉난방기 교체", "마을 축제")),
        max_choices=0,
    ),
    "score": ContestDefinition(
        "성산1동장 공모 심사",
        BallotType.SCORE,
        (Option("후보 가"), Option("후보 나"), Option("후보 다")),
        criteria=(
            Criterion("비전과 정책", 30),
            Criterion("주민 소통", 40),
            Criterion("전문성", 30),
        ),
    ),
    "budget": ContestDefinition(
        "2027년 주민참여예산 사업 선정",
        BallotType.BUDGET,
        (
            Option("놀이터 그늘막 설치", 12_000_000),
            Option("작은 도서관 도서 구입", 8_500_000),
            Option("골목길 보안등 교체", 23_400_000),
        ),
        budget_cap=30_000_000,
    ),
}

INSTRUCTIONS = {
    "yes_no": t("doc.ballot.instruction.yes_no_abstain", "ko"),
    "choose_n": "최대 3개까지 표시하세요",
    "ranked": "원하는 순서대로 1, 2, 3… 숫자를 쓰세요",
    "score": t("doc.ballot.instruction.score", "ko"),
    "budget": "총액이 30,000,000원을 넘지 않게 표시하세요",
}


def many_options(count: int = 30) -> ContestDefinition:
    return ContestDefinition(
        "주민자치회 위원 선출",
        BallotType.CHOOSE_N,
        tuple(Option(f"후보{i:02d} 마을 단체 대표") for i in range(1, count + 1)),
        max_choices=7,
    )


def all_text(pdf: Path) -> str:
    return "\n".join(pdf_text(pdf, page) for page in range(1, pdf_pages(pdf) + 1))


def flat(text: str) -> str:
    """pdftotext -layout pads columns with runs of spaces; compare on single spaces."""
    return " ".join(text.split())


def render_png(pdf: Path, tmp_path: Path, page: int, dpi: int = 50) -> Path:
    prefix = tmp_path / f"p{page}"
    subprocess.run(
        [
            need("pdftoppm"),
            *("-png", "-r", str(dpi), "-f", str(page), "-l", str(page)),
            *("-singlefile", str(pdf), str(prefix)),
        ],
        check=True,
    )
    return prefix.with_suffix(".png")


def render_even(pdf: Path, tmp_path: Path, page: int) -> Path:
    """A page scaled to an even pixel height, so its two halves start on a pixel row."""
    prefix = tmp_path / f"even{page}"
    subprocess.run(
        [
            need("pdftoppm"),
            *("-png", "-scale-to-x", "420", "-scale-to-y", "594"),
            *("-f", str(page), "-l", str(page), "-singlefile", str(pdf), str(prefix)),
        ],
        check=True,
    )
    return prefix.with_suffix(".png")


@pytest.mark.parametrize("kind", list(CONTESTS))
def test_each_ballot_type_renders_with_its_text(tmp_path: Path, kind: str) -> None:
    contest = CONTESTS[kind]
    pdf = tmp_path / f"{kind}.pdf"
    report = render_ballot_papers(pdf, contest, HEADER, lang="ko")
    assert pdf.read_bytes().startswith(b"%PDF")
    assert (report.copies, report.pages) == (1, 1)
    assert pdf_pages(pdf) == 1
    text = flat(pdf_text(pdf))
    for expected in (
        "투표용지",
        "(관인)",
        "2026년 성산1동 주민총회",
        "2026년 11월 28일 (토)",
        f"제3호 안건: {contest.title}",
        INSTRUCTIONS[kind],
        *contest.names,
    ):
        assert expected in text, expected


def test_yes_no_boxes_and_the_abstain_option(tmp_path: Path) -> None:
    pdf = tmp_path / "yn.pdf"
    render_ballot_papers(pdf, CONTESTS["yes_no"], HEADER, lang="ko")
    text = flat(pdf_text(pdf))
    assert all(word in text for word in ("찬성", "반대", "기권"))
    render_ballot_papers(pdf, CONTESTS["yes_no"], HEADER, lang="ko", abstain=False)
    text = flat(pdf_text(pdf))
    assert "찬성 또는 반대 중 하나에 ○표 하세요" in text
    assert "기권" not in text


def test_score_sheet_shows_every_criterion_with_its_maximum(tmp_path: Path) -> None:
    pdf = tmp_path / "score.pdf"
    render_ballot_papers(pdf, CONTESTS["score"], HEADER, lang="ko")
    text = flat(pdf_text(pdf))
    for criterion in CONTESTS["score"].criteria:
        assert criterion.name in text
        assert f"배점 {criterion.max_score}점" in text


def test_score_sheet_with_many_criteria_continues_in_a_second_table(tmp_path: Path) -> None:
    contest = ContestDefinition(
        "동장 공모",
        BallotType.SCORE,
        (Option("후보 가"), Option("후보 나")),
        criteria=tuple(Criterion(f"항목{i}", 10) for i in range(1, 13)),
    )
    pdf = tmp_path / "wide.pdf"
    render_ballot_papers(pdf, contest, HEADER, lang="ko")
    text = all_text(pdf)
    assert all(f"항목{i}" in text for i in range(1, 13))
    assert text.count("후보 가") == 2  # once per table


def test_budget_shows_costs_in_won_and_the_cap(tmp_path: Path) -> None:
    pdf = tmp_path / "budget.pdf"
    render_ballot_papers(pdf, CONTESTS["budget"], HEADER, lang="ko")
    text = flat(pdf_text(pdf))
    for cost in ("12,000,000원", "8,500,000원", "23,400,000원"):
        assert cost in text
    assert "예산 한도 30,000,000원" in text


def test_ranked_papers_carry_no_option_numbers(tmp_path: Path) -> None:
    """Voters write numbers there: a printed 기호 next to the box would read as a rank."""
    pdf = tmp_path / "ranked.pdf"
    render_ballot_papers(pdf, CONTESTS["ranked"], HEADER, lang="ko")
    text = flat(pdf_text(pdf))
    assert "기호" not in text and "순위" in text


def test_the_korean_font_is_embedded(tmp_path: Path) -> None:
    pdf = tmp_path / "ballot.pdf"
    report = render_ballot_papers(pdf, CONTESTS["budget"], HEADER)
    if not report.font.embedded:
        pytest.skip("no Korean TrueType font on this machine")
    assert report.warnings == ()
    rows = pdf_fonts(pdf)
    assert rows, "no fonts listed"
    assert all(row["emb"] == "yes" for row in rows), rows
    assert all(row["type"].startswith("TrueType") for row in rows)


@pytest.mark.parametrize("kind", list(CONTESTS))
def test_no_image_qr_or_barcode(tmp_path: Path, kind: str) -> None:
    pdf = tmp_path / "ballot.pdf"
    render_ballot_papers(pdf, CONTESTS[kind], HEADER, copies=2)
    data = pdf.read_bytes()
    # Object dictionaries are not compressed by reportlab; copies are /Form XObjects.
    assert re.search(rb"/Subtype\s*/Image", data) is None
    assert re.search(rb"/Subtype\s*/Form", data) is not None
    listing = subprocess.run(
        [need("pdfimages"), "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    assert len(listing.strip().splitlines()) == 2, listing  # the table heading only
    zxingcpp = pytest.importorskip("zxingcpp")
    image_module = pytest.importorskip("PIL.Image")
    with image_module.open(render_png(pdf, tmp_path, 1, dpi=150)) as image:
        assert zxingcpp.read_barcodes(image) == []  # every format zxing knows


def test_the_only_long_digit_runs_are_costs_and_dates(tmp_path: Path) -> None:
    contest = CONTESTS["budget"]
    pdf = tmp_path / "ballot.pdf"
    render_ballot_papers(pdf, contest, HEADER, copies=2, lang="ko")
    printed = f"{contest.title} {HEADER.assembly_title} {HEADER.district}"
    allowed = {
        "2026",  # the date
        str(contest.budget_cap),
        *(str(o.cost) for o in contest.options),
        *re.findall(r"\d+", printed),  # digits the organisers typed into titles
    }
    runs = {run.replace(",", "") for run in re.findall(r"\d[\d,]*\d|\d", all_text(pdf))}
    assert {run for run in runs if len(run) >= 4} <= allowed, runs
    assert all(len(run) <= 2 for run in runs - allowed), runs  # option numbers, day, month


def test_copies_are_identical_pixel_for_pixel(tmp_path: Path) -> None:
    pytest.importorskip("PIL.Image")
    from PIL import Image, ImageChops

    # Two-up: the upper and lower ballot of a sheet, and two sheets.
    pdf = tmp_path / "two_up.pdf"
    report = render_ballot_papers(pdf, CONTESTS["yes_no"], HEADER, copies=4)
    assert (report.per_sheet, report.pages) == (2, 2)
    with Image.open(render_even(pdf, tmp_path, 1)) as first:
        width, height = first.size
        half = height // 2  # the cut line lies on this row: leave it out
        upper = first.crop((0, 4, width, half - 4))
        lower = first.crop((0, half + 4, width, height - 4))
        assert ImageChops.difference(upper, lower).getbbox() is None
        with Image.open(render_even(pdf, tmp_path, 2)) as second:
            assert ImageChops.difference(first, second).getbbox() is None

    # One ballot over several sheets: sheet k of every copy is the same.
    pdf = tmp_path / "long.pdf"
    report = render_ballot_papers(pdf, many_options(), HEADER, copies=2)
    n = report.sheets_per_ballot
    for page in range(1, n + 1):
        with (
            Image.open(render_png(pdf, tmp_path, page)) as a,
            Image.open(render_png(pdf, tmp_path, page + n)) as b,
        ):
            assert ImageChops.difference(a, b).getbbox() is None, page


def test_the_same_input_gives_the_same_bytes() -> None:
    """No creation time or random id in the file: it cannot date or single out a print run."""
    first, second = io.BytesIO(), io.BytesIO()
    render_ballot_papers(first, CONTESTS["score"], HEADER, copies=3)
    render_ballot_papers(second, CONTESTS["score"], HEADER, copies=3)
    assert first.getvalue() == second.getvalue()


@pytest.mark.parametrize(
    ("kind", "copies", "per_sheet", "pages"),
    [
        ("yes_no", 1, 2, 1),
        ("yes_no", 3, 2, 2),
        ("yes_no", 4, 2, 2),
        ("ranked", 3, 2, 2),
        ("score", 5, 2, 3),
    ],
)
def test_short_contests_print_two_per_sheet(
    tmp_path: Path, kind: str, copies: int, per_sheet: int, pages: int
) -> None:
    pdf = tmp_path / "ballot.pdf"
    report = render_ballot_papers(pdf, CONTESTS[kind], HEADER, copies=copies, lang="ko")
    assert (report.per_sheet, report.sheets_per_ballot, report.pages) == (per_sheet, 1, pages)
    assert pdf_pages(pdf) == pages
    # An odd copy count leaves the lower half blank: exactly ``copies`` ballots exist.
    assert all_text(pdf).count("투표용지") == copies


def test_a_longer_contest_prints_one_per_sheet(tmp_path: Path) -> None:
    contest = many_options(8)
    pdf = tmp_path / "ballot.pdf"
    report = render_ballot_papers(pdf, contest, HEADER, copies=3, lang="ko")
    assert (report.per_sheet, report.sheets_per_ballot, report.pages) == (1, 1, 3)
    assert pdf_pages(pdf) == 3


def test_thirty_options_flow_over_pages_with_the_header_repeated(tmp_path: Path) -> None:
    contest = many_options(30)
    pdf = tmp_path / "ballot.pdf"
    report = render_ballot_papers(pdf, contest, HEADER, copies=3, lang="ko")
    n = report.sheets_per_ballot
    assert n >= 2
    assert report.pages == pdf_pages(pdf) == 3 * n
    seen: list[str] = []
    for page in range(1, n + 1):
        text = flat(pdf_text(pdf, page))
        assert "투표용지" in text and "(관인)" in text
        assert f"제3호 안건: {contest.title}" in text
        assert "최대 7개까지 표시하세요" in text
        assert "기표란" in text  # the table heading repeats too
        assert f"{page}/{n}쪽" in text
        assert ("다음 쪽에 계속됩니다" in text) == (page < n)
        seen += re.findall(r"후보\d\d", text)
    assert seen == [f"후보{i:02d}" for i in range(1, 31)]  # each once, in order


def test_long_names_wrap_instead_of_being_cut(tmp_path: Path) -> None:
    long_name = " ".join(["성산1동 어린이 보호구역 보행로 정비 및 야간 조명 설치 사업"] * 4)
    contest = ContestDefinition(
        "긴 이름 " * 20,
        BallotType.BUDGET,
        (Option(long_name, 5_000_000), Option("짧은 사업", 1_000_000)),
        budget_cap=5_000_000,
    )
    pdf = tmp_path / "ballot.pdf"
    render_ballot_papers(pdf, contest, HEADER, lang="ko")
    text = all_text(pdf)
    assert "…" not in text.replace("1, 2, 3…", "")
    assert flat(text).count("야간 조명 설치") == 4
    assert flat(text).count("긴 이름") == 20


def test_english_papers(tmp_path: Path) -> None:
    pdf = tmp_path / "ballot.pdf"
    render_ballot_papers(pdf, CONTESTS["choose_n"], HEADER, lang="en")
    text = flat(pdf_text(pdf))
    for expected in (
        "Ballot paper",
        "(Official",  # the seal label wraps between words, never inside one
        "Item 3: 주민자치회 위원 선출",
        "Mark up to 3 options",
        "Sat, 28 November 2026",
    ):
        assert expected in text, expected
    render_ballot_papers(pdf, CONTESTS["budget"], HEADER, lang="en")
    text = flat(pdf_text(pdf))
    assert "12,000,000 won" in text and "does not exceed 30,000,000 won" in text


def test_writes_to_a_stream() -> None:
    buffer = io.BytesIO()
    report = render_ballot_papers(buffer, CONTESTS["ranked"], HEADER, copies=2)
    assert buffer.getvalue().startswith(b"%PDF") and report.pages == 1


def test_refuses_bad_input_without_leaving_a_file(tmp_path: Path) -> None:
    pdf = tmp_path / "ballot.pdf"
    with pytest.raises(InvalidInput) as caught:
        render_ballot_papers(pdf, CONTESTS["yes_no"], HEADER, copies=0)
    assert caught.value.key == "doc.ballot.bad_copies"
    broken = ContestDefinition("찬반", BallotType.YES_NO, (Option("A"),))
    with pytest.raises(InvalidInput):
        render_ballot_papers(pdf, broken, HEADER)
    assert list(tmp_path.iterdir()) == []


def test_marking_boxes_are_at_least_12_mm() -> None:
    assert 12 * mm <= MARK


@pytest.mark.usefixtures("no_truetype")
def test_without_a_korean_truetype_font_the_paper_still_prints_and_says_so(
    tmp_path: Path,
) -> None:
    pdf = tmp_path / "ballot.pdf"
    report = render_ballot_papers(pdf, CONTESTS["choose_n"], HEADER, lang="ko")
    assert not report.font.embedded
    assert report.warnings and t("doc.font.fallback", "ko") in report.warnings[0]
    assert pdf.read_bytes().startswith(b"%PDF")


MOTION_TEXT = (
    "마을 공동체 텃밭을 주민센터 옥상에 조성하고, 운영은 주민자치회가 맡는다.\n"
    "조성 비용은 2027년 주민참여예산에서 집행한다."
)


def test_a_motion_prints_its_text_under_the_title(tmp_path: Path) -> None:
    contest = ContestDefinition(
        "마을 공동체 텃밭 조성안 승인", BallotType.YES_NO, description=MOTION_TEXT
    )
    pdf = tmp_path / "motion.pdf"
    render_ballot_papers(pdf, contest, HEADER, lang="ko")
    text = flat(pdf_text(pdf))
    assert "옥상에 조성하고, 운영은 주민자치회가 맡는다." in text
    assert "2027년 주민참여예산에서 집행한다." in text
    assert text.index("제3호 안건") < text.index("옥상에") < text.index("찬성")
    # Without a text the paper is what it was.
    render_ballot_papers(pdf, CONTESTS["yes_no"], HEADER, lang="ko")
    assert "옥상에" not in flat(pdf_text(pdf))
