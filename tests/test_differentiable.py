"""repsim.differentiable: the measures as 0-d torch tensors that carry gradients.

- `torch.autograd.gradcheck` (float64, central differences) for every function on small random inputs, on wide inputs
  for CKA and Procrustes, and at the structured points the chapter discusses (a constant column, one-hot features,
  a whitened layer, SVCCA with its truncation active);
- the values equal the registered float measures to 1e-12;
- gradients reach a model's parameters, and a few optimisation steps on 1 − CKA raise CKA;
- dtype and device conventions;
- bad inputs are refused with a TypeError/ValueError naming the problem.
"""
import numpy as np
import pytest
import torch
from torch import nn
from torch.autograd import gradcheck

import repsim
import repsim.differentiable as rd
from repsim.core import MEASURES

torch.set_num_threads(1)


def _rnd(seed, *shape):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


def _pair(seed=0, n=12, p1=5, p2=4):
    X, Y = _rnd(seed, n, p1), _rnd(seed + 1, n, p2)
    k = min(p1, p2)
    Y[:, :k] += X[:, :k]
    return X, Y


# name -> (differentiable function with its keyword arguments, registered measure name)
FUNCS = {
    "linear_cka": (lambda X, Y: rd.linear_cka(X, Y), "linear_cka"),
    "linear_cka_debiased": (lambda X, Y: rd.linear_cka(X, Y, debiased=True), "linear_cka_debiased"),
    "linear_cka_gram": (lambda X, Y: rd.linear_cka(X, Y, form="gram"), "linear_cka"),
    "linear_cka_debiased_gram": (lambda X, Y: rd.linear_cka(X, Y, True, "gram"), "linear_cka_debiased"),
    "procrustes_distance": (rd.procrustes_distance, "procrustes_distance"),
    "mean_cca": (rd.mean_cca, "mean_cca"),
    "mean_cca_qr": (lambda X, Y: rd.mean_cca(X, Y, "qr"), "mean_cca"),
    "cca_r2": (rd.cca_r2, "cca_r2"),
    "cca_r2_qr": (lambda X, Y: rd.cca_r2(X, Y, "qr"), "cca_r2"),
    "svcca": (rd.svcca, "svcca"),
    "svcca_r2": (lambda X, Y: rd.svcca(X, Y, r2=True), "svcca_r2"),
    "pwcca": (rd.pwcca, "pwcca"),
    "pwcca_qr": (lambda X, Y: rd.pwcca(X, Y, "qr"), "pwcca"),
}
WIDE_OK = ("linear_cka", "linear_cka_debiased", "linear_cka_gram", "linear_cka_debiased_gram", "procrustes_distance")
REGISTERED_KW = {"mean_cca_qr": dict(method="qr"), "cca_r2_qr": dict(method="qr"), "pwcca_qr": dict(method="qr"),
                 "linear_cka_gram": dict(form="gram"), "linear_cka_debiased_gram": dict(form="gram")}


def _gradcheck(f, X, Y):
    return gradcheck(f, (X.clone().requires_grad_(), Y.clone().requires_grad_()), eps=1e-6, atol=1e-7, rtol=1e-5)


# ---- gradcheck ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(FUNCS))
def test_gradcheck_small_random(name):
    f = FUNCS[name][0]
    for seed, (p1, p2) in ((0, (5, 4)), (10, (3, 5))):
        X, Y = _pair(seed, 12, p1, p2)
        if name.startswith("svcca"):                     # a decaying spectrum: the 99 % truncation drops directions
            X = X * torch.logspace(0, -2.5, p1, dtype=torch.float64)
        assert _gradcheck(f, X, Y), name


