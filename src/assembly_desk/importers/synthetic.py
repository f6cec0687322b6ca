"""Synthetic Korean rolls for the demo, the tests and the benchmarks; no real person in them.

Deterministic by seed, so a benchmark or a failing test can be reproduced exactly. The
file is what a 주민센터 would hand over once the 주민등록번호 column is gone: Korean
headers, one 동 for most people, 통/반, full phone numbers (the importer keeps only the last
four digits). Two people named 김민수 with different birth dates are always included,
because the desk must tell namesakes apart. Every row is valid and no person appears twice.
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

HEADERS = ("성명", "생년월일", "주소", "통", "반", "연락처", "구분", "보호자동의")

# Surnames with rough shares of the population (통계청 2015), in per mille.
_SURNAMES = (
    ("김", 215), ("이", 147), ("박", 84), ("최", 47), ("정", 43), ("강", 24), ("조", 21),
    ("윤", 21), ("장", 20), ("임", 17), ("한", 15), ("오", 15), ("서", 15), ("신", 14),
    ("권", 14), ("황", 14), ("안", 13), ("송", 13), ("전", 11), ("홍", 11), ("유", 11),
    ("고", 9), ("문", 9), ("양", 8), ("손", 8), ("배", 8), ("백", 7), ("허", 6), ("남", 5),
)  # fmt: skip
_GIVEN = (
    "민수", "영희", "철수", "영수", "순자", "정숙", "미경", "지영", "지훈", "현우", "서연", "민준",
    "하은", "지우", "수빈", "도윤", "예준", "은영", "상철", "성민", "동현", "혜진", "유진", "경희",
    "영숙", "옥순", "말순", "정호", "재현", "지민", "서윤", "시우", "하준", "주원", "수진", "미영",
    "은정", "현주", "성호", "광수", "종민", "미숙", "경자", "춘자", "정희", "상훈", "준호", "태호",
    "은주", "소연", "다은", "채원", "예린", "건우", "우진", "선영", "명숙", "순희", "영호", "기영",
    "병철", "정민", "윤서", "지안", "서진", "아름", "보람",
)  # fmt: skip
_FIRST_SYLLABLES = (
    "민", "서", "지", "현", "수", "영", "정", "은", "성", "준", "하", "도",
    "예", "경", "상", "동", "미", "태", "재", "혜", "유", "승", "주", "소",
)  # fmt: skip
_SECOND_SYLLABLES = (
    "수", "영", "희", "호", "민", "준", "우", "진", "연", "아", "은", "윤",
    "원", "현", "훈", "빈", "서", "숙", "자", "철", "석", "주", "린", "율",
)  # fmt: skip
_FOREIGN_NAMES = (
    "Nguyen Thi Lan", "Wang Fang", "Maria Santos", "Tran Van Minh", "Li Wei", "Ahmed Khan",
    "Olga Petrova", "Zhang Min", "Siti Rahma", "John Miller",
)  # fmt: skip
_DISTRICTS = (
    ("서울특별시 마포구", ("성산동", "망원동", "합정동", "연남동")),
    ("서울특별시 은평구", ("불광동", "응암동", "역촌동")),
    ("부산광역시 해운대구", ("우동", "중동", "좌동")),
    ("대구광역시 수성구", ("범어동", "만촌동")),
    ("경기도 수원시 팔달구", ("인계동", "매탄동")),
    ("전라북도 전주시 완산구", ("효자동", "삼천동")),
    ("강원특별자치도 춘천시", ("효자동", "석사동")),
    ("충청남도 공주시", ("신관동", "웅진동")),
)
# Most people on a 동 roll are registered residents; the rest work or study there.
_CATEGORIES = (("주민", 86), ("", 3), ("외국인", 4), ("직장인", 4), ("학생", 3))

_FIRST_BIRTH = date(1930, 1, 1)
_BIRTH_DAYS = (date(2015, 12, 31) - _FIRST_BIRTH).days


def generate_sample_csv(path: Path, n: int, seed: int, encoding: str = "utf-8") -> Path:
    """Write ``n`` synthetic residents to ``path`` as CSV in ``encoding``; return the path."""
    rng = random.Random(seed)
    home_city, home_dongs = rng.choice(_DISTRICTS)
    home = f"{home_city} {rng.choice(home_dongs)}"
    surnames = [s for s, _ in _SURNAMES]
    surname_weights = [w for _, w in _SURNAMES]
    labels = [c for c, _ in _CATEGORIES]
    label_weights = [w for _, w in _CATEGORIES]
    namesakes = {0, min(7, n - 1)} if n > 1 else set()
    seen: set[tuple[str, date, str]] = set()
    namesake_births: set[date] = set()
    with Path(path).open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        for index in range(n):
            category = rng.choices(labels, label_weights)[0]
            while True:
                if index in namesakes:
                    name = "김민수"
                elif category == "외국인" and rng.random() < 0.6:
                    name = rng.choice(_FOREIGN_NAMES)
                else:
                    name = rng.choices(surnames, surname_weights)[0] + _given_name(rng)
                birth = _FIRST_BIRTH + timedelta(days=rng.randrange(_BIRTH_DAYS + 1))
                address = _address(rng, home, category)
                if (name, birth, address) in seen or (
                    index in namesakes and birth in namesake_births
                ):
                    continue
                seen.add((name, birth, address))
                if index in namesakes:
                    namesake_births.add(birth)
                break
            lives_here = address.startswith(home)
            writer.writerow(
                (
                    name,
                    birth.isoformat(),
                    address,
                    str(rng.randint(1, 30)) if lives_here else "",
                    str(rng.randint(1, 12)) if lives_here else "",
                    _phone(rng),
                    category,
                    rng.choice(("Y", "N")) if birth.year >= 2012 else "",
                )
            )
    return Path(path)


def _given_name(rng: random.Random) -> str:
    if rng.random() < 0.6:
        return rng.choice(_GIVEN)
    return rng.choice(_FIRST_SYLLABLES) + rng.choice(_SECOND_SYLLABLES)


def _address(rng: random.Random, home: str, category: str) -> str:
    """Residents live in the assembly's 동; workers and students often live elsewhere."""
    if category in ("직장인", "학생") and rng.random() < 0.7:
        city, dongs = rng.choice(_DISTRICTS)
        place = f"{city} {rng.choice(dongs)}"
    else:
        place = home
    lot = rng.randint(1, 999)
    if rng.random() < 0.6:
        return f"{place} {lot}-{rng.randint(1, 30)}"
    return f"{place} {lot}"


def _phone(rng: random.Random) -> str:
    if rng.random() < 0.08:
        return ""
    return f"010-{rng.randint(0, 9999):04d}-{rng.randint(0, 9999):04d}"
