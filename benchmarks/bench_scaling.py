#!/usr/bin/env python
"""Scaling of every registered matrix-level measure as n (inputs) and p (neurons) grow, and of `compare` as the number
of layers grows: CPU time and peak memory, with the exponent each measure's algorithm should show.

    python benchmarks/bench_scaling.py [--quick] [--threads 1] [--out scaling.csv] [--only linear_cka rsa ...]

Each measure runs in its own process (so its memory high-water mark is its own): after a warm-up at the smallest
size, each size is timed (CPU seconds, median of `--repeats`) in ascending order, and the growth of the process's
peak resident memory over its value before the first size is recorded (sizes ascend, so the high-water mark at a
size is that size's peak). The inputs are Y = X·W + noise, float64. The fitted exponent is the slope of log time
against log size between the two largest sizes (the small sizes are dominated by fixed costs); `expected` is what
the algorithm's leading term gives. Model-level measures (the stitching scores) run networks, not matrices; their
cost is a forward/backward pass per input and is not in this table.
"""
import argparse
import json
import resource
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from harness import add_common_args, header, interleaved   # noqa: E402

# leading-term exponents (time in n at fixed p < n, time in p at fixed n > p) and the cost they come from
EXPECTED = {
    "linear_cka": (1, 2, "XᵀY, XᵀX, YᵀY: O(n p²)"),
    "linear_cka_debiased": (1, 2, "feature-space form: O(n p²)"),
    "rbf_cka_0.2": (2, 1, "n×n kernels: O(n² p)"), "rbf_cka_0.4": (2, 1, "n×n kernels: O(n² p)"),
    "rbf_cka": (2, 1, "n×n kernels: O(n² p)"),
    "mean_cca": (1, 2, "QR of both sides: O(n p²)"), "cca_r2": (1, 2, "QR of both sides: O(n p²)"),
    "svcca": (1, 2, "SVD of both sides: O(n p²)"), "svcca_r2": (1, 2, "SVD of both sides: O(n p²)"),
    "pwcca": (1, 2, "QR + projections: O(n p²)"),
    "procrustes_distance": (1, 2, "Gram factor + nuclear norm: O(n p² + p³)"),
    "td_ridge_random": (1, 2, "ridge heads: O(n p² + p³)"),
    "td_labels": (1, 1, "logistic heads, fixed classes: O(n p · iterations)"),
    "max_match": (1, 2, "Gram of the unit columns: O(n p²) per draw"),
    "dm_struct": (1, 2, "least squares: O(n p²)"),
    "linear_regression": (1, 2, "least squares: O(n p²)"),
    "linear_hsic": (1, 2, "XᵀY: O(n p²)"),
    "rsa": (2, 1, "pairwise distances + ranks: O(n² p + n² log n)"),
    "mutual_knn": (2, 1, "pairwise distances: O(n² p)"),
}


def sizes(quick):
    if quick: return dict(n=[250, 500, 1000], p_at=48, p=[16, 32, 64], n_at=1000, layers=[2, 4])
    return dict(n=[1000, 2000, 4000, 8000], p_at=64, p=[32, 64, 128, 256], n_at=4000, layers=[2, 4, 8, 16])


def data(n, p, seed=0):
    import torch
    g = torch.Generator().manual_seed(seed)
    X = torch.randn(n, p, generator=g, dtype=torch.float64)
    W = torch.randn(p, p, generator=g, dtype=torch.float64) / p ** 0.5
    Y = X @ W + 0.5 * torch.randn(n, p, generator=g, dtype=torch.float64)
    labels = (X[:, :4].argmax(1) + 0).long()
    return X, Y, labels


def worker(name, axis, grid, fixed, repeats, threads):
    import torch
    torch.set_num_threads(threads)
    import repsim  # noqa: F401  (registers every measure)
    from repsim.core import get_measure
    m = get_measure(name)
    kw = dict(m.kwargs)
    def run(n, p):
        X, Y, y = data(n, p)
        extra = {"labels": y} if "labels" in m.requires else {}
        t = interleaved({name: lambda: m.fn(X, Y, **kw, **extra)}, repeats, warmup=0)[name]
        return t.cpu, float(t.result)
    shape = (lambda s: (s, fixed)) if axis == "n" else (lambda s: (fixed, s))
    run(*shape(grid[0]))                                            # warm-up
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for s in grid:
        n, p = shape(s)
        try:
            t, v = run(n, p)
            mem = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024
            print(json.dumps(dict(measure=name, axis=axis, n=n, p=p, cpu_s=t, peak_mb=mem, value=v)), flush=True)
        except Exception as e:                                      # recorded, with the reason
            print(json.dumps(dict(measure=name, axis=axis, n=n, p=p, error=f"{type(e).__name__}: {e}"[:200])),
                  flush=True)