@pytest.mark.parametrize("name", WIDE_OK)
def test_gradcheck_wide(name):
    f = FUNCS[name][0]
    W, V = _rnd(3, 8, 12), _rnd(4, 8, 10)
    assert _gradcheck(f, W, V)                           # both sides wide
    assert _gradcheck(f, W, V[:, :3].contiguous())       # one wide, one narrow
    if "debiased" not in name:                           # (one-hot rows: the U-centred Gram is exactly 0, refused)
        assert _gradcheck(f, torch.eye(8, 12, dtype=torch.float64), V)   # one-hot features: repeated eigenvalues


def test_svcca_truncation_is_active_in_the_check():
    X, Y = _pair(0)
    Xs = X * torch.logspace(0, -2.5, 5, dtype=torch.float64)
    assert repsim.svcca(Xs, Y) != pytest.approx(repsim.svcca(Xs, Y, keep=1.0), abs=1e-6)


@pytest.mark.parametrize("name", ["linear_cka", "linear_cka_debiased", "procrustes_distance"])
def test_gradcheck_constant_column(name):
    "A constant column is centred to exact zeros: its gradient is 0, which is the true derivative (x xᵀ at x = 0)."
    X, Y = _pair(5)
    X[:, 2] = 0.7
    assert _gradcheck(FUNCS[name][0], X, Y)


@pytest.mark.parametrize("name", ["mean_cca", "cca_r2", "pwcca"])
def test_gradcheck_whitened_svd_basis(name):
    "All singular values of X equal: the SVD basis's gradient comes from the column space, not the SVD's gaps."
    H = torch.eye(12, dtype=torch.float64) - 1 / 12
    Xw = torch.linalg.qr(H @ _rnd(7, 12, 4))[0] * 2.0
    assert torch.allclose(torch.linalg.svdvals(Xw - Xw.mean(0)), torch.full((4,), 2.0, dtype=torch.float64))
    Y = _rnd(8, 12, 3) + Xw[:, :3]
    assert _gradcheck(FUNCS[name][0], Xw, Y)
    assert _gradcheck(FUNCS[name][0], Y, Xw)


def test_procrustes_gradient_with_repeated_singular_values():
    "The nuclear norm's gradient U Vᵀ needs non-zero singular values, not distinct ones."
    H = torch.eye(12, dtype=torch.float64) - 1 / 12
    Xw = torch.linalg.qr(H @ _rnd(9, 12, 4))[0]
    R = torch.linalg.qr(_rnd(10, 4, 4))[0]
    Y = Xw @ R @ torch.diag(torch.tensor([1.0, 1.0, 2.0, 2.0], dtype=torch.float64))
    s = torch.linalg.svdvals(Xw.T @ Y)
    assert abs(float(s[0] - s[1])) < 1e-12 and float(rd.procrustes_distance(Xw, Y)) > 1e-3
    assert _gradcheck(rd.procrustes_distance, Xw, Y)


# ---- values ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(FUNCS))
def test_values_equal_the_registered_measures(name):
    f, reg = FUNCS[name]
    shapes = [(12, 5, 4), (40, 6, 3), (30, 2, 7)] + ([(8, 12, 10), (10, 30, 3)] if name in WIDE_OK else [])
    for seed, (n, p1, p2) in enumerate(shapes):
        X, Y = _pair(seed, n, p1, p2)
        v = f(X, Y)
        assert isinstance(v, torch.Tensor) and v.ndim == 0 and v.dtype == torch.float64
        assert abs(float(v) - MEASURES[reg](X, Y, **REGISTERED_KW.get(name, {}))) <= 1e-12, (name, n, p1, p2)


# ---- gradients reach a model -------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(FUNCS))
def test_gradients_reach_model_parameters(name):
    f = FUNCS[name][0]
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(6, 8), nn.Tanh(), nn.Linear(8, 4))
    x, target = torch.randn(30, 6), torch.randn(30, 3)
    f(net(x), target).backward()
    for pname, p in net.named_parameters():
        assert p.grad is not None and torch.isfinite(p.grad).all() and p.grad.abs().sum() > 0, (name, pname)


