"""The audit chain as a front reads it: verify every entry and seal, open one seal."""

from __future__ import annotations

from dataclasses import dataclass

from assembly_desk.audit.chain import ChainReport
from assembly_desk.services import audit_log
from assembly_desk.services.audit_log import Seal
from assembly_desk.services.database import Database


@dataclass(frozen=True, slots=True)
class AuditCheck:
    """The chain's report and how many seals were checked against their private parts."""

    report: ChainReport
    sealed: int


class AuditService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def verify(self) -> AuditCheck:
        with self.db.uow() as uow:
            return AuditCheck(audit_log.verify(uow), audit_log.sealed_count(uow))

    def open_seal(self, seq: int) -> Seal | None:
        """The private part behind entry ``seq`` (None: unsealed; ``NotFound``: no entry)."""
        with self.db.uow() as uow:
            return audit_log.open_seal(uow, seq)
