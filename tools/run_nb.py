#!/usr/bin/env python
"""Execute notebooks in place, saving their outputs, and skip cells flagged by tst_flags (slow, gpu, notest).

    python tools/run_nb.py nbs/05_cka.ipynb [more.ipynb ...] [--flags "slow gpu"] [--timeout 1200] [--discard]

Cells whose first line is `#| slow`, `#| gpu` or `#| notest` are not run (their saved outputs are kept), unless
their flag is passed with --flags. This is how the committed outputs of the chapters are produced; run
`nbdev-clean` afterwards. The notebook runs with the nbs/ folder as its working directory. `--discard` executes
without writing the notebook back (how tools/reference.sh runs the reference scale).
"""
import argparse, re, sys, time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

FLAG_RE = re.compile(r"^\s*#\|\s*(slow|gpu|notest)\s*$")


def cell_flag(cell):
    first = cell.source.lstrip("\n").split("\n", 1)[0] if cell.source else ""
    m = FLAG_RE.match(first)
    return m.group(1) if m else None


def run(path, flags=(), timeout=1200, save=True):
    path = Path(path).resolve()
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    t0 = time.time()
    with client.setup_kernel():
        for i, cell in enumerate(nb.cells):
            if cell.cell_type != "code": continue
            fl = cell_flag(cell)
            if fl and fl not in flags: continue
            client.execute_cell(cell, i)
    if save: nbformat.write(nb, path)
    print(f"{path.name}: ran in {time.time() - t0:.1f}s", flush=True)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("notebooks", nargs="+")
    ap.add_argument("--flags", default="")
    ap.add_argument("--timeout", type=int, default=1200)
    ap.add_argument("--discard", action="store_true", help="do not write the executed notebook back")
    a = ap.parse_args()
    for p in a.notebooks: run(p, tuple(a.flags.split()), a.timeout, save=not a.discard)
