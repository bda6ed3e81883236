"""`repsim compare` on the user's own models (`--model-a module:factory`), input files and saved activations.

One run goes through the installed console script (a factory module on PYTHONPATH, a .npy file, CSV on stdout); the
others call `repsim.cli.main` in-process, which is what the script runs, to stay fast.
"""
import io, json, os, shutil, subprocess, sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch

from repsim.activations import get_activations
from repsim.cka import linear_cka
from repsim.cli import main
from repsim.saved import save_activations

REPSIM = shutil.which("repsim") or str(Path(sys.executable).with_name("repsim"))
MODULE = "g_user_nets"                   # a name no other test imports
FACTORIES = '''
import torch
from torch import nn

class Net(nn.Module):
    "A user module with nested submodules."
    def __init__(self, seed=0, width=16):
        super().__init__()
        torch.manual_seed(seed)
        self.body = nn.Sequential(nn.Linear(10, width), nn.Tanh(), nn.Linear(width, width))
        self.head = nn.ModuleDict({"act": nn.ReLU(), "out": nn.Linear(width, 3)})
    def forward(self, x):
        return self.head["out"](self.head["act"](self.body(x)))

def net_a(): return Net(0)
def net_b(): return Net(1)
def raises(): raise RuntimeError("weights file missing")
def returns_dict(): return {"not": "a module"}
'''
LAYERS = ["body.0", "body.2", "head.act"]


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    d = tmp_path_factory.mktemp("cli_models")
    (d / f"{MODULE}.py").write_text(FACTORIES)
    g = torch.Generator().manual_seed(0)
    x = torch.randn(80, 10, generator=g, dtype=torch.float64)
    np.save(d / "inputs.npy", x.numpy())
    torch.save((x.float(), torch.arange(80) % 3), d / "inputs.pt")
    sys.path.insert(0, str(d))
    mod = __import__(MODULE)
    nets = {"net_a": mod.net_a(), "net_b": mod.net_b()}
    acts = {k: get_activations(m, x.float(), LAYERS) for k, m in nets.items()}
    for k, a in acts.items(): save_activations(a, d / f"{k}.safetensors", inputs=x.float())
    save_activations(acts["net_b"], d / "shifted.safetensors", inputs=x.float() + 1)    # other inputs
    yield dict(dir=d, x=x, acts=acts)
    sys.path.remove(str(d)); sys.modules.pop(MODULE, None)


def run_main(*argv, monkeypatch, capsys, cwd):
    monkeypatch.chdir(cwd)
    monkeypatch.setattr(sys, "path", list(sys.path))      # main puts the current folder on the path; undo it
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def own(work, *extra, a="net_a", b="net_b", data="inputs.npy"):
    return ["compare", "--model-a", f"{MODULE}:{a}", "--model-b", f"{MODULE}:{b}", "--data", str(work["dir"] / data),
            "--layers", *LAYERS, "--measures", "linear_cka", *extra]


def expected(work, la, lb):
    return linear_cka(work["acts"]["net_a"][la], work["acts"]["net_b"][lb])


