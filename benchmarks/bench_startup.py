"""Start-up: how long a command takes to answer and the window to be usable, against ``pass``.

A volunteer types ``assembly-desk status`` at the door and a script calls the command line
in a loop, so the fixed cost of starting (imports, opening the database) is paid on every
call. Targets: a command answers in under 0.5 s, the window is usable in under 1 s.

Timed, each in fresh processes, several runs, median (and the ratio to ``python -c pass``):

- ``python -c pass``: the interpreter's own floor on this machine, under this load;
- ``assembly-desk --help``: parsing only (no database);
- ``assembly-desk status`` on a current SQLite database (no migration runs);
- the window offscreen until usable (``ASSEMBLY_DESK_STARTUP_PROBE=1``): the process's
  wall time to the probe's line, and the probe's own ``startup-ms`` (from ``gui.app``'s
  import to the first usable frame).

Wall times move with the machine's load; the module counts (``python -X importtime``
lines) do not, and say whether a change really took imports off the path.

Run: .venv/bin/python benchmarks/bench_startup.py [--runs N]
(with ``PYTHONPATH=OLD/src`` it times an older tree, e.g. from ``git archive``.)
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PYTHON = sys.executable
CLI = [PYTHON, "-m", "assembly_desk"]
COMMAND_TARGET_S = 0.5
WINDOW_TARGET_S = 1.0
HEAVY = ("sqlalchemy", "alembic", "mako", "pygments", "reportlab", "PIL", "cryptography",
         "PySide6")  # fmt: skip


def _env(folder: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["ASSEMBLY_DESK_DB"] = f"sqlite:///{folder / 'bench.sqlite'}"
    env["ASSEMBLY_DESK_BOX_DIR"] = str(folder / "boxes")
    env["ASSEMBLY_DESK_LANG"] = "en"
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["XDG_CONFIG_HOME"] = str(folder / "config")  # the window's settings stay in here
    env.pop("ASSEMBLY_DESK_STARTUP_PROBE", None)
    # Byte code cached as an installed program has it (in a folder of the run's own, so
    # the checkout is not written to), also where the shell sets PYTHONDONTWRITEBYTECODE:
    # without it every start recompiles the sources and times the compiler.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
    return env


def _wall(cmd: list[str], env: dict[str, str], until: str | None = None) -> tuple[float, str]:
    """Seconds from spawn to exit (or to the first stdout line starting with ``until``)."""
    start = time.perf_counter()
    if until is None:
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
        return time.perf_counter() - start, done.stdout
    with subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, text=True) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith(until):
                elapsed = time.perf_counter() - start
                proc.wait(timeout=60)
                return elapsed, line
        raise RuntimeError(f"{cmd} ended without printing {until!r}")


def _imports(cmd_tail: list[str], env: dict[str, str]) -> tuple[int, list[str]]:
    """How many modules a command imports and which of the heavy packages among them."""
    done = subprocess.run(
        [PYTHON, "-X", "importtime", "-m", "assembly_desk", *cmd_tail],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    names = [
        line.rsplit("|", 1)[1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "|" in line and "cumulative" not in line
    ]
    tops = {name.split(".")[0] for name in names}
    return len(names), [h for h in HEAVY if h in tops]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = _env(folder)
        subprocess.run(
            [*CLI, "assembly", "create", "--title", "Bench", "--date", "2026-11-28",
             "--quorum-number", "3"],
            env=env, capture_output=True, check=True,
        )  # fmt: skip
        window_env = {**env, "ASSEMBLY_DESK_STARTUP_PROBE": "1"}
        samples: dict[str, list[float]] = {"pass": [], "help": [], "status": [], "window": []}
        probe: list[float] = []
        _wall([*CLI, "--help"], env)  # warm-up: writes the byte code cache
        _wall([*CLI, "gui"], window_env, until="startup-ms")
        for _ in range(args.runs):  # interleaved, so a burst of load hits every row alike
            samples["pass"].append(_wall([PYTHON, "-c", "pass"], env)[0])
            samples["help"].append(_wall([*CLI, "--help"], env)[0])
            samples["status"].append(_wall([*CLI, "status"], env)[0])
            elapsed, line = _wall([*CLI, "gui"], window_env, until="startup-ms")
            samples["window"].append(elapsed)
            probe.append(float(line.split()[1]) / 1000)
        floor = statistics.median(samples["pass"])
        print(f"median of {args.runs} runs; ratio to `python -c pass` ({floor * 1000:.0f} ms)")
        rows = [
            ("python -c pass", "pass", None, None),
            ("assembly-desk --help", "help", COMMAND_TARGET_S, ["--help"]),
            ("assembly-desk status (current SQLite)", "status", COMMAND_TARGET_S, ["status"]),
            ("window, spawn to usable (offscreen)", "window", WINDOW_TARGET_S, None),
        ]
        for label, key, target, tail in rows:
            median = statistics.median(samples[key])
            line = f"{label:40} {median * 1000:7.0f} ms  {median / floor:5.1f}×"
            if target is not None:
                line += f"  target < {target:.1f} s: {'met' if median < target else 'MISSED'}"
            if tail is not None:
                count, heavy = _imports(tail, env)
                line += f"  modules {count}, heavy: {', '.join(heavy) or 'none'}"
            print(line)
        print(f"{'window probe startup-ms (gui.app import→usable)':40} "
              f"{statistics.median(probe) * 1000:7.0f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
