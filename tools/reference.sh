#!/usr/bin/env bash
# Regenerate the saved reference results: every chapter that has a `reference` run (or the chapters named), executed
# top to bottom with REPSIM_SCALE=reference; each writes nbs/results/<chapter>/ (tables, figures, provenance).
# The notebooks' committed outputs are not touched (they show the ci run). Logs go to reference-logs/.
#   bash tools/reference.sh                              # all of them, in dependency order (about 2 h on 2 cores)
#   bash tools/reference.sh 10_layer_identification      # one chapter (the zoo it needs is trained or loaded)
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${REPSIM_VENV:-$HOME/.cache/repsim-venv}"
export PATH="$VENV/bin:$PATH" REPSIM_SCALE=reference
# one process: let torch use the cores (set OMP_NUM_THREADS yourself on a bigger machine)
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-2}" MKL_NUM_THREADS="${MKL_NUM_THREADS:-${OMP_NUM_THREADS:-2}}"
# networks not cached yet train in REPSIM_WORKERS one-thread processes (train_zoo): on 2 cores, 2 processes
export REPSIM_WORKERS="${REPSIM_WORKERS:-2}"
CHAPTERS=(03_training 10_layer_identification 23_td_seeds 24_td_augmentation 31_subspace_profiles 42_stitching_matrix 50_sensitivity 51_performance)
if [ $# -gt 0 ]; then CHAPTERS=("$@"); fi
mkdir -p reference-logs
for c in "${CHAPTERS[@]}"; do
  c="${c%.ipynb}"; c="${c#nbs/}"
  [ -f "nbs/$c.ipynb" ] || { echo "[reference] no notebook nbs/$c.ipynb"; exit 2; }
  echo "[reference] $c (log: reference-logs/$c.log)"
  start=$(date +%s)
  python tools/run_nb.py --discard --timeout 3600 "nbs/$c.ipynb" >"reference-logs/$c.log" 2>&1 \
    || { tail -30 "reference-logs/$c.log"; echo "[reference] FAILED: $c"; exit 1; }
  echo "[reference] $c done in $(( $(date +%s) - start )) s -> nbs/results/$c/"
done
