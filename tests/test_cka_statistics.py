"""Statistical sanity of the CKA estimators on independent Gaussian representations (true CKA = 0).

Debiased CKA (unbiased HSIC) must be near 0 at every n from 32 to 1024; biased CKA is inflated at small n and
decays roughly like p/n. Numbers are printed (pytest -s) and pinned by the assertions.
"""
import numpy as np
import pytest
import torch

from repsim.cka import linear_cka, MinibatchCKA

torch.set_num_threads(1)
NS = [32, 64, 128, 256, 512, 1024]
P, REPS = 32, 30


def _stats(n, seed):
    g = torch.Generator().manual_seed(seed)
    b, d = [], []
    for _ in range(REPS):
        X = torch.randn(n, P, generator=g, dtype=torch.float64)
        Y = torch.randn(n, P, generator=g, dtype=torch.float64)
        b.append(linear_cka(X, Y)); d.append(linear_cka(X, Y, debiased=True))
    return np.array(b), np.array(d)


@pytest.fixture(scope="module")
def table():
    rows = {n: _stats(n, seed=n) for n in NS}
    print(f"\n{'n':>6} {'biased mean':>12} {'debiased mean':>14} {'debiased sd':>12}")
    for n, (b, d) in rows.items():
        print(f"{n:>6} {b.mean():12.4f} {d.mean():14.4f} {d.std(ddof=1):12.4f}")
    return rows


def test_debiased_near_zero(table):
    for n, (_, d) in table.items():
        se = d.std(ddof=1) / np.sqrt(len(d))
        assert abs(d.mean()) < 4 * se + 2e-3, f"n={n}: debiased mean {d.mean():.4f} (se {se:.4f}) is not ~0"
        assert np.all(np.abs(d) < 0.1), f"n={n}: a debiased value {np.abs(d).max():.3f} is far from 0"


def test_biased_inflated_at_small_n(table):
    b32, b1024 = table[32][0].mean(), table[1024][0].mean()
    assert b32 > 0.4, f"biased CKA at n=32, p={P} should be strongly inflated, got {b32:.3f}"
    means = [table[n][0].mean() for n in NS]
    assert all(a > c for a, c in zip(means, means[1:])), f"biased CKA should fall with n: {np.round(means, 4)}"
    assert b1024 < 0.1 and b1024 > 10 * abs(table[1024][1].mean())


def test_minibatch_debiased_is_unbiased():
    "Streaming over 32 batches of 32 independent examples: the minibatch estimate is also ~0, not inflated."
    g = torch.Generator().manual_seed(7)
    vals = []
    for _ in range(10):
        mb = MinibatchCKA()
        for _ in range(32):
            mb.update(torch.randn(32, P, generator=g, dtype=torch.float64), torch.randn(32, P, generator=g, dtype=torch.float64))
        vals.append(mb.compute())
    vals = np.array(vals)
    print(f"\nMinibatchCKA, 32 batches of 32, independent: mean {vals.mean():.4f}, sd {vals.std(ddof=1):.4f}")
    assert abs(vals.mean()) < 4 * vals.std(ddof=1) / np.sqrt(len(vals)) + 2e-3