def test_console_script_factory_on_pythonpath_npy_csv(work, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(work["dir"]), "OMP_NUM_THREADS": "1"}
    r = subprocess.run([REPSIM, *own(work, "--format", "csv")], capture_output=True, text=True, env=env,
                       cwd=tmp_path, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    df = pd.read_csv(io.StringIO(r.stdout))                  # stdout is the table and nothing else
    assert list(df.columns[:6]) == ["model_a", "model_b", "layer_a", "layer_b", "measure", "value"]
    assert len(df) == 2 * len(LAYERS) ** 2 and "repsim compare |" in r.stderr
    cross = df[df.model_b == "net_b"].set_index(["layer_a", "layer_b"]).value
    for la in LAYERS:
        for lb in LAYERS: assert abs(cross[(la, lb)] - expected(work, la, lb)) < 1e-9
    self_diag = df[(df.model_b == "net_a") & (df.layer_a == df.layer_b)].value
    assert np.allclose(self_diag, 1, atol=1e-9) and (cross < 1 - 1e-3).all()
    assert not any(tmp_path.iterdir())                       # a machine format writes no files unless --out


def test_pt_pair_in_cwd_human_output_and_files(work, monkeypatch, capsys, tmp_path):
    "A factory module in the current folder (not on the path), a .pt (inputs, labels) file, the human report."
    (tmp_path / "g_cwd_nets.py").write_text(f"from {MODULE} import net_a, net_b\n")
    argv = [a.replace(f"{MODULE}:", "g_cwd_nets:") for a in own(work, data="inputs.pt")]
    assert "g_cwd_nets" not in sys.modules and str(tmp_path) not in sys.path
    code, out, err = run_main(*argv, monkeypatch=monkeypatch, capsys=capsys, cwd=tmp_path)
    sys.modules.pop("g_cwd_nets", None)
    assert code == 0, err
    assert "linear_cka (similarity): net_a (rows) vs net_b (columns)" in out and "diagonal mean" in out
    files = set(os.listdir(tmp_path / "repsim-out"))
    assert {"comparison.csv", "heatmap_linear_cka.png", "heatmap_linear_cka.svg"} <= files
    df = pd.read_csv(tmp_path / "repsim-out" / "comparison.csv")
    v = df[(df.model_b == "net_b") & (df.layer_a == "body.2") & (df.layer_b == "head.act")].value.item()
    assert abs(v - expected(work, "body.2", "head.act")) < 1e-9


def test_saved_activations_json_and_fingerprint_refusal(work, monkeypatch, capsys):
    d = work["dir"]
    code, out, err = run_main("compare", "--activations", str(d / "net_a.safetensors"), str(d / "net_b.safetensors"),
                              "--measures", "linear_cka", "--format", "json", "--layers", "body.2",
                              monkeypatch=monkeypatch, capsys=capsys, cwd=d)
    assert code == 0, err
    rows = json.loads(out)
    got = {(r["model_a"], r["model_b"]): r["value"] for r in rows}
    assert got.keys() == {("net_a", "net_a"), ("net_a", "net_b")}
    assert abs(got[("net_a", "net_b")] - expected(work, "body.2", "body.2")) < 1e-9
    code, out, err = run_main("compare", "--activations", str(d / "net_a.safetensors"), str(d / "shifted.safetensors"),
                              monkeypatch=monkeypatch, capsys=capsys, cwd=d)
    assert code == 2 and "different inputs" in err and len(err.strip().splitlines()) == 1 and out == ""


def test_mixed_model_and_saved_activations_checked_against_data(work, monkeypatch, capsys):
    "A .safetensors file may stand in for --model-b; it is checked against --data's fingerprint."
    d = work["dir"]
    argv = own(work, "--format", "csv", "--layers-b", "body.2")
    argv[argv.index("--model-b") + 1] = str(d / "net_b.safetensors")
    argv[argv.index("--data") + 1] = str(d / "inputs.pt")            # float32 inputs: the files' fingerprint
    code, out, err = run_main(*argv, monkeypatch=monkeypatch, capsys=capsys, cwd=d)
    assert code == 0, err
    df = pd.read_csv(io.StringIO(out))
    v = df[(df.model_b == "net_b") & (df.layer_a == "head.act")].value.item()
    assert abs(v - expected(work, "head.act", "body.2")) < 1e-6


@pytest.mark.parametrize("change,status,msg", [
    (dict(a="nope"), 2, "has no attribute 'nope'"),
    (dict(a="returns_dict"), 2, "returned a dict, not a torch.nn.Module"),
    (dict(a="raises"), 1, "the factory raised RuntimeError: weights file missing"),
    (dict(data="missing.npy"), 2, "no such file")])
def test_bad_specs_exit_status_one_line(work, monkeypatch, capsys, change, status, msg):
    code, out, err = run_main(*own(work, "--format", "csv", **change), monkeypatch=monkeypatch, capsys=capsys,
                              cwd=work["dir"])
    lines = [l for l in err.splitlines() if l.strip()]
    assert code == status and len(lines) == 1 and msg in lines[0] and out == "", (code, err)


def test_missing_module_is_a_usage_error(work, monkeypatch, capsys):
    argv = own(work)
    argv[argv.index("--model-a") + 1] = "no_such_module_g:f"
    code, out, err = run_main(*argv, monkeypatch=monkeypatch, capsys=capsys, cwd=work["dir"])
    assert code == 2 and "no module named 'no_such_module_g'" in err and "PYTHONPATH" in err


def test_help_documents_exit_status(capsys):
    with pytest.raises(SystemExit) as e: main(["compare", "--help"])
    out = capsys.readouterr().out
    assert e.value.code == 0
    for s in ("--model-a", "--activations", "--format", "exit status", "0 success", "2 usage error",
              "1 runtime failure"):
        assert s in " ".join(out.split()), s
