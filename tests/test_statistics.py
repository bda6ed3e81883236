"""Calibration of `repsim.stats`: permutation p-values are uniform under independence, and bootstrap intervals cover a
known population value at the stated rate.

Tolerances come from the sampling error of the check, not from tuning:
- p-values: a Kolmogorov–Smirnov test of 300 p-values against the uniform law, rejected at the 1% level; the control
  (dependent data) must make the same test reject, so the check can fail.
- coverage: 400 intervals at nominal 95% have a binomial sd of sqrt(.95 * .05 / 400) = 1.09 points; the acceptance
  band is ±3 points (2.75 sd). Measured (seeds below): debiased linear CKA, n = 100, p = 4, percentile with 999
  resamples: 96.3%. The control — biased linear CKA at n = 100, p = 20, whose bias of order p/n exceeds its spread —
  covers 0% of the time, so the coverage check can fail. Numbers print with `pytest -s`.
"""
import warnings

import numpy as np
import pytest
import scipy.stats
import torch

from repsim.core import get_measure
from repsim.stats import permutation_test, bootstrap_ci, _null_values, _boot_values

torch.set_num_threads(1)
REPEATS_P, REPEATS_CI, LEVEL = 300, 400, 0.95


@pytest.mark.parametrize("measure", ["linear_cka", "procrustes_distance"])
def test_permutation_pvalues_uniform_under_independence(measure):
    g = np.random.default_rng(11)
    p = [permutation_test(measure, g.normal(size=(40, 3)), g.normal(size=(40, 5)), n_resamples=199, seed=i).pvalue
         for i in range(REPEATS_P)]
    ks = scipy.stats.kstest(p, "uniform")
    print(f"\n{measure}: KS statistic {ks.statistic:.3f}, p = {ks.pvalue:.3f} over {REPEATS_P} independent pairs")
    assert ks.pvalue > 0.01, f"{measure}: permutation p-values are not uniform under H0 (KS p = {ks.pvalue:.2g})"
    assert min(p) >= 1 / 200                                    # the +1 correction: never 0


@pytest.mark.parametrize("measure", ["linear_cka", "procrustes_distance"])
def test_permutation_pvalues_small_on_dependent_data(measure):
    "The control: Y = X W + noise. The p-values pile up at the minimum, and the uniformity check rejects them."
    g = np.random.default_rng(12)
    p = []
    for i in range(50):
        X = g.normal(size=(40, 3))
        p.append(permutation_test(measure, X, X @ g.normal(size=(3, 5)) + 2 * g.normal(size=(40, 5)),
                                  n_resamples=199, seed=i).pvalue)
    p = np.array(p)
    print(f"\n{measure}, dependent: {np.mean(p <= 0.05):.0%} of p-values <= 0.05, median {np.median(p):.3f}")
    assert np.mean(p <= 0.05) >= 0.9
    assert scipy.stats.kstest(p, "uniform").pvalue < 1e-6


def _population_cka(Sxx, W, sigma):
    Sxy, Syy = Sxx @ W, W.T @ Sxx @ W + sigma ** 2 * np.eye(W.shape[1])
    return float((Sxy ** 2).sum() / np.sqrt((Sxx ** 2).sum() * (Syy ** 2).sum()))


def _coverage(measure, n, p, repeats, seed, sigma=1.0, n_resamples=999):
    "X ~ N(0, diag(sx²)), Y = X W + sigma E: the fraction of intervals containing the closed-form population CKA."
    g = np.random.default_rng(seed)
    sx = np.linspace(1, 0.3, p)
    W = g.normal(size=(p, p)) / np.sqrt(p)
    pop = _population_cka(np.diag(sx ** 2), W, sigma)
    hits = []
    for r in range(repeats):
        X = g.normal(size=(n, p)) * sx
        Y = X @ W + sigma * g.normal(size=(n, p))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ci = bootstrap_ci(measure, X, Y, n_resamples=n_resamples, confidence=LEVEL, seed=r)
        hits.append(ci.low <= pop <= ci.high)
    return float(np.mean(hits)), pop


def test_bootstrap_covers_population_cka():
    cov, pop = _coverage("linear_cka_debiased", n=100, p=4, repeats=REPEATS_CI, seed=1)
    se = np.sqrt(LEVEL * (1 - LEVEL) / REPEATS_CI)
    print(f"\ndebiased linear CKA, n=100, p=4 (population {pop:.3f}): coverage {cov:.3f} of {REPEATS_CI} "
          f"(nominal {LEVEL}, binomial sd {se:.4f})")
    assert abs(cov - LEVEL) <= 0.03, f"coverage {cov:.3f} is not {LEVEL} ± 0.03"


def test_bootstrap_coverage_check_can_fail():
    "The control: biased CKA at p = 20, n = 100 misses the population value (its bias, not the resampling)."
    cov, pop = _coverage("linear_cka", n=100, p=20, repeats=100, seed=2, n_resamples=199)
    print(f"\nbiased linear CKA, n=100, p=20 (population {pop:.3f}): coverage {cov:.3f} of 100")
    assert cov < 0.5


@pytest.mark.parametrize("shape", [(40, 3, 5), (30, 50, 40), (40, 1, 30)])
@pytest.mark.parametrize("name", ["linear_cka", "linear_cka_debiased", "procrustes_distance", "rbf_cka"])
def test_vectorised_resamples_are_the_measure(name, shape):
    "The batched null and bootstrap values equal the measure on the permuted / resampled rows."
    n, p1, p2 = shape
    g = torch.Generator().manual_seed(n + p1 + p2)
    X = torch.randn(n, p1, generator=g, dtype=torch.float64)
    Y = torch.randn(n, p2, generator=g, dtype=torch.float64)
    Y[:, :1] += X[:, :1]
    m = get_measure(name)
    P = torch.stack([torch.randperm(n, generator=g) for _ in range(3)])
    direct = torch.tensor([m(X, Y[p]) for p in P], dtype=torch.float64)
    assert torch.allclose(_null_values(m, X, Y, dict(m.kwargs))(P), direct, rtol=0, atol=1e-12)
    R = torch.randint(0, n, (3, n), generator=g)
    direct = torch.tensor([m(X[p], Y[p]) for p in R], dtype=torch.float64)
    assert torch.allclose(_boot_values(m, X, Y, dict(m.kwargs))(R), direct, rtol=0, atol=1e-12)
