"""`linear_cka(X, Y)` against its GEMM floor and against Kornblith et al.'s feature-space formula.

    python benchmarks/bench_linear_cka.py [--sizes 20000x256 20000x512 20000x1024 10000x4096] [--threads 1]
                                          [--repeats 3] [--device auto] [--quick]

What is measured (CPU time at the given thread count on CPU, wall time on CUDA; every job warmed up once and timed in
interleaved repeats, all in one process; see harness.py), for float64 X, Y of n rows and p = p1 = p2 columns:

- `linear_cka(X, Y)` (biased, the registry default) in **GEMM-equivalents**: its time over the time of one
  `X.T @ Y` on the same data. The work it needs is XᵀY plus XᵀX and YᵀY, which as symmetric rank-k updates cost half
  a product each: 2 GEMM-equivalents. Target (issue 17): ≤ 2.5 at every p ≥ 256.
- the peer: the feature-space linear CKA of Kornblith et al. (2019)'s published notebook, in numpy (centre both,
  three products) — the same BLAS threads (numpy's OpenBLAS; `X.T @ Y` and repsim use torch's BLAS).
- `linear_cka(X, Y, debiased=True)` in GEMM-equivalents (no target; it centres explicitly).

Data: ReLU features (column means of the order of their spread, as real activations have): X = relu(G),
Y = relu(G W / √p + noise). The script raises if repsim's value is further than 1e-12 from a float64 reference that
centres first (the textbook route), and prints the difference. `--quick`: n = 4000, p = 256 and 512 (< 20 s).
"""
import argparse
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).parent))
from harness import Row, add_common_args, gemm_rate, interleaved, print_rows, setup  # noqa: E402

from repsim.cka import linear_cka  # noqa: E402


def kornblith_linear_cka(x, y):
    "feature_space_linear_cka of Kornblith et al.'s CKA notebook (numpy), biased estimator."
    x = x - np.mean(x, 0, keepdims=True); y = y - np.mean(y, 0, keepdims=True)
    dot = np.linalg.norm(x.T.dot(y)) ** 2
    return dot / (np.linalg.norm(x.T.dot(x)) * np.linalg.norm(y.T.dot(y)))


def reference(X, Y):
    "Float64, centre first, full products: the textbook value."
    Xc, Yc = X - X.mean(0), Y - Y.mean(0)
    return float(torch.linalg.matrix_norm(Yc.T @ Xc) ** 2 / (torch.linalg.matrix_norm(Xc.T @ Xc) *
                                                             torch.linalg.matrix_norm(Yc.T @ Yc)))


def make_data(n, p, dev, seed=0):
    g = torch.Generator(device="cpu").manual_seed(seed)
    G = torch.randn(n, p, generator=g, dtype=torch.float64)
    X = G.relu()
    Y = (G @ torch.randn(p, p, generator=g, dtype=torch.float64) / p ** 0.5
         + torch.randn(n, p, generator=g, dtype=torch.float64)).relu()
    return X.to(dev), Y.to(dev)


def rows(args) -> list:
    dev = torch.device("cuda" if args.device == "auto" and torch.cuda.is_available() else
                       ("cpu" if args.device == "auto" else args.device))
    sizes = ["4000x256", "4000x512"] if args.quick else args.sizes
    rep = 1 if args.quick else args.repeats
    out = []
    for sz in sizes:
        n, p = (int(v) for v in sz.split("x"))
        X, Y = make_data(n, p, dev)
        jobs = {"X.T @ Y": lambda: X.T @ Y, "linear_cka": lambda: linear_cka(X, Y),
                "debiased": lambda: linear_cka(X, Y, debiased=True)}
        if dev.type == "cpu":
            xn, yn = X.numpy(), Y.numpy()
            jobs["kornblith (numpy)"] = lambda: kornblith_linear_cka(xn, yn)
        t = interleaved(jobs, repeats=rep, dev=dev)
        ref = reference(X, Y)
        diff = abs(t["linear_cka"].result - ref)
        print(f"# n={n} p={p}: linear_cka {t['linear_cka'].result:.15f}, |diff| to the float64 reference {diff:.1e}; "
              f"X.T @ Y at {2 * n * p * p / t['X.T @ Y'].best / 1e9:.1f} GFLOP/s "
              f"(harness GEMM rate {gemm_rate(torch.float64, dev) / 1e9:.1f})")
        if diff > 1e-12: raise AssertionError(f"linear_cka is {diff:.2e} from the float64 reference (> 1e-12)")
        if abs(t["debiased"].result - linear_cka(X.cpu()[: min(n, 4000)], Y.cpu()[: min(n, 4000)], debiased=True)) > 1:
            raise AssertionError("debiased linear_cka is not a CKA value")
        g = t["X.T @ Y"].best
        eq = t["linear_cka"].best / g
        out.append(Row(f"linear_cka n={n} p={p} (GEMM-equivalents)", t["linear_cka"].best, "unit: one X.T @ Y", g,
                       "<= 2.5 GEMM-equivalents", eq <= 2.5, f"{eq:.2f} GEMM-eq; floor 2 (XᵀY + two syrk)"))
        if "kornblith (numpy)" in t:
            out.append(Row(f"linear_cka n={n} p={p} vs peer", t["linear_cka"].best, "Kornblith et al. (numpy)",
                           t["kornblith (numpy)"].best))
        out.append(Row(f"linear_cka debiased n={n} p={p}", t["debiased"].best, "unit: one X.T @ Y", g, "", None,
                       f"{t['debiased'].best / g:.2f} GEMM-eq"))
        del X, Y
    return out


def main(argv=None):
    ap = add_common_args(argparse.ArgumentParser(description=__doc__.split("\n")[0]))
    ap.add_argument("--sizes", nargs="+", default=["20000x256", "20000x512", "20000x1024", "10000x4096"],
                    help="n x p of X and Y")
    ap.add_argument("--quick", action="store_true", help="small sizes: a smoke test")
    args = ap.parse_args(argv)
    setup(args)
    print_rows(rows(args), "linear_cka against its GEMM floor")


if __name__ == "__main__":
    main()
