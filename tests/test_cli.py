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


@pytest.mark.parametrize("argv,msg", [
    (["--n", "0"], "--n must be"), (["--n-train", "100000000"], "--n-train must be"), (["--width", "0"], "--width"),
    (["--width", "nan"], "--width"), (["--seeds", "3", "3"], "repeats a seed"), (["--epochs", "0"], "--epochs"),
    (["--measures", "linear_cka,linear_cka"], "more than once"), (["--layers", "blockX"], "not layers of"),
    (["--model", "nope"], "not in the zoo"), (["--data", "nope"], "not a dataset")])
def test_bad_arguments_exit_2_with_one_line_before_any_work(tmp_path, argv, msg):
    r = run("compare", *argv, "--out", str(tmp_path / "out"), env_extra={"REPSIM_CACHE": str(tmp_path / "cache")})
    assert r.returncode == 2, (r.returncode, r.stderr[-2000:])
    lines = [l for l in r.stderr.splitlines() if l.strip()]
    assert len(lines) == 1 and msg in lines[0] and "Traceback" not in r.stderr, r.stderr
    assert not (tmp_path / "cache").exists() and not (tmp_path / "out").exists()   # nothing trained or written


def test_out_and_cache_dir_that_are_files(tmp_path):
    f = tmp_path / "a_file"; f.write_text("x")
    for flag in ("--out", "--cache-dir"):
        r = run("compare", flag, str(f))
        assert r.returncode == 2 and "is a file" in r.stderr and "Traceback" not in r.stderr


def test_unavailable_dataset_is_one_line_exit_1(tmp_path):
    r = run("compare", "--data", "svhn", env_extra={"REPSIM_DATA": str(tmp_path / "data")}, timeout=120)
    assert r.returncode == 1 and "not available" in r.stderr and "Traceback" not in r.stderr, r.stderr[-2000:]


def test_version():
    r = run("--version")
    assert r.returncode == 0 and r.stdout.startswith("repsim ")


def test_measures_into_a_closed_pipe():
    p = subprocess.run(f"{REPSIM} measures | head -n 2", shell=True, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0 and "BrokenPipeError" not in p.stderr and "Traceback" not in p.stderr, p.stderr
    assert len(p.stdout.splitlines()) == 2


@pytest.mark.parametrize("data", ["digits", "mnist1d"])
def test_defaults_fit_small_datasets(tmp_path, data):
    "No flags but the dataset (and one epoch, to stay small): sizes and model adapt to the data."
    r = run("compare", "--data", data, "--epochs", "1", "--quiet", "--out", str(tmp_path / "out"),
            env_extra={"REPSIM_CACHE": str(tmp_path / "cache")})
    assert r.returncode == 0, r.stderr[-3000:]
    assert "| model mlp |" in r.stdout and "diagonal mean" in r.stdout
    assert (tmp_path / "out" / "heatmap_linear_cka.svg").exists()
