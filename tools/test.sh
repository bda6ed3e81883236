#!/usr/bin/env bash
# repsim's test run: notebooks exported and clean, then pytest over every notebook and the suites in tests/.
#   bash tools/test.sh [extra pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${REPSIM_VENV:-$HOME/.cache/repsim-venv}"
export PATH="$VENV/bin:$PATH"
# one BLAS/OpenMP thread per pytest worker: two workers on two cores (torch oversubscribes otherwise)
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}" MKL_NUM_THREADS="${MKL_NUM_THREADS:-1}"
echo "[test] nbdev-export && nbdev-clean must leave no diff"
nbdev-export
nbdev-clean
if [ -n "$(git status --porcelain -- repsim nbs)" ]; then
  git status --porcelain -- repsim nbs
  git --no-pager diff --stat -- repsim nbs
  echo "[test] FAIL: the exported modules or cleaned notebooks differ from what is committed."
  echo "       Run nbdev-export && nbdev-clean and commit notebooks and repsim/ together."
  exit 1
fi
echo "[test] pytest"
exec python -m pytest -n "${REPSIM_TEST_WORKERS:-2}" "$@"
