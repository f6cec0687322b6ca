"""The body of each ballot type: its instruction, its note and the tables to mark.

One function per :class:`BallotType`; :func:`body_for` picks it. The column sets differ
(ranked papers carry no option numbers, which a voter could mistake for ranks; budget
papers carry costs and the cap), the rows and marking boxes are the same blocks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.pdfgen.canvas import Canvas

from assembly_desk.documents.fonts import FontChoice
from assembly_desk.documents.layout import Fitted, mm
from assembly_desk.documents.paper_ballots.blocks import (
    Block,
    Section,
    fill_head,
    grid,
    head_block,
    mark_box,
    option_row,
    simple_head,
)
from assembly_desk.documents.paper_ballots.sizes import (
    CELL_PAD,
    CONTENT_W,
    COST_W,
    MARK,
    MARK_COL_W,
    NUM_W,
    SCORE_COL_MAX,
    SCORE_COL_MIN,
    SCORE_NAME_MIN,
)
from assembly_desk.documents.paper_ballots.text import draw_centred, flow, visual_height, won
from assembly_desk.domain.contests import BallotType, ContestDefinition
from assembly_desk.i18n import t


@dataclass(frozen=True, slots=True)
class Body:
    instruction: str
    note: str
    sections: tuple[Section, ...]


def _yes_no_body(fonts: FontChoice, lang: str, abstain: bool) -> Body:
    keys = ["yes", "no", "abstain"] if abstain else ["yes", "no"]
    width = CONTENT_W / len(keys)
    widths = [width] * len(keys)
    labels = [
        flow(
            t(f"doc.ballot.{k}", lang),
            fonts.bold_name,
            width - 4 * mm,
            max_size=20,
            min_size=12,
            max_lines=2,
        )
        for k in keys
    ]
    head_h = max(13 * mm, max(visual_height(f) for f in labels) + 6 * mm)
    head = head_block(labels, widths, head_h)
    box = 26 * mm
    row_h = box + 10 * mm

    def draw(canvas: Canvas, left: float, top: float) -> None:
        for i in range(len(keys)):
            mark_box(canvas, left + (i + 0.5) * width, top - row_h / 2, box, box)
        grid(canvas, left, top, widths, row_h)

    instruction = (
        "doc.ballot.instruction.yes_no_abstain" if abstain else "doc.ballot.instruction.yes_no"
    )
    return Body(
        t(instruction, lang),
        t("doc.ballot.note.one_mark", lang),
        (Section((Block(row_h, draw),), head),),
    )


def _option_section(
    contest: ContestDefinition, fonts: FontChoice, lang: str, *, numbered: bool, mark_key: str
) -> Section:
    """The choose_n / ranked / budget table: one row per option, in the contest's order."""
    budget = contest.ballot_type is BallotType.BUDGET
    widths: list[float] = []
    heads: list[str] = []
    if numbered:
        widths.append(NUM_W)
        heads.append(t("doc.ballot.col.number", lang))
    name_w = CONTENT_W - MARK_COL_W - (NUM_W if numbered else 0) - (COST_W if budget else 0)
    widths.append(name_w)
    heads.append(t("doc.ballot.col.project" if budget else "doc.ballot.col.option", lang))
    if budget:
        widths.append(COST_W)
        heads.append(t("doc.ballot.col.cost", lang))
    widths.append(MARK_COL_W)
    heads.append(t(mark_key, lang))

    rows: list[Block] = []
    for index, option in enumerate(contest.options, start=1):
        number = (
            flow(str(index), fonts.bold_name, NUM_W - 2 * mm, max_size=14, min_size=9, max_lines=1)
            if numbered
            else None
        )
        name = flow(
            option.name,
            fonts.bold_name,
            name_w - 2 * CELL_PAD,
            max_size=13,
            min_size=12,
            max_lines=3,
        )
        cost = (
            flow(
                won(option.cost, lang),
                fonts.regular_name,
                COST_W - 2 * CELL_PAD,
                max_size=11.5,
                min_size=8,
                max_lines=1,
            )
            if budget
            else None
        )
        rows.append(option_row(widths, number, name, cost, MARK))
    if budget:
        rows.append(_cap_row(contest.budget_cap, widths, fonts, lang))
    return Section(tuple(rows), simple_head(heads, widths, fonts))


def _cap_row(cap: int, widths: Sequence[float], fonts: FontChoice, lang: str) -> Block:
    """The last budget row: the cap, right under the cost column it limits."""
    label_w = sum(widths[:-2])
    label = flow(
        t("doc.ballot.cap", lang),
        fonts.bold_name,
        label_w - 2 * CELL_PAD,
        max_size=11,
        min_size=8,
        max_lines=2,
    )
    amount = flow(
        won(cap, lang),
        fonts.bold_name,
        widths[-2] - 2 * CELL_PAD,
        max_size=11.5,
        min_size=7,
        max_lines=2,
    )
    height = max(9 * mm, visual_height(amount) + 5 * mm, visual_height(label) + 5 * mm)
    cells = [label_w, widths[-2], widths[-1]]

    def draw(canvas: Canvas, left: float, top: float) -> None:
        fill_head(canvas, left, top, sum(cells), height)
        canvas.setFillGray(0)
        mid = top - height / 2
        draw_centred(canvas, label, left, label_w, mid, align="right")
        draw_centred(canvas, amount, left + label_w, widths[-2], mid, align="right")
        grid(canvas, left, top, cells, height)

    return Block(height, draw)


