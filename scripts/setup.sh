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
    mapfile -t pkgs < <(grep -v '^\s*#' installers/debian-packages.txt | awk 'NF {print $1}')
    missing=()
    for p in "${pkgs[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if ((${#missing[@]})); then
        echo "Installing system packages: ${missing[*]}"
        SUDO=""
        [[ $(id -u) -ne 0 ]] && SUDO="sudo"
        $SUDO apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
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
