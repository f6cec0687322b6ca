"""Verify a signed tally bundle: every check an independent auditor would make.

:func:`verify_bundle` returns a :class:`VerifyReport`: a list of named checks, in
this order (a check with a subject, e.g. one per signature or contest, may repeat):

1. ``files``          the four files are readable, strict canonical JSON, shaped as v1
2. ``manifest_hash``  SHA-256 of manifest.json equals ``body.manifest_hash``
3. ``signature``      each signature record (valid / invalid / unknown key / ...)
4. ``policy``         the signature policy is met (names what is missing)
5. ``cvr_file``       cvrs.jsonl hash (manifest and tally), ids 32 hex, sorted, unique
6. ``cvr_contests``   every CVR names a contest of the manifest
7. ``recount``        per contest: counting.count reproduces the signed result exactly
8. ``turnout``        counted <= issued <= checked in, per contest
9. ``seeds``          each revealed tie-break seed matches its commitment
10. ``audit_chain``   audit_log.jsonl hash and hash chain (``audit_since``: with ``since``)
11. ``audit_head``    ``body.audit_head`` equals the chain head

If check 1 fails nothing else can be judged and the report ends there. Exit code:
0 valid, 1 invalid, 2 unreadable (missing file, broken zip, malformed JSON).
Messages come from the i18n catalogue (``verify.*``), Korean or English.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assembly_desk.audit.bundle import (
    BundleUnreadable,
    load_json_file,
    plain_json_is_canonical,
    read_bundle_files,
)
from assembly_desk.audit.bundle_schema import (
    AUDIT_FILE,
    CVR_FILE,
    CVR_KEYS,
    MANIFEST_FILE,
    TALLY_FILE,
    SchemaError,
    ballot_from_cvr,
    is_hex,
    options_from_json,
    tie_rule_from_json,
    validate_manifest,
    validate_tally,
)
from assembly_desk.audit.canonical import CanonicalizationError, canonical_json, sha256_hex
from assembly_desk.audit.chain import JsonlError, contains_head, load_jsonl, verify_chain
from assembly_desk.audit.signing import SignaturePolicy, check_policy
from assembly_desk.counting import Ballot, count, seed_commitment, to_json_dict
from assembly_desk.i18n import t

__all__ = [
    "EXIT_INVALID",
    "EXIT_UNREADABLE",
    "EXIT_VALID",
    "Check",
    "VerifyReport",
    "first_difference",
    "render_report",
    "verify_bundle",
]

EXIT_VALID = 0
EXIT_INVALID = 1
EXIT_UNREADABLE = 2


@dataclass(frozen=True, slots=True)
class Msg:
    """A catalogue message used inside another check's detail (rendered per language)."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)


def _render(value: Any, lang: str | None) -> Any:
    if isinstance(value, Msg):
        return t(value.key, lang, **value.params)
    if isinstance(value, list | tuple) and value and all(isinstance(v, Msg) for v in value):
        return "; ".join(t(v.key, lang, **v.params) for v in value)
    return value


@dataclass(frozen=True, slots=True)
class Check:
    """One named check; ``detail`` is rendered from a catalogue key in either language."""

    name: str
    ok: bool
    key: str
    params: Mapping[str, Any] = field(default_factory=dict)
    subject: str | None = None

    def detail(self, lang: str | None = None) -> str:
        params = {name: _render(value, lang) for name, value in self.params.items()}
        return t(self.key, lang, **params)

    def to_dict(self, lang: str | None = "en") -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "ok": self.ok, "detail": self.detail(lang)}
        if self.subject is not None:
            out["subject"] = self.subject
        return out


@dataclass(slots=True)
class VerifyReport:
    """All checks of one bundle, in order; ``unreadable`` when the files could not be read."""

    source: str
    checks: list[Check]
    unreadable: bool = False

    @property
    def ok(self) -> bool:
        return not self.unreadable and bool(self.checks) and all(c.ok for c in self.checks)

    @property
    def exit_code(self) -> int:
        if self.unreadable:
            return EXIT_UNREADABLE
        return EXIT_VALID if self.ok else EXIT_INVALID

    @property
    def failures(self) -> list[Check]:
        return [check for check in self.checks if not check.ok]

    def to_dict(self, lang: str | None = "en") -> dict[str, Any]:
        return {
            "ok": self.ok,
            "exit_code": self.exit_code,
            "bundle": self.source,
            "checks": [check.to_dict(lang) for check in self.checks],
        }