def _choose_n_body(contest: ContestDefinition, fonts: FontChoice, lang: str) -> Body:
    n = contest.max_choices
    if n == 1:
        instruction = t("doc.ballot.instruction.choose_one", lang)
        note = t("doc.ballot.note.one_mark", lang)
    else:
        instruction = t("doc.ballot.instruction.choose_n", lang, n=n)
        note = t("doc.ballot.note.choose_n", lang, n=n)
    section = _option_section(contest, fonts, lang, numbered=True, mark_key="doc.ballot.col.mark")
    return Body(instruction, note, (section,))


def _ranked_body(contest: ContestDefinition, fonts: FontChoice, lang: str) -> Body:
    n = contest.max_choices
    if n == 1:
        instruction = t("doc.ballot.instruction.ranked_one", lang)
    elif 0 < n < len(contest.options):
        instruction = t("doc.ballot.instruction.ranked_limit", lang, n=n)
    else:
        instruction = t("doc.ballot.instruction.ranked", lang)
    section = _option_section(contest, fonts, lang, numbered=False, mark_key="doc.ballot.col.rank")
    return Body(instruction, t("doc.ballot.note.ranked", lang), (section,))


def _budget_body(contest: ContestDefinition, fonts: FontChoice, lang: str) -> Body:
    section = _option_section(contest, fonts, lang, numbered=True, mark_key="doc.ballot.col.mark")
    return Body(
        t("doc.ballot.instruction.budget", lang, cap=won(contest.budget_cap, lang)),
        t("doc.ballot.note.budget", lang),
        (section,),
    )


def _score_body(contest: ContestDefinition, fonts: FontChoice, lang: str) -> Body:
    """Candidates down, criteria across; criteria that do not fit go to a further table."""
    columns = [(c.name, c.max_score) for c in contest.criteria] or [
        (t("doc.ballot.col.score", lang), contest.max_score)
    ]
    per_table = max(1, int((CONTENT_W - SCORE_NAME_MIN) // SCORE_COL_MIN))
    groups = [columns[i : i + per_table] for i in range(0, len(columns), per_table)]
    sections: list[Section] = []
    for group in groups:
        col_w = min(SCORE_COL_MAX, (CONTENT_W - SCORE_NAME_MIN) / len(group))
        name_w = CONTENT_W - col_w * len(group)
        widths = [name_w] + [col_w] * len(group)
        box_w = min(col_w - 5 * mm, 22 * mm)
        labels = [
            flow(
                t("doc.ballot.col.candidate", lang),
                fonts.bold_name,
                name_w - 2 * mm,
                max_size=10,
                min_size=8,
                max_lines=2,
            )
        ]
        for criterion, maximum in group:
            labels.append(
                flow(
                    f"{criterion} ({t('doc.ballot.max_score', lang, max=maximum)})",
                    fonts.bold_name,
                    col_w - 2 * mm,
                    max_size=9.5,
                    min_size=7.5,
                    max_lines=3,
                )
            )
        head_h = max(10 * mm, max(visual_height(f) for f in labels) + 5 * mm)
        head = head_block(labels, widths, head_h)
        rows = []
        for option in contest.options:
            name = flow(
                option.name,
                fonts.bold_name,
                name_w - 2 * CELL_PAD,
                max_size=12.5,
                min_size=11,
                max_lines=3,
            )
            rows.append(_score_row(widths, name, box_w))
        sections.append(Section(tuple(rows), head, space_before=6 * mm))
    return Body(
        t("doc.ballot.instruction.score", lang), t("doc.ballot.note.score", lang), tuple(sections)
    )


def _score_row(widths: Sequence[float], name: Fitted, box_w: float) -> Block:
    height = max(MARK + 3 * mm, visual_height(name) + 8 * mm)

    def draw(canvas: Canvas, left: float, top: float) -> None:
        mid = top - height / 2
        canvas.setFillGray(0)
        draw_centred(canvas, name, left, widths[0], mid, align="left")
        x = left + widths[0]
        for w in widths[1:]:
            mark_box(canvas, x + w / 2, mid, box_w, MARK)
            x += w
        grid(canvas, left, top, widths, height)

    return Block(height, draw)


def body_for(contest: ContestDefinition, fonts: FontChoice, lang: str, abstain: bool) -> Body:
    match contest.ballot_type:
        case BallotType.YES_NO:
            return _yes_no_body(fonts, lang, abstain)
        case BallotType.CHOOSE_N:
            return _choose_n_body(contest, fonts, lang)
        case BallotType.RANKED:
            return _ranked_body(contest, fonts, lang)
        case BallotType.SCORE:
            return _score_body(contest, fonts, lang)
        case BallotType.BUDGET:
            return _budget_body(contest, fonts, lang)
    raise AssertionError(contest.ballot_type)
