"""Run every chapter notebook under pytest, so CI counts each one.

Each notebook runs in its own Python process through nbdev's `test_nb`, skipping the cells flagged by
`tst_flags` in pyproject.toml (notest, slow, gpu) exactly as `nbdev-test` does. Set REPSIM_NB_FLAGS="slow gpu"
to run the full-scale cells as well.
"""
import os, subprocess, sys, tomllib

import pytest

from conftest import NBS, ROOT

NOTEBOOKS = sorted(p.name for p in NBS.glob("*.ipynb") if not p.name.startswith("_"))
SKIP_FLAGS = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["nbdev"]["tst_flags"].split()
FORCE = os.environ.get("REPSIM_NB_FLAGS", "").split()

RUNNER = """
import sys
from nbdev.test import test_nb
ok, t = test_nb(sys.argv[1], skip_flags=sys.argv[2].split(), force_flags=sys.argv[3].split(), showerr=True)
print(f"{sys.argv[1]}: {'ok' if ok else 'FAILED'} in {t:.1f}s")
sys.exit(0 if ok else 1)
"""


def test_every_notebook_is_collected():
    assert len(NOTEBOOKS) >= 2 and "00_core.ipynb" in NOTEBOOKS


@pytest.mark.notebook
@pytest.mark.parametrize("nb", NOTEBOOKS)
def test_notebook(nb):
    skip = [f for f in SKIP_FLAGS if f not in FORCE]
    r = subprocess.run([sys.executable, "-c", RUNNER, str(NBS / nb), " ".join(skip), " ".join(FORCE)],
                       cwd=NBS, capture_output=True, text=True, timeout=1800)
    if r.returncode != 0:
        pytest.fail(f"notebook {nb} failed:\n{r.stdout[-4000:]}\n{r.stderr[-8000:]}", pytrace=False)