def compare_worker(grid, n, p, repeats, threads):
    import torch
    torch.set_num_threads(threads)
    from torch import nn
    from repsim.comparison import compare
    def mlp(L, seed):
        torch.manual_seed(seed)
        mods = []
        for i in range(L): mods += [nn.Linear(p, p), nn.ReLU()]
        return nn.Sequential(*mods).eval()
    x = torch.randn(n, p)
    compare({"a": mlp(2, 0), "b": mlp(2, 1)}, x, pairs="cross")        # warm-up
    for L in grid:
        a, b = mlp(L, 0), mlp(L, 1)
        layers = [str(2 * i + 1) for i in range(L)]
        t = interleaved({"compare": lambda: compare({"a": a, "b": b}, x, layers=layers, pairs="cross")}, repeats,
                        warmup=0)["compare"]
        print(json.dumps(dict(measure="compare (default measures)", axis="layers", n=n, p=p, layers=L,
                              cpu_s=t.cpu, rows=len(t.result))), flush=True)


def fitted(rows, axis):
    import math
    ok = [r for r in rows if "cpu_s" in r]
    if len(ok) < 2: return float("nan")
    a, b = ok[-2], ok[-1]
    sa, sb = (a[axis], b[axis]) if axis != "layers" else (a["layers"], b["layers"])
    if a["cpu_s"] <= 0 or b["cpu_s"] <= 0: return float("nan")
    return math.log(b["cpu_s"] / a["cpu_s"]) / math.log(sb / sa)


def main(argv=None):
    ap = add_common_args(argparse.ArgumentParser(description=__doc__.splitlines()[0]))
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--out", default=None, help="write the tidy table (one row per measure × size) as CSV")
    ap.add_argument("--only", nargs="*", default=None)
    ap.add_argument("--worker", nargs=5, default=None, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.worker:
        name, axis, grid, fixed, reps = a.worker
        if name == "compare": return compare_worker(json.loads(grid), *json.loads(fixed), int(reps), max(a.threads, 1))
        return worker(name, axis, json.loads(grid), int(fixed), int(reps), max(a.threads, 1))
    import pandas as pd
    print(header())
    z = sizes(a.quick)
    names = a.only or list(EXPECTED)
    if bad := sorted(set(names) - set(EXPECTED)):
        raise SystemExit(f"--only: {bad} are not matrix-level measures; choose from {sorted(EXPECTED)}")
    rows = []
    def spawn(*w):
        cmd = [sys.executable, __file__, "--threads", str(max(a.threads, 1)), "--worker", *map(str, w)]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode: print(f"  worker {w[:2]} failed: {r.stderr[-600:]}")
        return [json.loads(l) for l in r.stdout.splitlines() if l.startswith("{")]
    reps = 1 if a.quick else a.repeats
    for name in names:
        for axis, grid, fixed in (("n", z["n"], z["p_at"]), ("p", z["p"], z["n_at"])):
            got = spawn(name, axis, json.dumps(grid), fixed, reps)
            exp = EXPECTED[name][0 if axis == "n" else 1]
            slope = fitted(got, axis)
            for r in got: r.update(expected_exponent=exp, fitted_exponent=slope, cost=EXPECTED[name][2])
            rows += got
            cells = "  ".join(f"{r[axis]}: {r['cpu_s']:.3f}s/{r['peak_mb']:.0f}MB" if "cpu_s" in r else
                              f"{r[axis]}: {r['error'][:40]}" for r in got)
            print(f"{name:<20} {axis} ({'p' if axis == 'n' else 'n'}={fixed})  {cells}  exponent {slope:.2f} "
                  f"(expected {exp})", flush=True)
    if not a.only:
        got = spawn("compare", "layers", json.dumps(z["layers"]), json.dumps([z["n_at"] // 2, z["p_at"]]), reps)
        slope = fitted(got, "layers")
        for r in got: r.update(expected_exponent=2, fitted_exponent=slope, cost="layer pairs: O(L²) pair products")
        rows += got
        print("compare vs layers   " + "  ".join(f"L={r['layers']}: {r['cpu_s']:.2f}s ({r['rows']} rows)" for r in got)
              + f"  exponent {slope:.2f} (expected ≤ 2: per-layer work is O(L), pair work O(L²))")
    if a.out:
        pd.DataFrame(rows).to_csv(a.out, index=False)
        print(f"wrote {a.out}")
    return rows


if __name__ == "__main__":
    main()
