"""The headless demo ends with one signed, verified bundle per contest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assembly_desk.audit.verify import verify_bundle
from assembly_desk.cli import main


def test_demo_exports_verified_bundles(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "demo"
    assert main(["--lang", "en", "demo", "--out", str(out), "--residents", "120"]) == 0
    text = capsys.readouterr().out
    bundles = sorted((out / "bundles").iterdir())
    assert len(bundles) == 3
    for path in bundles:
        assert verify_bundle(path).exit_code == 0
        assert f"bundle {path}: valid (exit 0)" in text
        tally = json.loads((path / "tally.json").read_text(encoding="utf-8"))
        assert {s["role"] for s in tally["signatures"]} == {"chair", "witness"}
    methods = [
        json.loads((p / "manifest.json").read_text(encoding="utf-8"))["contests"][0]["method"]
        for p in bundles
    ]
    assert methods == ["yesno", "choose", "score"]
    assert (out / "keys" / "chair.pem").exists() and (out / "keys" / "witness.pub.json").exists()
    assert "seed commitment" in text and "fingerprint" in text
    # Running again in the same folder replaces the demo's own bundles.
    assert main(["--lang", "en", "demo", "--out", str(out), "--residents", "60"]) == 0
