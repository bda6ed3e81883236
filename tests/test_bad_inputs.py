"""Every registered activation measure (no `requires`) × every bad input: each is refused with a ValueError or
TypeError that names the problem, or — for inputs that are legitimate (some constant columns, rank deficiency) —
answered with a finite value. Never a silent NaN; never a silent 0/1 standing in for "undefined".
"""
import importlib, math, pkgutil

import numpy as np
import pytest
import torch

import repsim
import repsim.cka, repsim.canonical, repsim.procrustes  # noqa: F401
from repsim.core import MEASURES

for _m in pkgutil.iter_modules(repsim.__path__):
    if not _m.name.startswith("_") and _m.name not in ("cli",):
        importlib.import_module(f"repsim.{_m.name}")

torch.set_num_threads(1)
NAMES = sorted(n for n, m in MEASURES.items() if not m.requires)


def good(n=40, p1=4, p2=3, seed=0):
    g = np.random.default_rng(seed)
    X = g.normal(size=(n, p1)) + 1.0
    return X, X[:, :min(p1, p2)] @ g.normal(size=(min(p1, p2), p2)) + g.normal(size=(n, p2))


def _both_sides(bad_fn):
    "Yield (X, Y) with the bad matrix on the X side, then on the Y side."
    X, Y = good()
    yield bad_fn(X), Y
    yield X, bad_fn(Y)


def _finite_in_range(m, v):
    assert isinstance(v, float) and math.isfinite(v), f"{m.name} returned {v!r}"
    if math.isnan(m.identity): return                          # unnormalised (no identity, no bounded range)
    lo, hi = (0.0, 2.0) if m.kind == "distance" else (-0.5, 1.0 + 1e-9)
    assert lo - 1e-9 <= v <= hi, f"{m.name} returned {v} outside [{lo}, {hi}]"


REFUSED = {
    # name: (bad-matrix maker, exception, message fragment)
    "nan": (lambda Z: np.where(np.arange(Z.size).reshape(Z.shape) == 5, np.nan, Z), ValueError, "NaN"),
    "inf": (lambda Z: np.where(np.arange(Z.size).reshape(Z.shape) == 7, np.inf, Z), ValueError, "Inf"),
    "int_dtype": (lambda Z: np.round(Z * 10).astype(np.int64), TypeError, "floating"),
    "bool_dtype": (lambda Z: Z > 0, TypeError, "floating"),
    "complex_dtype": (lambda Z: Z.astype(np.complex128), TypeError, "complex"),
    "empty_rows": (lambda Z: Z[:0], ValueError, "empty"),
    "empty_cols": (lambda Z: Z[:, :0], ValueError, "empty"),
    "mismatched_n": (lambda Z: Z[:-3], ValueError, "same number of rows"),
    "one_d": (lambda Z: Z[:, 0], ValueError, "2-D"),
    "all_zero": (lambda Z: np.zeros_like(Z), ValueError, "constant|variance|zero|dead|norm|median"),
    "torch_nan": (lambda Z: torch.tensor(np.where(np.arange(Z.size).reshape(Z.shape) == 3, np.nan, Z)), ValueError, "NaN"),
}


@pytest.mark.parametrize("bad", sorted(REFUSED))
@pytest.mark.parametrize("name", NAMES)
def test_refused(name, bad):
    m = MEASURES[name]
    make, exc, msg = REFUSED[bad]
    for X, Y in _both_sides(make):
        with pytest.raises(exc, match=msg):
            m(X, Y)


@pytest.mark.parametrize("name", NAMES)
def test_all_constant_side(name):
    "A side whose every column is constant carries no information for a centred (translation-invariant) measure: it"
    " must raise. An uncentred measure may legitimately answer, but with a finite value."
    m = MEASURES[name]
    for X, Y in _both_sides(lambda Z: np.full_like(Z, 0.7)):
        if "translation" in m.invariances:
            with pytest.raises(ValueError, match="constant|variance|median"):
                m(X, Y)
        else:
            try: _finite_in_range(m, m(X, Y))
            except ValueError: pass


@pytest.mark.parametrize("name", NAMES)
def test_some_constant_columns(name):
    "One constant column among informative ones is legitimate input: a finite value; for centred measures that are"
    " also invariant to invertible linear maps (CCA family) it is exactly the value without that column."
    m = MEASURES[name]
    X, Y = good()
    Xk = np.c_[X, np.full(len(X), 3.0)]
    v = m(Xk, Y)
    _finite_in_range(m, v)
    _finite_in_range(m, m(Y, Xk))
    if {"translation", "invertible_linear"} <= set(m.invariances):
        assert abs(v - m(X, Y)) < 1e-8


@pytest.mark.parametrize("name", NAMES)
def test_rank_deficient(name):
    "Duplicated / linearly dependent neurons: a finite value; unchanged for measures invariant to invertible maps."
    m = MEASURES[name]
    X, Y = good()
    Xd = np.c_[X, X[:, 0] - 2 * X[:, 1], X[:, 2]]
    v = m(Xd, Y)
    _finite_in_range(m, v)
    if {"translation", "invertible_linear"} <= set(m.invariances):
        assert abs(v - m(X, Y)) < 1e-8


def _refuses_wide(name):
    g = np.random.default_rng(0)
    try:
        MEASURES[name](g.normal(size=(6, 10)), g.normal(size=(6, 9)))
        return False
    except ValueError:
        return True


@pytest.mark.parametrize("name", NAMES)
def test_n_le_p(name):
    "n <= p: CCA-type measures (invariant to invertible linear maps) must refuse with the numbers and the fix; the"
    " others must answer with a finite value."
    m = MEASURES[name]
    g = np.random.default_rng(1)
    for n, p in [(10, 10), (6, 20)]:
        X, Y = g.normal(size=(n, p)), g.normal(size=(n, 3))
        for A, B in ((X, Y), (Y, X)):
            if "invertible_linear" in m.invariances:
                with pytest.raises(ValueError, match=rf"n = {n}.*p = {p}.*more than {p} examples"):
                    m(A, B)
            else:   # either a finite answer, or a refusal that says what is missing
                try:
                    v = m(A, B)
                except ValueError as e:
                    assert _refuses_wide(name) and any(w in str(e) for w in ("examples", "inputs")), str(e)
                else:
                    _finite_in_range(m, v)


@pytest.mark.parametrize("name", NAMES)
def test_too_few_rows(name):
    m = MEASURES[name]
    if m.min_n <= 1: pytest.skip(f"{name} accepts a single row (min_n = {m.min_n})")
    X, Y = good(n=m.min_n - 1, p1=1, p2=1)
    with pytest.raises(ValueError, match="at least|examples|inputs|more"):
        m(X, Y)


@pytest.mark.parametrize("name", NAMES)
def test_two_unrelated_inputs_give_no_verdict(name):
    "With n = 2, centred data are one direction per side: CKA 1, Procrustes 0 whatever the data. Refused, by min_n."
    m = MEASURES[name]
    assert m.min_n >= 3, f"{name} declares min_n = {m.min_n}; two inputs cannot mean anything"
    g = np.random.default_rng(5)
    with pytest.raises(ValueError, match="at least"):
        m(g.normal(size=(2, 3)), g.normal(size=(2, 4)))
