#!/usr/bin/env python
"""Benchmark: transferred discrepancy (TD) with K logistic downstream tasks in one batched call (issue 17, item 2).

What is measured, all in this run, with the same threads and BLAS for every side (CPU time at 1 thread by default,
one warm-up each, interleaved repeats; wall time on CUDA):

- repsim: `transferred_discrepancy(X_train, Y_train, labels, X_test, Y_test)` with K classification tasks (an
  (n, K) label matrix), logistic heads on both sides, one batched solve per side;
- the same K tasks as K single-task calls;
- scikit-learn: `LogisticRegression` fitted task by task on both sides, on the same features (centred with the
  training mean and divided by the root mean feature variance, as repsim's relative λ does), with the same penalty
  (C = 1/(n·λ), the same objective: mean cross-entropy + λ/2·‖W‖²) and the same tolerance (`--tol`), then the same
  disagreement rate per task;
- the floor: the FLOPs of the solver steps the batched call actually takes (per task and iteration one product each
  way over the C − 1 stored classes, 4·n·(r+1)·(C−1) FLOPs with the intercept counted as a feature), at the float64
  GEMM rate measured in this run. The iteration counts come from the solver itself, run once more outside the
  timings. The note also gives the ratio to the floor of the full C-class step (4·n·(r+1)·C, the issue's count).
- accuracy: each head's distance (max |P difference|) to a tight reference (repsim at tol=1e-12), and scikit-learn
  once more at tol/10, which is what it needs to be as accurate as repsim at tol (an informational row).
- the ridge head on K regression tasks (batched vs single calls vs scikit-learn `Ridge`), for information.

Agreement, checked before any figure is printed (the script raises if it fails): the batched per-task TD equals the
single-call TD (within 1e-9); repsim's logistic heads equal scikit-learn's heads (test probabilities within 1e-4 at
the same tolerance) and give the same TD per task; ridge TDs agree with scikit-learn's within 1e-6.

Targets (issue 17), at the default sizes: the batched logistic TD within 3× its FLOP floor, and at least 5× faster
than scikit-learn per task (`--quick` uses sizes too small for them; it checks that everything runs and agrees).
`--profile` prints the CPU-time profile (cProfile, process time) of one batched call.

    python benchmarks/bench_td_batched.py [--K 64] [--n 3000] [--p 64] [--classes 4] [--lam 1e-2] [--tol 1e-7]
                                          [--threads 1] [--repeats 3] [--device auto] [--quick] [--profile]
"""
import argparse
import cProfile
import io
import pstats
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import torch
from sklearn.linear_model import LogisticRegression, Ridge

sys.path.insert(0, str(Path(__file__).parent))
from harness import add_common_args, setup, interleaved, gemm_rate, floor_seconds, Row, print_rows

from repsim.discrepancy import (transferred_discrepancy, logistic_head, principal_features, disagreement,
                                regression_discrepancy, _encode_labels, _logistic_from_pf)


def _dev(args) -> torch.device:
    if args.device == "auto": return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(args.device)


def problem(n, p, K, classes, seed=0):
    "Two related representations X, Y (n, p), K label tasks with `classes` classes, K regression targets."
    g = np.random.default_rng(seed)
    X = g.normal(size=(n, p)) @ g.normal(size=(p, p))
    Y = np.tanh(X @ g.normal(size=(p, p)) / np.sqrt(p)) + 0.3 * g.normal(size=(n, p))
    L = np.stack([(X @ g.normal(size=(p, classes)) + 2 * g.normal(size=(n, classes))).argmax(1) for _ in range(K)], 1)
    T = X @ g.normal(size=(p, K)) / np.sqrt(p) + g.normal(size=(n, K))
    return X, Y, L, T


def _sk_features(R, ntr):
    "The features repsim's heads see (up to a rotation): centred with the training mean, divided by √(mean variance)."
    mu = R[:ntr].mean(0)
    s = np.sqrt(((R[:ntr] - mu) ** 2).mean())
    return (R[:ntr] - mu) / s, (R[ntr:] - mu) / s


def _sk_logistic(X, Y, L, ntr, lam, tol):
    "scikit-learn, task by task on both sides: per-task disagreement and the test probabilities (side, K, m, C)."
    sides = [_sk_features(R, ntr) for R in (X, Y)]
    probs = np.stack([[LogisticRegression(C=1 / (ntr * lam), tol=tol, max_iter=5000).fit(tr, L[:ntr, k])
                       .predict_proba(te) for k in range(L.shape[1])] for tr, te in sides])
    return np.array([disagreement(probs[0, k], probs[1, k]) for k in range(L.shape[1])]), probs


