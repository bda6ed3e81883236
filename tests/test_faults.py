"""Faults: a training process killed mid-run, two processes training one config, a full disk.

(Corrupt, truncated, empty, swapped and misplaced checkpoints are tested in the training chapter, 03_training.)
"""
import os, signal, subprocess, sys, time
from pathlib import Path

import pytest

TRAIN = """
import sys, torch
from repsim.training import TrainConfig, train, state_hash
cfg = TrainConfig(dataset="mnist", n_train=3000, model="mlp", model_kwargs={"hidden": [128]}, epochs=int(sys.argv[2]),
                  batch_size=50, lr=0.05, seed=7)
m = train(cfg, cache_dir=sys.argv[1], progress=True)
print("HASH", state_hash(m.state_dict()), flush=True)
"""


def _train(cache, epochs=4, **kw):
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    return subprocess.Popen([sys.executable, "-c", TRAIN, str(cache), str(epochs)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env=env, **kw)


def _hash(out):
    return [l.split()[1] for l in out.splitlines() if l.startswith("HASH ")][0]


def test_killed_then_resumed_is_bit_identical(tmp_path):
    whole = _train(tmp_path / "a", epochs=8); out_whole, _ = whole.communicate(timeout=600)
    assert whole.returncode == 0, out_whole[-2000:]
    p = _train(tmp_path / "b", epochs=8)
    ck = tmp_path / "b" / "checkpoints"
    t0 = time.time()
    while not list(ck.glob("*.partial.pt")) and time.time() - t0 < 300: time.sleep(0.05)
    assert list(ck.glob("*.partial.pt")), "no epoch checkpoint appeared"
    p.send_signal(signal.SIGKILL); p.wait(timeout=60)
    finals = [f for f in ck.glob("*.pt") if not f.name.endswith(".partial.pt")]
    if finals: pytest.skip("the run finished before it could be killed (machine too fast for this test's timing)")
    resumed = _train(tmp_path / "b", epochs=8); out, _ = resumed.communicate(timeout=600)
    assert resumed.returncode == 0, out[-2000:]
    assert _hash(out) == _hash(out_whole)
    assert not list(ck.glob("*.tmp")) and not list(ck.glob(".*.tmp"))


def test_two_processes_share_one_training(tmp_path):
    a, b = _train(tmp_path), _train(tmp_path)
    out_a, _ = a.communicate(timeout=600); out_b, _ = b.communicate(timeout=600)
    assert a.returncode == 0 and b.returncode == 0, (out_a[-1500:], out_b[-1500:])
    assert _hash(out_a) == _hash(out_b)
    waited = [o for o in (out_a, out_b) if "waiting for another process" in o]
    assert len(waited) == 1, "the second process should wait for the first, then load its result"
    trained = [o for o in (out_a, out_b) if "batch/s" in o or "s/batch" in o]
    assert len(trained) == 1, "only one process should have trained"


@pytest.fixture
def full_disk(tmp_path):
    "A 96 KiB tmpfs (root only; skipped elsewhere): too small for a checkpoint or a heatmap."
    mnt = tmp_path / "full"; mnt.mkdir()
    if os.geteuid() != 0: pytest.skip("mounting a tmpfs needs root")
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=96k", "tmpfs", str(mnt)], capture_output=True)
    if r.returncode != 0: pytest.skip(f"cannot mount a tmpfs here: {r.stderr.decode()[:200]}")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def test_full_disk_while_checkpointing(full_disk):
    from repsim.training import TrainConfig, train
    cfg = TrainConfig(dataset="mnist", n_train=500, model="mlp", model_kwargs={"hidden": [256]}, epochs=1)
    with pytest.raises(OSError, match=r"Could not write .*checkpoints.*No space left"):
        train(cfg, cache_dir=full_disk, progress=False)
    left = [p.name for p in full_disk.rglob("*")]
    assert not [n for n in left if n.endswith(".tmp")], left


def test_full_disk_for_the_outputs(full_disk, tmp_path):
    repsim = str(Path(sys.executable).with_name("repsim"))
    r = subprocess.run([repsim, "compare", "--n-train", "1000", "--epochs", "1", "--n", "200", "--quiet",
                        "--measures", "linear_cka", "--out", str(full_disk / "out")], capture_output=True, text=True,
                       timeout=600, env={**os.environ, "REPSIM_CACHE": str(tmp_path / "cache"), "OMP_NUM_THREADS": "1"})
    assert r.returncode == 1, r.stderr[-2000:]
    assert "No space left" in r.stderr and str(full_disk / "out") in r.stderr and "Traceback" not in r.stderr
    left = [p.name for p in full_disk.rglob("*")]
    assert not [n for n in left if n.endswith(".tmp")], left
    csv = full_disk / "out" / "comparison.csv"
    assert not csv.exists() or csv.stat().st_size > 0
