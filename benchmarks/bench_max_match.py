"""Benchmark: repsim's `max_match` against a direct implementation of the published algorithm.

    python benchmarks/bench_max_match.py [--n 10000] [--p 512] [--eps 0.2 0.5] [--seed 0]

The baseline (written here) is the maximum-match loop of Wang et al. (2018) as published: every pass solves one
least-squares problem with all n rows (`numpy.linalg.lstsq`, one call for all neurons of a side) and keeps the
neurons whose relative residual is at most eps. repsim's `max_match` does one Householder QR of both layers, then
works in the (p1 + p2)-dimensional reduced space with an SVD basis per pass and batched residuals (torch, float64).

Data: two synthetic ReLU layers of 512 neurons each over 10 000 coordinates, driven by a shared 48-dimensional
latent signal with neuron-specific noise levels (so that passes drop neurons in several rounds), plus independent
and dead neurons (see `make_layers`). Both implementations must return the same match; the script prints the times and their ratio, measured in
the same run (target: repsim >= 10x faster on CPU), and repeats the repsim timing on CUDA when a GPU is present.
"""
import argparse, time

import numpy as np
import torch

from repsim.subspace import max_match


def lstsq_max_match(X, Y, eps):
    "The published algorithm, directly: one numpy.linalg.lstsq per pass. Returns (x_idx, y_idx, passes)."
    xs = np.flatnonzero(np.linalg.norm(X, axis=0) >= 1e-16)
    ys = np.flatnonzero(np.linalg.norm(Y, axis=0) >= 1e-16)
    passes = 0

    def near(Z, S):
        coef = np.linalg.lstsq(S, Z, rcond=None)[0]
        return np.linalg.norm(Z - S @ coef, axis=0) / np.linalg.norm(Z, axis=0) <= eps + 1e-10

    while True:
        if len(xs) == 0 or len(ys) == 0: return xs[:0], ys[:0], passes
        xs = xs[near(X[:, xs], Y[:, ys])]; passes += 1
        if len(xs) == 0: return xs, ys[:0], passes
        keep = near(Y[:, ys], X[:, xs]); passes += 1
        if keep.all(): return xs, ys, passes
        ys = ys[keep]


def make_layers(n=10_000, p=512, k=48, seed=0):
    """Two ReLU layers over the same n coordinates, driven by a shared non-negative k-dim latent signal.

    Per layer: p/4 neurons are non-negative mixtures of the latent (ReLU acts as the identity on them) with a private
    noise whose relative level rises from 0 to 0.6; p/2 are ReLUs of signed mixtures plus noise; the rest independent;
    4 are dead. So the maximum match is neither empty nor everything, and the passes drop neurons in several rounds."""
    r = np.random.default_rng(seed)
    Z = np.abs(r.normal(size=(n, k)))
    def layer():
        q1, q2 = p // 4, p // 2
        lin = Z @ np.abs(r.normal(size=(k, q1)))
        lin = lin / np.linalg.norm(lin, axis=0) + np.linspace(0, 0.6, q1) * r.normal(size=(n, q1)) / np.sqrt(n)
        mix = Z @ r.normal(size=(k, q2)) / np.sqrt(k) + np.linspace(0.1, 2.0, q2) * r.normal(size=(n, q2))
        H = np.c_[lin, np.maximum(mix, 0), np.maximum(r.normal(size=(n, p - q1 - q2)), 0)]
        H[:, r.choice(p, 4, replace=False)] = 0.0      # dead neurons: excluded from matching, counted in the score
        return H[:, r.permutation(p)]
    return layer(), layer()


def _blas_threads():
    try:
        from threadpoolctl import threadpool_info
        return ", ".join(str(i["num_threads"]) for i in threadpool_info() if i.get("user_api") == "blas") or "?"
    except ImportError: return "?"


def timed(f, repeat=1):
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter(); out = f(); best = min(best, time.perf_counter() - t0)
    return best, out


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--p", type=int, default=512)
    ap.add_argument("--eps", type=float, nargs="+", default=[0.15, 0.3, 0.5])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=None,
                    help="CPU threads for both implementations (torch and the numpy BLAS); default: library defaults")
    a = ap.parse_args()
    if a.threads:
        from threadpoolctl import threadpool_limits
        threadpool_limits(a.threads); torch.set_num_threads(a.threads)
    X, Y = make_layers(a.n, a.p, seed=a.seed)
    print(f"max_match benchmark: {a.p} + {a.p} neurons x {a.n} coordinates, float64, torch threads "
          f"{torch.get_num_threads()}, numpy BLAS threads {_blas_threads()}")
    tot_base = tot_ours = 0.0
    for eps in a.eps:
        t_base, (bx, by, passes) = timed(lambda: lstsq_max_match(X, Y, eps))
        t_ours, m = timed(lambda: max_match(X, Y, eps), repeat=3)
        same = bx.tolist() == m.x_idx.tolist() and by.tolist() == m.y_idx.tolist()
        if not same: raise SystemExit(f"eps={eps}: the two implementations disagree: {len(bx)}+{len(by)} vs {m.size}")
        tot_base += t_base; tot_ours += t_ours
        print(f"eps={eps:g}: same match (|X*|={len(bx)}, |Y*|={len(by)}, MMS={m.score:.4f}, {passes} lstsq passes); "
              f"lstsq baseline {t_base:.2f} s, repsim max_match {t_ours:.3f} s, ratio {t_base / t_ours:.1f}x")
    print(f"CPU ratio (all eps): {tot_base / tot_ours:.1f}x faster (target >= 10x)")
    if torch.cuda.is_available():
        Xc, Yc = torch.tensor(X, device="cuda"), torch.tensor(Y, device="cuda")
        for eps in a.eps:
            def run():
                r_ = max_match(Xc, Yc, eps); torch.cuda.synchronize(); return r_
            run()
            t_gpu, mg = timed(run, repeat=3)
            mc = max_match(X, Y, eps)
            assert mg.x_idx.tolist() == mc.x_idx.tolist() and mg.y_idx.tolist() == mc.y_idx.tolist()
            print(f"eps={eps:g}: CUDA max_match {t_gpu:.3f} s (same match as CPU)")
    else:
        print("no CUDA device: GPU timing skipped")