@dataclass(slots=True)
class _Parsed:
    raw: Mapping[str, bytes]
    manifest: dict[str, Any]
    tally: dict[str, Any]
    cvrs: list[tuple[str, str]]  # (id, contest) in file order
    ballots: dict[str, list[Ballot]]
    audit: list[dict[str, Any]]


# --- reading -------------------------------------------------------------------


def _refuse_float(text: str) -> Any:
    raise ValueError(f"number {text} has a fraction or exponent; floats are not allowed")


def _refuse_constant(text: str) -> Any:
    raise ValueError(f"{text} is not valid JSON")


def _require_canonical(name: str, data: bytes, value: Any) -> None:
    try:
        expected = canonical_json(value)
    except CanonicalizationError as error:
        raise SchemaError(name, error.path, error.problem) from None
    if expected != data:
        raise SchemaError(name, "$", "not in canonical form (RFC 8785, no spaces or newline)")


_DECODER = json.JSONDecoder(parse_float=_refuse_float, parse_constant=_refuse_constant)
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _line_error(number: int, line: str) -> BundleUnreadable | SchemaError:
    """Why one CVR line did not scan as exactly one JSON value (slow path, errors only)."""
    try:
        json.loads(line, parse_float=_refuse_float, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        return BundleUnreadable(CVR_FILE, f"malformed JSON: {error.msg}", number)
    except ValueError as error:
        return BundleUnreadable(CVR_FILE, f"malformed JSON: {error}", number)
    return SchemaError(CVR_FILE, "$", "not in canonical form (RFC 8785)", number)


def _parse_cvrs(data: bytes) -> tuple[list[tuple[str, str]], dict[str, list[Ballot]]]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise BundleUnreadable(CVR_FILE, "not valid UTF-8", line) from None
    if text and not text.endswith("\n"):
        raise BundleUnreadable(
            CVR_FILE, "last line does not end with a newline", text.count("\n") + 1
        )
    lines = text.split("\n")[:-1] if text else []
    scan = _DECODER.scan_once
    objs: list[dict[str, Any]] = []
    cvrs: list[tuple[str, str]] = []
    ballots: dict[str, list[Ballot]] = {}
    for number, line in enumerate(lines, start=1):
        try:
            obj, end = scan(line, 0)
        except (StopIteration, ValueError):
            raise _line_error(number, line) from None
        if end != len(line):
            raise _line_error(number, line)
        if type(obj) is not dict:
            raise SchemaError(CVR_FILE, "$", "a CVR must be a JSON object", number)
        if not obj.keys() <= CVR_KEYS:
            extra = sorted(set(obj) - CVR_KEYS)[0]
            raise SchemaError(CVR_FILE, "$", f"field {extra!r} is not allowed in a CVR", number)
        cvr_id, contest = obj.get("id"), obj.get("contest")
        if type(cvr_id) is not str or type(contest) is not str:
            raise SchemaError(CVR_FILE, "$", "id and contest must be strings", number)
        if len(obj) - ("group" in obj) != 3:
            raise SchemaError(
                CVR_FILE, "$", 'needs exactly one of "vote", "choices", "ranking", "scores"', number
            )
        try:
            ballot = ballot_from_cvr(obj)
        except ValueError as error:
            raise SchemaError(CVR_FILE, "$", str(error), number) from None
        objs.append(obj)
        cvrs.append((cvr_id, contest))
        ballots.setdefault(contest, []).append(ballot)
    # Canonical form, checked for the whole file at once: every line holds exactly one
    # object, so the joined lines equal the joined canonical texts only line by line.
    if lines:
        joined = ",".join(lines)
        if not (plain_json_is_canonical(joined) and _ENCODER.encode(objs) == f"[{joined}]"):
            for number, (obj, line) in enumerate(zip(objs, lines, strict=True), start=1):
                try:
                    canonical = canonical_json(obj).decode("utf-8")
                except CanonicalizationError as error:
                    raise SchemaError(CVR_FILE, error.path, error.problem, number) from None
                if canonical != line:
                    raise SchemaError(CVR_FILE, "$", "not in canonical form (RFC 8785)", number)
    return cvrs, ballots


def _parse(raw: Mapping[str, bytes]) -> _Parsed:
    manifest = load_json_file(MANIFEST_FILE, raw[MANIFEST_FILE])
    tally = load_json_file(TALLY_FILE, raw[TALLY_FILE])
    try:
        audit = load_jsonl(raw[AUDIT_FILE].splitlines(keepends=True))
    except JsonlError as error:
        raise BundleUnreadable(AUDIT_FILE, error.problem, error.line) from None
    if raw[AUDIT_FILE] and not raw[AUDIT_FILE].endswith(b"\n"):
        raise BundleUnreadable(
            AUDIT_FILE, "last line does not end with a newline", raw[AUDIT_FILE].count(b"\n") + 1
        )
    validate_manifest(manifest)
    _require_canonical(MANIFEST_FILE, raw[MANIFEST_FILE], manifest)
    validate_tally(tally)
    _require_canonical(TALLY_FILE, raw[TALLY_FILE], tally)
    cvrs, ballots = _parse_cvrs(raw[CVR_FILE])
    return _Parsed(raw, manifest, tally, cvrs, ballots, audit)


# --- the checks ------------------------------------------------------------------


def _check_manifest_hash(p: _Parsed) -> Check:
    actual = sha256_hex(p.raw[MANIFEST_FILE])
    signed = p.tally["body"]["manifest_hash"]
    if actual == signed:
        return Check("manifest_hash", True, "verify.manifest_hash.ok", {"hash": actual})
    return Check(
        "manifest_hash", False, "verify.manifest_hash.bad", {"signed": signed, "actual": actual}
    )


def _check_signatures(p: _Parsed) -> list[Check]:
    policy = SignaturePolicy.from_dict(p.manifest["policy"])
    report = check_policy(p.tally["body"], p.tally["signatures"], policy)
    checks: list[Check] = []
    for sig in report.checks:
        params = {
            "signer": sig.signer or "?",
            "role": sig.role or "?",
            "fingerprint": sig.fingerprint or "?",
        }
        subject = str(sig.index)
        if sig.status == "valid":
            checks.append(Check("signature", True, "verify.signature.ok", params, subject))
        else:
            status = Msg("verify.status." + sig.status.replace("-", "_"))
            params |= {"status": status, "reason": sig.reason}
            checks.append(Check("signature", False, "verify.signature.bad", params, subject))
    valid = [
        signer
        for sig in report.checks
        if sig.status == "valid"
        for signer in policy.signers
        if signer.fingerprint == sig.fingerprint
    ]
    roles = {signer.role for signer in valid}
    missing: list[Msg] = []
    for role in policy.required_roles:
        if role not in roles:
            missing.append(Msg("verify.policy.missing_role", {"role": role}))
    witnesses = sum(1 for signer in valid if signer.role == policy.witness_role)
    if witnesses < policy.min_witnesses:
        params = {"role": policy.witness_role, "need": policy.min_witnesses, "have": witnesses}
        missing.append(Msg("verify.policy.missing_witnesses", params))
    if not missing:
        params = {
            "roles": ", ".join(policy.required_roles) or "-",
            "witnesses": witnesses,
            "need": policy.min_witnesses,
        }
        checks.append(Check("policy", True, "verify.policy.ok", params))
    else:
        checks.append(Check("policy", False, "verify.policy.bad", {"missing": missing}))
    return checks


def _check_cvr_file(p: _Parsed) -> Check:
    actual = sha256_hex(p.raw[CVR_FILE])
    listed = p.manifest["files"][CVR_FILE]
    signed = p.tally["body"]["cvrs_hash"]
    if actual != listed:
        return Check(
            "cvr_file", False, "verify.cvr_file.hash_manifest", {"listed": listed, "actual": actual}
        )
    if actual != signed:
        return Check(
            "cvr_file", False, "verify.cvr_file.hash_tally", {"signed": signed, "actual": actual}
        )
    previous = ""
    for number, (cvr_id, _) in enumerate(p.cvrs, start=1):
        if not is_hex(cvr_id, 32):
            return Check("cvr_file", False, "verify.cvr_file.bad_id", {"line": number})
        if cvr_id == previous:
            return Check("cvr_file", False, "verify.cvr_file.duplicate", {"line": number})
        if cvr_id < previous:
            return Check("cvr_file", False, "verify.cvr_file.unsorted", {"line": number})
        previous = cvr_id
    return Check("cvr_file", True, "verify.cvr_file.ok", {"count": len(p.cvrs), "hash": actual})


def _check_cvr_contests(p: _Parsed) -> Check:
    known = {c["id"] for c in p.manifest["contests"]}
    for number, (_, contest) in enumerate(p.cvrs, start=1):
        if contest not in known:
            return Check(
                "cvr_contests",
                False,
                "verify.cvr_contests.bad",
                {"line": number, "contest": contest},
            )
    per = Counter(contest for _, contest in p.cvrs)
    summary = ", ".join(f"{c['id']}={per.get(c['id'], 0)}" for c in p.manifest["contests"])
    return Check("cvr_contests", True, "verify.cvr_contests.ok", {"summary": summary})


_KEY_ORDER = (
    "method",
    "candidates",
    "seats",
    "params",
    "quota",
    "rounds",
    "ties",
    "elected",
    "passed",
    "valid",
    "invalid",
    "invalid_reasons",
    "details",
)


def _show(value: Any) -> str:
    if value is _MISSING:
        return "(missing)"
    try:
        text = canonical_json(value).decode("utf-8")
    except (CanonicalizationError, TypeError):
        text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


_MISSING = object()


def first_difference(signed: Any, recount: Any, path: str = "") -> tuple[str, Any, Any] | None:
    """The first place (path, signed value, recounted value) where two results differ.

    Object keys are visited in a meaningful order (rounds before the elected list), so
    the first difference named is the earliest round that does not reproduce.
    """
    if isinstance(signed, Mapping) and isinstance(recount, Mapping):
        keys = [k for k in _KEY_ORDER if k in signed or k in recount]
        keys += sorted((set(signed) | set(recount)) - set(keys))
        for key in keys:
            sub = f"{path}.{key}" if path else str(key)
            a, b = signed.get(key, _MISSING), recount.get(key, _MISSING)
            if a is _MISSING or b is _MISSING:
                return (sub, a, b)
            found = first_difference(a, b, sub)
            if found:
                return found
        return None
    if isinstance(signed, list) and isinstance(recount, list):
        for index in range(max(len(signed), len(recount))):
            sub = f"{path}[{index}]"
            if index >= len(signed) or index >= len(recount):
                a = signed[index] if index < len(signed) else _MISSING
                b = recount[index] if index < len(recount) else _MISSING
                return (sub, a, b)
            found = first_difference(signed[index], recount[index], sub)
            if found:
                return found
        return None
    if type(signed) is not type(recount) or signed != recount:
        return (path or "$", signed, recount)
    return None


def _check_recounts(p: _Parsed) -> list[Check]:
    body = p.tally["body"]
    results, seeds = body["results"], body["seeds"]
    checks: list[Check] = []
    for contest in p.manifest["contests"]:
        cid = contest["id"]
        signed = results.get(cid)
        if signed is None:
            checks.append(
                Check("recount", False, "verify.recount.no_result", {"contest": cid}, cid)
            )
            continue
        ballots = p.ballots.get(cid, [])
        try:
            tie = tie_rule_from_json(contest["tie_rule"], seeds.get(cid))
            options = options_from_json(contest["options"], tie)
            recount = to_json_dict(count(contest["method"], ballots, options))
        except (
            Exception
        ) as error:  # e.g. TieNeedsLotError; an auditor's tool reports, never crashes
            checks.append(
                Check(
                    "recount",
                    False,
                    "verify.recount.error",
                    {"contest": cid, "reason": str(error)},
                    cid,
                )
            )
            continue
        diff = first_difference(signed, recount)
        if diff is None:
            elected: Any = ", ".join(recount.get("elected", [])) or "-"
            if recount.get("passed") is not None:
                elected = Msg(
                    "verify.recount.passed" if recount["passed"] else "verify.recount.failed"
                )
            params = {
                "contest": cid,
                "method": contest["method"],
                "ballots": len(ballots),
                "rounds": len(recount.get("rounds", [])),
                "elected": elected,
            }
            checks.append(Check("recount", True, "verify.recount.ok", params, cid))
            continue
        where, a, b = diff
        round_no = None
        if where.startswith("rounds["):
            index = int(where[len("rounds[") : where.index("]")])
            rounds = signed.get("rounds") or []
            if index < len(rounds) and isinstance(rounds[index], Mapping):
                round_no = rounds[index].get("round")
        params = {"contest": cid, "where": where, "signed": _show(a), "recount": _show(b)}
        if round_no is not None:
            params["round"] = round_no
            checks.append(Check("recount", False, "verify.recount.round_differs", params, cid))
        else:
            checks.append(Check("recount", False, "verify.recount.differs", params, cid))
    known = {c["id"] for c in p.manifest["contests"]}
    for cid in sorted(set(results) - known):
        checks.append(Check("recount", False, "verify.recount.unknown", {"contest": cid}, cid))
    return checks


def _check_turnout(p: _Parsed) -> Check:
    counts = p.manifest["counts"]
    checked_in = counts["checked_in"]
    per = Counter(contest for _, contest in p.cvrs)
    problems: list[dict[str, Any]] = []
    parts: list[str] = []
    for contest in p.manifest["contests"]:
        cid = contest["id"]
        counted, issued = per.get(cid, 0), counts["issued"][cid]
        parts.append(f"{cid}: {counted} <= {issued} <= {checked_in}")
        if not counted <= issued <= checked_in:
            problems.append(
                {"contest": cid, "counted": counted, "issued": issued, "checked_in": checked_in}
            )
    if problems:
        first = problems[0]
        key = (
            "verify.turnout.over_issued"
            if first["counted"] > first["issued"]
            else "verify.turnout.over_checked_in"
        )
        return Check("turnout", False, key, first, first["contest"])
    return Check("turnout", True, "verify.turnout.ok", {"summary": "; ".join(parts)})


def _check_seeds(p: _Parsed) -> Check:
    seeds = p.tally["body"]["seeds"]
    known = {c["id"] for c in p.manifest["contests"]}
    revealed = 0
    for contest in p.manifest["contests"]:
        cid, commitment = contest["id"], contest["seed_commitment"]
        seed = seeds.get(cid)
        if commitment is None and seed is not None:
            return Check("seeds", False, "verify.seeds.uncommitted", {"contest": cid}, cid)
        if commitment is not None and seed is None:
            return Check("seeds", False, "verify.seeds.not_revealed", {"contest": cid}, cid)
        if commitment is not None:
            actual = seed_commitment(seed)
            if actual != commitment:
                params = {"contest": cid, "commitment": commitment, "actual": actual}
                return Check("seeds", False, "verify.seeds.mismatch", params, cid)
            revealed += 1
    for cid in sorted(set(seeds) - known):
        return Check("seeds", False, "verify.seeds.unknown", {"contest": cid}, cid)
    return Check("seeds", True, "verify.seeds.ok", {"count": revealed})


def _check_audit(p: _Parsed, since_head: str | None) -> list[Check]:
    checks: list[Check] = []
    actual = sha256_hex(p.raw[AUDIT_FILE])
    listed = p.manifest["files"][AUDIT_FILE]
    chain = verify_chain(p.audit)
    if actual != listed:
        checks.append(
            Check(
                "audit_chain",
                False,
                "verify.audit_chain.hash",
                {"listed": listed, "actual": actual},
            )
        )
    elif not chain.ok:
        checks.append(
            Check("audit_chain", False, "verify.audit_chain.bad", {"reason": chain.reason})
        )
    else:
        checks.append(
            Check(
                "audit_chain",
                True,
                "verify.audit_chain.ok",
                {"count": chain.count, "head": chain.head},
            )
        )
    if since_head is not None:
        if not is_hex(since_head, 64):
            checks.append(
                Check("audit_since", False, "verify.audit_since.bad_hash", {"head": since_head})
            )
        elif chain.ok and contains_head(p.audit, since_head):
            checks.append(Check("audit_since", True, "verify.audit_since.ok", {"head": since_head}))
        else:
            checks.append(
                Check("audit_since", False, "verify.audit_since.missing", {"head": since_head})
            )
    signed = p.tally["body"]["audit_head"]
    if chain.ok and signed == chain.head:
        checks.append(Check("audit_head", True, "verify.audit_head.ok", {"head": signed}))
    else:
        checks.append(
            Check(
                "audit_head",
                False,
                "verify.audit_head.bad",
                {"signed": signed, "actual": chain.head},
            )
        )
    return checks


def verify_bundle(path: str | Path, since_head: str | None = None) -> VerifyReport:
    """Run every check on the bundle folder or zip at ``path``; never raises for bad input."""
    source = str(path)
    try:
        files = read_bundle_files(path)
        parsed = _parse(files.raw)
    except BundleUnreadable as error:
        params = {"reason": str(error)}
        return VerifyReport(
            source, [Check("files", False, "verify.files.unreadable", params)], True
        )
    except SchemaError as error:
        params = {"reason": str(error)}
        return VerifyReport(source, [Check("files", False, "verify.files.schema", params)])
    params = {
        "kind": Msg("verify.kind.zip" if files.is_zip else "verify.kind.folder"),
        "cvrs": len(parsed.cvrs),
        "entries": len(parsed.audit),
        "signatures": len(parsed.tally["signatures"]),
    }
    checks = [Check("files", True, "verify.files.ok", params)]
    steps = (
        lambda: [_check_manifest_hash(parsed)],
        lambda: _check_signatures(parsed),
        lambda: [_check_cvr_file(parsed)],
        lambda: [_check_cvr_contests(parsed)],
        lambda: _check_recounts(parsed),
        lambda: [_check_turnout(parsed)],
        lambda: [_check_seeds(parsed)],
        lambda: _check_audit(parsed, since_head),
    )
    for name, step in zip(_STEP_NAMES, steps, strict=True):
        try:
            checks.extend(step())
        except Exception as error:  # a bug or an unforeseen shape: report it, never pass
            params = {"reason": f"{type(error).__name__}: {error}"}
            checks.append(Check(name, False, "verify.internal_error", params))
    return VerifyReport(source, checks)


_STEP_NAMES = (
    "manifest_hash",
    "policy",
    "cvr_file",
    "cvr_contests",
    "recount",
    "turnout",
    "seeds",
    "audit_chain",
)


_NAME_KEYS = {
    name: f"verify.name.{name}"
    for name in (
        "files",
        "manifest_hash",
        "signature",
        "policy",
        "cvr_file",
        "cvr_contests",
        "recount",
        "turnout",
        "seeds",
        "audit_chain",
        "audit_since",
        "audit_head",
    )
}


def render_report(report: VerifyReport, lang: str | None = None) -> str:
    """The human report: each check with ✓/✗ and what failed, then the verdict."""
    lines = [t("verify.title", lang, bundle=report.source)]
    for check in report.checks:
        mark = "✓" if check.ok else "✗"
        title = t(_NAME_KEYS.get(check.name, check.name), lang)
        lines.append(f"  {mark} {title}: {check.detail(lang)}")
    if report.unreadable:
        lines.append(t("verify.verdict.unreadable", lang))
    elif report.ok:
        lines.append(t("verify.verdict.valid", lang))
    else:
        lines.append(t("verify.verdict.invalid", lang, failed=len(report.failures)))
    return "\n".join(lines)
