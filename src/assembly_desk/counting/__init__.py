"""Counting: pure functions from ballots to a result with every round.

No I/O (except :mod:`.ballot_file`), no database, no Qt. Exact arithmetic with
``fractions.Fraction`` so a recount on any machine reproduces every figure, and the
JSON form (:func:`to_json_dict`) carries no floats. Methods, rules and the ballot
format are described in docs/counting.md.
"""

from .ballots import Ballot, ChoiceBallot, RankingBallot, ScoreBallot, YesNoBallot
from .budget import count_pb_greedy
from .irv import count_irv
from .mes import count_mes
from .methods import METHODS, CountOptions, OptionError, count
from .plurality import count_approval, count_choose, count_plurality
from .results import Result, Round, TieBreak, Transfer
from .score import count_score
from .serialize import fraction_from_json, fraction_to_json, to_json_dict
from .stv import count_stv, droop_quota
from .ties import TieBreaker, TieNeedsLotError, TieRule, lot_order, seed_commitment
from .yesno import count_yesno

__all__ = [
    "METHODS",
    "Ballot",
    "ChoiceBallot",
    "CountOptions",
    "OptionError",
    "RankingBallot",
    "Result",
    "Round",
    "ScoreBallot",
    "TieBreak",
    "TieBreaker",
    "TieNeedsLotError",
    "TieRule",
    "Transfer",
    "YesNoBallot",
    "count",
    "count_approval",
    "count_choose",
    "count_irv",
    "count_mes",
    "count_pb_greedy",
    "count_plurality",
    "count_score",
    "count_stv",
    "count_yesno",
    "droop_quota",
    "fraction_from_json",
    "fraction_to_json",
    "lot_order",
    "seed_commitment",
    "to_json_dict",
]