def test_optimising_cka_raises_it():
    torch.manual_seed(0)
    x = torch.randn(64, 10)
    target = torch.tanh(x @ torch.randn(10, 6))
    net = nn.Sequential(nn.Linear(10, 16), nn.ReLU(), nn.Linear(16, 5))
    before = repsim.linear_cka(net(x).detach(), target)
    opt = torch.optim.Adam(net.parameters(), lr=1e-2)
    for _ in range(60):
        loss = 1 - rd.linear_cka(net(x), target)
        opt.zero_grad(); loss.backward(); opt.step()
    after = repsim.linear_cka(net(x).detach(), target)
    assert after > before + 0.1 and after > 0.9, (before, after)


# ---- dtype and device --------------------------------------------------------------------------------------------
def test_dtypes():
    X, Y = _pair(0)
    for dt, out in ((torch.float32, torch.float32), (torch.float16, torch.float32), (torch.bfloat16, torch.float32)):
        v = rd.linear_cka(X.to(dt), Y.to(dt))
        assert v.dtype == out
        assert abs(float(v) - repsim.linear_cka(X, Y)) < 1e-2
    assert rd.linear_cka(X.float(), Y).dtype == torch.float64                # promoted to the common dtype
    assert abs(float(rd.mean_cca(X.float(), Y.float())) - repsim.mean_cca(X, Y)) < 1e-4
    with torch.no_grad():
        assert not rd.procrustes_distance(X, Y).requires_grad


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda():
    X, Y = _pair(0)
    for name, (f, reg) in FUNCS.items():
        Xg = X.cuda().requires_grad_()
        v = f(Xg, Y.cuda())
        v.backward()
        assert v.device.type == "cuda" and torch.isfinite(Xg.grad).all()
        assert abs(float(v) - MEASURES[reg](X, Y, **REGISTERED_KW.get(name, {}))) < 1e-10, name


# ---- bad input ---------------------------------------------------------------------------------------------------
BAD = {
    "numpy": (lambda X, Y: (X.numpy(), Y), TypeError, "torch tensor"),
    "list": (lambda X, Y: (X, Y.tolist()), TypeError, "torch tensor"),
    "none": (lambda X, Y: (None, Y), TypeError, "torch tensor"),
    "int_dtype": (lambda X, Y: (X.long(), Y), TypeError, "floating point"),
    "complex": (lambda X, Y: (X, Y.to(torch.complex128)), TypeError, "complex"),
    "rows": (lambda X, Y: (X, Y[:-2]), ValueError, "same number of rows"),
    "nan": (lambda X, Y: (X.index_put((torch.tensor([1]), torch.tensor([1])), torch.tensor(float("nan"),
                                                                                             dtype=X.dtype)), Y),
            ValueError, "NaN"),
    "one_d": (lambda X, Y: (X[:, 0], Y), ValueError, "2-D"),
    "too_few_rows": (lambda X, Y: (X[:2], Y[:2]), ValueError, "at least"),
    "constant": (lambda X, Y: (torch.ones_like(X), Y), ValueError, "constant|variance"),
}


@pytest.mark.parametrize("bad", sorted(BAD))
@pytest.mark.parametrize("name", sorted(FUNCS))
def test_bad_inputs_refused(name, bad):
    make, exc, msg = BAD[bad]
    X, Y = _pair(0, 20, 4, 3)
    with pytest.raises(exc, match=msg):
        FUNCS[name][0](*make(X, Y))


def test_argument_refusals():
    X, Y = _pair(0)
    with pytest.raises(ValueError, match="form"): rd.linear_cka(X, Y, form="dense")
    with pytest.raises(ValueError, match="method"): rd.pwcca(X, Y, method="eig")
    with pytest.raises(ValueError, match="keep"): rd.svcca(X, Y, keep=1.5)
    with pytest.raises(ValueError, match="more examples than dimensions"): rd.mean_cca(X[:5], Y[:5])
    with pytest.raises(TypeError, match="repsim.linear_cka"): rd.linear_cka(np.ones((5, 2)), np.ones((5, 2)))
