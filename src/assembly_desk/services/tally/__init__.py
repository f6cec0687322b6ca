"""Counting a closed contest from the database, its public lot, and the signed export.

The order on the day, and why:

1. **Rule** (:func:`configure_count`): method, seats, threshold, tie priority. Fixed
   before the poll closes, so nobody chooses a rule knowing the ballots.
2. **Seed commitment** (:func:`commit_seed`): the hash of a seed from a public act
   (dice, an agreed phrase) is shown to the room and logged before counting. Nobody can
   pick a seed that favours someone after seeing the ballots.
3. **Count** (:func:`count_contest`): only a closed poll; the seed is checked against
   its commitment and revealed (stored, logged); the result JSON and its hash are stored
   and logged, with totals only, never a ballot.
4. **Ready** (:func:`mark_ready`): the chair releases the result to the projector.
5. **Export** (:func:`export_bundle`): the signed tally bundle of docs/bundle-format.md,
   built from the database and *recounted* first, so a bundle can never carry a result
   the stored ballots no longer give (e.g. a paper ballot entered after the count).

Counting itself is the pure ``counting`` layer; CVRs are read with the bundle schema's
own parser, so the app's count and an auditor's recount read ballots identically.

The package, by step: ``rules`` (1), ``lot`` (2), ``results`` (3, 4), ``state`` (what the
console and projector show) and ``bundle`` (5). Callers import from the package; its
names are those of the former single module.
"""

from assembly_desk.services.tally.bundle import Signer, export_bundle
from assembly_desk.services.tally.lot import commit_seed, commitment_for, reveal_seed
from assembly_desk.services.tally.results import CountResult, count_contest, mark_ready
from assembly_desk.services.tally.rules import (
    BASES,
    METHODS_BY_TYPE,
    THRESHOLDS,
    CountRule,
    configure_count,
    contest_key,
    get_rule,
)
from assembly_desk.services.tally.state import TallyState, get_tally

__all__ = [
    "BASES",
    "METHODS_BY_TYPE",
    "THRESHOLDS",
    "CountResult",
    "CountRule",
    "Signer",
    "TallyState",
    "commit_seed",
    "commitment_for",
    "configure_count",
    "contest_key",
    "count_contest",
    "export_bundle",
    "get_rule",
    "get_tally",
    "mark_ready",
    "reveal_seed",
]
