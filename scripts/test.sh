#!/usr/bin/env bash
# Install everything the tests need, then run the linters, the type checker and the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh --test
.venv/bin/ruff check assistant tests scripts
.venv/bin/mypy
.venv/bin/python -m scripts.check_aarch64   # every runtime dependency still installs on a Raspberry Pi
.venv/bin/python -m pytest "$@"
