#!/usr/bin/env python
"""Benchmark: transferred discrepancy for K downstream tasks in one batched call vs K single-task calls, and vs
scikit-learn heads (Ridge / LogisticRegression) fitted task by task. All timings are measured in this run.

    python benchmarks/bench_td_batched.py [--K 64] [--n 3000] [--p 64] [--device cpu|cuda] [--repeats 3]

For both heads it checks that the batched per-task TD equals the single-task TD (within 1e-6) and prints
time(single calls) / time(batched call) and time(scikit-learn) / time(batched call).
"""
import argparse, time, warnings
import numpy as np
import torch
from sklearn.linear_model import Ridge, LogisticRegression

from repsim.discrepancy import transferred_discrepancy, regression_discrepancy, disagreement


def best_of(f, repeats):
    out, ts = None, []
    for _ in range(repeats):
        t0 = time.perf_counter(); out = f(); ts.append(time.perf_counter() - t0)
    return out, min(ts)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--K", type=int, default=64)
    ap.add_argument("--n", type=int, default=3000, help="inputs; 2/3 train, 1/3 test")
    ap.add_argument("--p", type=int, default=64)
    ap.add_argument("--classes", type=int, default=4)
    ap.add_argument("--lam", type=float, default=1e-2)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    g = np.random.default_rng(0)
    n, p, K = a.n, a.p, a.K
    X = g.normal(size=(n, p)) @ g.normal(size=(p, p))
    Y = np.tanh(X @ g.normal(size=(p, p)) / np.sqrt(p)) + 0.3 * g.normal(size=(n, p))
    ntr = 2 * n // 3
    dev = torch.device(a.device)
    Xd, Yd = torch.as_tensor(X, device=dev), torch.as_tensor(Y, device=dev)         # on the device
    train = (Xd[:ntr], Yd[:ntr])
    test = (Xd[ntr:], Yd[ntr:])
    T = X @ g.normal(size=(p, K)) / np.sqrt(p) + g.normal(size=(n, K))                    # regression tasks
    L = np.stack([(X @ g.normal(size=(p, a.classes)) + 2 * g.normal(size=(n, a.classes))).argmax(1) for _ in range(K)], 1)
    print(f"n_train={ntr}, n_test={n - ntr}, p={p}, K={K} tasks, lam={a.lam}, device={dev}, torch threads={torch.get_num_threads()}")

    for head, targets in (("ridge", T), ("logistic", L)):
        kw = dict(head=head, lam=a.lam)
        batched = lambda: transferred_discrepancy(*train, targets[:ntr], *test, **kw).table.discrepancy.to_numpy()
        single = lambda: np.array([transferred_discrepancy(*train, targets[:ntr, k], *test, **kw).table.discrepancy.iloc[0] for k in range(K)])
        td_b, t_b = best_of(batched, a.repeats)
        td_s, t_s = best_of(single, max(1, a.repeats - 2))
        diff = np.abs(td_b - td_s).max()
        print(f"\n[{head}] batched call: {t_b * 1e3:.1f} ms; {K} single-task calls: {t_s * 1e3:.1f} ms; "
              f"ratio single/batched = {t_s / t_b:.1f}x; max |TD difference| = {diff:.1e}")
        if diff > 1e-6: raise SystemExit(f"batched and single-task TD differ by {diff}")

        # scikit-learn baseline, task by task, same centring/scaling and penalty (relative λ)
        def sk():
            tds = []
            sides = []
            for R in (X, Y):
                mu = R[:ntr].mean(0); s = ((R[:ntr] - mu) ** 2).mean()
                sides.append(((R[:ntr] - mu) / np.sqrt(s), (R[ntr:] - mu) / np.sqrt(s)))
            for k in range(K):
                preds = []
                for Rtr, Rte in sides:
                    if head == "ridge":
                        preds.append(Ridge(alpha=a.lam * ntr).fit(Rtr, targets[:ntr, k]).predict(Rte))
                    else:
                        with warnings.catch_warnings():
                            warnings.simplefilter("ignore")
                            preds.append(LogisticRegression(C=1 / (ntr * a.lam), tol=1e-8, max_iter=5000).fit(Rtr, targets[:ntr, k]).predict_proba(Rte))
                tds.append(regression_discrepancy(*preds) if head == "ridge" else disagreement(*preds))
            return np.array(tds)
        td_sk, t_sk = best_of(sk, 1)
        print(f"[{head}] scikit-learn per task: {t_sk * 1e3:.1f} ms; ratio sklearn/batched = {t_sk / t_b:.1f}x; "
              f"max |TD difference| vs repsim = {np.abs(td_sk - td_b).max():.1e}")


if __name__ == "__main__":
    main()