def _sk_ridge(X, Y, T, ntr, lam):
    "scikit-learn Ridge, task by task on both sides (relative λ: alpha = λ·n on the rescaled features)."
    sides = [_sk_features(R, ntr) for R in (X, Y)]
    preds = [[Ridge(alpha=lam * ntr).fit(tr, T[:ntr, k]).predict(te) for tr, te in sides] for k in range(T.shape[1])]
    return np.array([regression_discrepancy(a, b) for a, b in preds])


def _iterations(R, L, ntr, lam, tol, dev):
    "Per-task iterations of the batched solver on one side, its rank r, and the FLOPs of its steps (C−1 and C classes)."
    pf = principal_features(torch.as_tensor(R[:ntr], device=dev), torch.as_tensor(R[ntr:], device=dev))
    codes, classes = _encode_labels(L[:ntr], ntr, "labels")
    C = len(classes[0])
    it = _logistic_from_pf(pf, torch.as_tensor(codes.T.copy()), C, lam, tol)[1]
    r = pf.train.shape[1]
    return it, r, float(it.sum()) * 4 * ntr * (r + 1) * (C - 1), float(it.sum()) * 4 * ntr * (r + 1) * C


def rows(args) -> list:
    dev = _dev(args)
    if args.quick: args.n, args.p, args.K = 600, 16, 8
    n, p, K, lam, tol = args.n, args.p, args.K, args.lam, args.tol
    X, Y, L, T = problem(n, p, K, args.classes)
    ntr = 2 * n // 3
    if any(len(np.unique(L[:ntr, k])) != args.classes for k in range(K)):
        raise SystemExit("a task lacks a class on the training inputs; use a larger --n")
    Xd, Yd = torch.as_tensor(X, device=dev), torch.as_tensor(Y, device=dev)
    tr, te = (Xd[:ntr], Yd[:ntr]), (Xd[ntr:], Yd[ntr:])
    print(f"# n_train={ntr}, n_test={n - ntr}, p={p}, K={K} tasks, {args.classes} classes, lam={lam}, tol={tol}")

    def td(targets, k=None, **kw):
        t = targets[:ntr] if k is None else targets[:ntr, k]
        return transferred_discrepancy(*tr, t, *te, lam=lam, tol=tol, **kw).table.discrepancy.to_numpy()

    jobs = {"batched": lambda: td(L),
            "single": lambda: np.concatenate([td(L, k) for k in range(K)]),
            "sklearn": lambda: _sk_logistic(X, Y, L, ntr, lam, tol),
            "sklearn_tol10": lambda: _sk_logistic(X, Y, L, ntr, lam, tol / 10)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")                     # scikit-learn's convergence chatter
        tl = interleaved(jobs, repeats=args.repeats, dev=dev)
    td_b, td_s, (td_sk, p_sk) = tl["batched"].result, tl["single"].result, tl["sklearn"].result
    d_single = float(np.abs(td_b - td_s).max())
    p_rs = np.stack([logistic_head(R[:ntr], L[:ntr], R[ntr:], lam=lam, tol=tol).cpu().numpy() for R in (Xd, Yd)])
    d_prob, d_td = float(np.abs(p_rs - p_sk).max()), float(np.abs(td_b - td_sk).max())
    print(f"# logistic: max |TD batched - single| = {d_single:.1e}; repsim vs scikit-learn heads: "
          f"max |P diff| = {d_prob:.1e}, max |TD diff| = {d_td:.1e}")
    if d_single > 1e-9: raise SystemExit(f"batched and single-task TD differ by {d_single}")
    if d_prob > 1e-4: raise SystemExit(f"repsim's and scikit-learn's logistic heads differ by {d_prob} in probability")
    if d_td > 0: raise SystemExit(f"repsim's and scikit-learn's heads give different TD (max diff {d_td})")
    ref = np.stack([logistic_head(R[:ntr], L[:ntr], R[ntr:], lam=lam, tol=1e-12, max_iter=50000).cpu().numpy()
                    for R in (Xd, Yd)])
    err = {k: float(np.abs(v - ref).max()) for k, v in
           (("repsim", p_rs), ("sklearn", p_sk), ("sklearn_tol10", tl["sklearn_tol10"].result[1]))}
    print(f"# distance to the tol=1e-12 heads: repsim (tol={tol:g}) {err['repsim']:.1e}, scikit-learn (tol={tol:g}) "
          f"{err['sklearn']:.1e}, scikit-learn (tol={tol / 10:g}) {err['sklearn_tol10']:.1e}")

    its = [_iterations(R, L, ntr, lam, tol, dev) for R in (X, Y)]
    flops, flops_full = sum(f[2] for f in its), sum(f[3] for f in its)
    floor, floor_full = floor_seconds(flops, torch.float64, dev), floor_seconds(flops_full, torch.float64, dev)
    rate = gemm_rate(torch.float64, dev)
    print(f"# iterations per task: X side {int(its[0][0].min())}-{int(its[0][0].max())} (r={its[0][1]}), "
          f"Y side {int(its[1][0].min())}-{int(its[1][0].max())} (r={its[1][1]}); {flops / 1e9:.2f} GFLOP of steps "
          f"({flops_full / 1e9:.2f} with all {args.classes} classes) at {rate / 1e9:.1f} GFLOP/s = {floor:.3f} s")

    b = tl["batched"].best
    fig = f"TD, {K} logistic tasks, batched"
    out = [Row(fig, b, "FLOP floor (steps taken)", floor, "<= 3x floor", b <= 3 * floor,
               f"{b / floor_full:.2f}x the floor of the full {args.classes}-class step"),
           Row(fig, b, f"scikit-learn per task, tol={tol:g}", tl["sklearn"].best, ">= 5x", tl["sklearn"].best >= 5 * b),
           Row(fig, b, f"scikit-learn per task, tol={tol / 10:g}", tl["sklearn_tol10"].best, "",
               note="as accurate as repsim" if err["sklearn_tol10"] <= err["repsim"] else "less accurate than repsim"),
           Row(fig, b, f"{K} single-task calls", tl["single"].best)]

    rjobs = {"batched": lambda: td(T, head="ridge"),
             "single": lambda: np.concatenate([td(T, k, head="ridge") for k in range(K)]),
             "sklearn": lambda: _sk_ridge(X, Y, T, ntr, lam)}
    tr_ = interleaved(rjobs, repeats=args.repeats, dev=dev)
    d_r = max(float(np.abs(tr_["batched"].result - tr_[k].result).max()) for k in ("single", "sklearn"))
    print(f"# ridge: max |TD difference| batched vs single calls and vs scikit-learn = {d_r:.1e}")
    if d_r > 1e-6: raise SystemExit(f"ridge TDs disagree by {d_r}")
    fig = f"TD, {K} ridge tasks, batched"
    out += [Row(fig, tr_["batched"].best, f"{K} single-task calls", tr_["single"].best),
            Row(fig, tr_["batched"].best, "scikit-learn per task", tr_["sklearn"].best)]

    if args.profile:
        pr = cProfile.Profile(time.process_time)
        pr.enable(); td(L); pr.disable()
        s = io.StringIO(); pstats.Stats(pr, stream=s).sort_stats("tottime").print_stats(8)
        print("# profile of one batched logistic call (CPU time):\n" + s.getvalue())
    return out


def main(argv=None):
    ap = add_common_args(argparse.ArgumentParser(description=__doc__.split("\n")[0]))
    ap.add_argument("--K", type=int, default=64, help="downstream tasks")
    ap.add_argument("--n", type=int, default=3000, help="inputs; 2/3 train, 1/3 test")
    ap.add_argument("--p", type=int, default=64, help="features per representation")
    ap.add_argument("--classes", type=int, default=4)
    ap.add_argument("--lam", type=float, default=1e-2, help="L2 penalty (relative)")
    ap.add_argument("--tol", type=float, default=1e-7, help="tolerance of both solvers")
    ap.add_argument("--quick", action="store_true", help="small sizes (n=600, p=16, K=8), a smoke test")
    ap.add_argument("--profile", action="store_true", help="print the CPU profile of one batched call")
    args = ap.parse_args(argv)
    setup(args)
    print_rows(rows(args), "Transferred discrepancy: batched heads vs single calls, scikit-learn and the FLOP floor")


if __name__ == "__main__":
    main()
