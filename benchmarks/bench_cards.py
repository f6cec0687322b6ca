"""Time the cards PDF for 1,000 people (target: under 5 s on a desk laptop).

Run: ``python benchmarks/bench_cards.py [COUNT] [--profile]``. The QR encoder (segno's
mask selection) is the hot path; ``--profile`` prints where the time goes.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import random
import sys
import time
from datetime import date

from assembly_desk.documents import CardAssembly, CardInfo, korean_fonts, render_cards
from assembly_desk.domain import card_code

TARGET_SECONDS = 5.0
SURNAMES = "김이박최정강조윤장임한오서신권황안송류홍"
GIVEN = ["민준", "서연", "도윤", "지우", "하준", "서윤", "지호", "하은", "예준", "수아", "솔"]


def sample_cards(count: int, seed: int = 7) -> list[CardInfo]:
    rng = random.Random(seed)
    return [
        CardInfo(
            rng.choice(SURNAMES) + rng.choice(GIVEN),
            card_code.new_code(),
            f"{rng.randint(1, 30)}통 {rng.randint(1, 12)}반",
        )
        for _ in range(count)
    ]


ASSEMBLY = CardAssembly(
    title="2026년 행복동 주민총회",
    held_on=date(2026, 11, 28),
    venue="행복동 주민센터 3층 대강당",
    district="서울특별시 마포구 행복동",
)


def main(argv: list[str]) -> int:
    count = int(next((a for a in argv if a.isdigit()), "1000"))
    cards = sample_cards(count)
    korean_fonts()  # font discovery is once per process; time the rendering itself
    buffer = io.BytesIO()
    profiler = cProfile.Profile() if "--profile" in argv else None
    start = time.perf_counter()
    if profiler:
        profiler.enable()
    report = render_cards(buffer, cards, ASSEMBLY, lang="ko")
    if profiler:
        profiler.disable()
    elapsed = time.perf_counter() - start
    verdict = "OK" if elapsed < TARGET_SECONDS else "SLOW"
    print(
        f"{count} cards, {report.pages} pages, {len(buffer.getvalue()) / 1e6:.1f} MB: "
        f"{elapsed:.2f} s ({verdict}, target < {TARGET_SECONDS:.0f} s)"
    )
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(20)
    return 0 if elapsed < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
