"""End-to-end tests of the `repsim` console script."""
import csv, os, shutil, subprocess, sys
from pathlib import Path

import pytest

REPSIM = shutil.which("repsim") or str(Path(sys.executable).with_name("repsim"))


def run(*args, env_extra=None, timeout=600):
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([REPSIM, *args], capture_output=True, text=True, timeout=timeout, env=env)


def test_help_documents_options():
    r = run("compare", "--help")
    assert r.returncode == 0
    for opt in ("--data", "--model", "--seeds", "--layers", "--measures", "--out"):
        assert opt in r.stdout


def test_measures_lists_registry():
    r = run("measures")
    assert r.returncode == 0 and "linear_cka" in r.stdout and "similarity" in r.stdout


def test_unknown_measure_is_a_clear_error(tmp_path):
    r = run("compare", "--measures", "linear_cka,bogus", "--out", str(tmp_path))
    assert r.returncode != 0 and "bogus" in r.stderr and "registered" in r.stderr


def test_compare_end_to_end(tmp_path):
    out = tmp_path / "out"
    r = run("compare", "--n-train", "2000", "--epochs", "1", "--n", "200", "--out", str(out), "--quiet",
            "--measures", "linear_cka", env_extra={"REPSIM_CACHE": str(tmp_path / "cache")})
    assert r.returncode == 0, r.stderr[-3000:]
    assert "diagonal mean" in r.stdout
    rows = list(csv.DictReader(open(out / "comparison.csv")))
    assert (out / "heatmap_linear_cka.png").stat().st_size > 5_000
    self_diag = [float(x["value"]) for x in rows if x["model_a"] == x["model_b"] == "seed0" and x["layer_a"] == x["layer_b"]]
    cross_diag = [float(x["value"]) for x in rows if (x["model_a"], x["model_b"]) == ("seed0", "seed1") and x["layer_a"] == x["layer_b"]]
    assert self_diag and all(abs(v - 1) < 1e-6 for v in self_diag)
    assert cross_diag and all(v < 1 - 1e-6 for v in cross_diag)   # two different models, not one model twice
    # a cached rerun only loads the networks
    r2 = run("compare", "--n-train", "2000", "--epochs", "1", "--n", "200", "--out", str(out), "--quiet",
             "--measures", "linear_cka", env_extra={"REPSIM_CACHE": str(tmp_path / "cache")})
    assert r2.returncode == 0 and r2.stdout.split("\n")[1:3] == r.stdout.split("\n")[1:3]
