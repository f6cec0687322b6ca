#!/usr/bin/env bash
# Set up Assembly Desk on this machine: system packages, a virtual environment, the app.
#   scripts/setup.sh          the app
#   scripts/setup.sh --test   the app, the test tools and the peer libraries for cross-checks
# Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[[ "${1:-}" == "--test" ]] && want_test=1

# 1. System packages (Korean fonts, Qt's libraries, poppler) from installers/debian-packages.txt.
if command -v apt-get >/dev/null 2>&1 && command -v dpkg-query >/dev/null 2>&1; then
    # A line may name alternatives, "old|new", for packages renamed between releases.
    installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
    mapfile -t lines < <(grep -v '^\s*#' installers/debian-packages.txt | awk 'NF {print $1}')
    missing=()
    for line in "${lines[@]}"; do
        IFS='|' read -ra alts <<<"$line"
        have=0
        for p in "${alts[@]}"; do installed "$p" && have=1 && break; done
        ((have)) || missing+=("$line")
    done
    if ((${#missing[@]})); then
        SUDO=""
        [[ $(id -u) -ne 0 ]] && SUDO="sudo"
        $SUDO apt-get update -qq
        chosen=()
        for line in "${missing[@]}"; do
            IFS='|' read -ra alts <<<"$line"
            pick="${alts[0]}"
            for p in "${alts[@]}"; do
                if apt-cache show "$p" >/dev/null 2>&1; then pick="$p"; break; fi
            done
            chosen+=("$pick")
        done
        echo "Installing system packages: ${chosen[*]}"
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${chosen[@]}"
    fi
else
    echo "Not a Debian/Ubuntu system: install a Korean font (Nanum, Noto CJK or Malgun Gothic)"
    echo "and the packages in installers/debian-packages.txt by their local names."
fi

# 2. Python 3.11+ in a virtual environment at .venv.
PY="${PYTHON:-python3}"
"$PY" - <<'PYCHECK'
import sys
if sys.version_info < (3, 11):
    sys.exit(f"Assembly Desk needs Python 3.11 or newer; this is {sys.version.split()[0]}")
PYCHECK
[[ -x .venv/bin/python ]] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
if ((want_test)); then
    .venv/bin/python -m pip install -q -e ".[test,bench]"
else
    .venv/bin/python -m pip install -q -e .
fi
echo "Assembly Desk is set up in .venv"
