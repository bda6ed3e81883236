"""Benchmark: repsim's `max_match` against the published lstsq algorithm and against its Gram floor.

    python benchmarks/bench_max_match.py [--n 10000] [--p 512] [--eps 0.15 0.2 0.25 0.3 0.5] [--seed 0]
                                         [--threads 1] [--repeats 3] [--device auto] [--quick]

What is measured (CPU time at the given thread count on CPU, wall time on CUDA; every job warmed up once and timed
in interleaved repeats, all in one process; see harness.py):

- `max_match(X, Y, eps)`, one call per ε, preparation included, against the **Gram floor**: the flops of one Gram
  matrix of the unit neurons of both layers (XᵀX and YᵀY by syrk, XᵀY by GEMM: n (p1 + p2)² flops) at the GEMM
  rate measured in the same run. Target: ≤ 1.5× the floor per ε.
- the ε grid sharing one preparation (`prepare_max_match` once, `max_match_prepared` per ε) against the published
  algorithm, `lstsq_max_match` below, run once per ε. Target: ≥ 10× faster. Per-ε ratios are printed too.
- the Gram blocks alone (two syrk and one GEMM on the caller's arrays), to show what bounds the figure.

The peer is the maximum-match loop of Wang et al. (2018) as published: every pass solves one least-squares problem
with all n rows (`numpy.linalg.lstsq`, one call for all neurons of a side) and keeps the neurons whose relative
residual is at most eps. It runs on the CPU with the same BLAS thread count (numpy's OpenBLAS; torch's MKL for
repsim). Both must return the same match at every ε, and the grid must equal the single calls; the script raises
otherwise, and prints the largest |difference| of `max_epsilon` between repsim's Gram and exact routes.

Data: two synthetic ReLU layers of p neurons each over n coordinates, driven by a shared 48-dimensional latent signal
with neuron-specific noise levels (so that passes drop neurons in several rounds), plus independent and dead neurons
(see `make_layers`). On a CUDA device the repsim jobs run on CUDA tensors (wall time) and the floor uses the
device's measured float64 GEMM rate; the peer stays on the CPU. `--quick`: n = 3000, p = 96 (a smoke test, < 20 s).
"""
import argparse
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).parent))
from harness import Row, add_common_args, floor_seconds, interleaved, print_rows, setup, sync  # noqa: E402

from repsim.subspace import EPSILONS, _grams, max_match, max_match_prepared, prepare_max_match  # noqa: E402


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


def _same(m, ref):
    return m.x_idx.tolist() == list(ref[0]) and m.y_idx.tolist() == list(ref[1])


def _options(args):
    "This script's options with their defaults, for callers (run_all.py) whose `args` has only the common ones."
    d = dict(n=10_000, p=512, eps=list(EPSILONS), seed=0, quick=False, repeats=3, device="auto")
    args = argparse.Namespace(**{**d, **vars(args)})
    if args.quick: args.n, args.p = 3000, 96
    if not hasattr(args, "dev"):
        args.dev = "cuda" if args.device in ("auto", "cuda") and torch.cuda.is_available() else "cpu"
    return args


def rows(args) -> list:
    "Time max_match per ε, the shared-preparation ε grid, the Gram blocks and the lstsq peer; check they agree."
    args = _options(args)
    dev = torch.device(args.dev)
    X, Y = make_layers(args.n, args.p, seed=args.seed)
    Xd, Yd = (torch.from_numpy(X).to(dev), torch.from_numpy(Y).to(dev)) if dev.type == "cuda" else (X, Y)
    eps = list(args.eps)
    flops = args.n * (X.shape[1] + Y.shape[1]) ** 2          # XᵀX, YᵀY by syrk + XᵀY by GEMM
    floor = floor_seconds(flops, torch.float64, dev)

    def grid():
        P = prepare_max_match(Xd, Yd)
        out = [max_match_prepared(P, e) for e in eps]
        sync(dev); return out

    def one(e):
        def f():
            m = max_match(Xd, Yd, e); sync(dev); return m
        return f

    def gram():
        g = _grams(torch.as_tensor(Xd), torch.as_tensor(Yd)); sync(dev); return g

    jobs = {"grid": grid, "gram": gram}
    jobs.update({f"mm {e:g}": one(e) for e in eps})
    jobs.update({f"lstsq {e:g}": (lambda e=e: lstsq_max_match(X, Y, e)) for e in eps})
    T = interleaved(jobs, repeats=args.repeats, warmup=1, dev=dev)
    cpu = lambda k: T[k].cpu                                    # the peer runs on the CPU: its CPU time

    # agreement: the published algorithm, the single calls, the grid, and the exact route's max_epsilon
    gridm = T["grid"].result
    m_exact = max_match(X, Y, eps[0], method="exact")
    d_eps = abs(gridm[0].max_epsilon - m_exact.max_epsilon)
    for e, mg in zip(eps, gridm):
        ref, m = T[f"lstsq {e:g}"].result, T[f"mm {e:g}"].result
        if not (_same(m, ref) and _same(mg, ref)):
            raise RuntimeError(f"eps={e}: repsim and the published algorithm disagree: |X*|+|Y*| = {m.size} "
                               f"(grid {mg.size}) vs {len(ref[0]) + len(ref[1])}")
    if d_eps > 1e-8: raise RuntimeError(f"max_epsilon of the Gram and exact routes differ by {d_eps:.2e}")
    print(f"# {args.p} + {args.p} neurons × {args.n} rows; same match as lstsq_max_match at every ε "
          f"({', '.join(f'{e:g}: {mg.size}' for e, mg in zip(eps, gridm))} neurons); "
          f"max |Δ max_epsilon| (Gram vs exact route) = {d_eps:.1e}; Gram floor {flops / 1e9:.2f} GFLOP = "
          f"{floor:.4f} s")

    out = []
    for e in eps:
        t, tl = T[f"mm {e:g}"].best, cpu(f"lstsq {e:g}")
        passes = T[f"lstsq {e:g}"].result[2]
        out.append(Row(f"max_match eps={e:g} (one call)", t, "Gram floor", floor, "<= 1.5x floor", t <= 1.5 * floor,
                       f"{t / floor:.2f}x floor; {tl / t:.1f}x faster than lstsq ({tl:.2f} s, {passes} passes)"))
    t_grid, t_lst = T["grid"].best, sum(cpu(f"lstsq {e:g}") for e in eps)
    out.append(Row(f"eps grid of {len(eps)}, one preparation", t_grid, "lstsq_max_match x each eps", t_lst,
                   ">= 10x lstsq", t_lst >= 10 * t_grid,
                   f"{t_grid / floor:.2f}x floor; {t_grid / len(eps):.4f} s per eps"))
    out.append(Row("Gram blocks alone (2 syrk + GEMM)", T["gram"].best, "Gram floor", floor, "", None,
                   f"{T['gram'].best / floor:.2f}x floor: what bounds the figures above"))
    return out


def main(argv=None):
    ap = add_common_args(argparse.ArgumentParser(description=__doc__.split("\n")[0]))
    ap.add_argument("--n", type=int, default=10_000, help="rows (coordinates)")
    ap.add_argument("--p", type=int, default=512, help="neurons per layer")
    ap.add_argument("--eps", type=float, nargs="+", default=list(EPSILONS), help="the ε grid (default: the paper's)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--quick", action="store_true", help="small sizes (n=3000, p=96): a smoke test")
    args = ap.parse_args(argv)
    args.dev = str(setup(args))
    args = _options(args)
    print_rows(rows(args), f"max_match ({args.p}+{args.p} neurons, {args.n} rows, float64)")


if __name__ == "__main__":
    main()
