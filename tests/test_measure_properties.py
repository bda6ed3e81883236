"""Property-based suite over every registered activation measure (those with no `requires`).

For each measure in `repsim.core.MEASURES` it checks, with hypothesis (100 examples per property by default; set
REPSIM_HYPOTHESIS=thorough for 1 000, REPSIM_HYPOTHESIS=quick for 20):
- identity: m(X, X) equals the declared `identity`;
- symmetry: m(X, Y) == m(Y, X) for measures declared symmetric;
- every declared invariance, applied to either side (orthogonal, isotropic scaling, translation, invertible linear,
  column permutation);
and, deterministically, that every *undeclared* invariance fails on some input, and that a declared isotropic
scaling invariance holds over the whole float64 range (factors 1e±150 and 1e±300 on either side).

Measures that refuse n <= p (the CCA family) are detected by probing them with a wide matrix; they get only tall
data (n > p1 + p2 + 2), all other measures get tall and wide data.
"""
import importlib, math, os, pkgutil

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st, HealthCheck

import repsim
import repsim.cka, repsim.canonical, repsim.procrustes  # noqa: F401  (the structural indices)
from repsim.core import MEASURES, INVARIANCES

# every other measure module that exists registers itself on import
for _m in pkgutil.iter_modules(repsim.__path__):
    if not _m.name.startswith("_") and _m.name not in ("cli",):
        importlib.import_module(f"repsim.{_m.name}")

torch.set_num_threads(1)   # tiny matrices: thread start-up dominates, and CI has 2 shared cores

NAMES = sorted(n for n, m in MEASURES.items() if not m.requires)
TOL = 1e-6
for _name, _n in (("default", 100), ("thorough", 1000), ("quick", 20)):
    settings.register_profile(_name, max_examples=_n, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PROFILE = os.environ.get("REPSIM_HYPOTHESIS", "default")
if PROFILE not in ("default", "thorough", "quick"):
    raise ValueError(f"REPSIM_HYPOTHESIS={PROFILE!r}: use 'default', 'thorough' or 'quick'.")
SETTINGS = settings(settings.get_profile(PROFILE))


def _accepts_wide(name):
    g = np.random.default_rng(0)
    X, Y = g.normal(size=(6, 10)), g.normal(size=(6, 9))
    try:
        MEASURES[name](X, Y)
        return True
    except ValueError:
        return False


WIDE_OK = {n: _accepts_wide(n) for n in NAMES}


def test_registry_covers_the_structural_indices():
    for n in ["linear_cka", "linear_cka_debiased", "rbf_cka", "mean_cca", "cca_r2", "svcca", "pwcca", "procrustes_distance"]:
        assert n in NAMES
    assert not WIDE_OK["mean_cca"] and not WIDE_OK["pwcca"] and WIDE_OK["linear_cka"]


def make_pair(seed, name, wide=False):
    "A related pair (X, Y) of well-conditioned Gaussian activations; tall (n > p1 + p2 + 2) unless `wide`."
    g = np.random.default_rng(seed)
    if wide and WIDE_OK[name]:
        n = int(g.integers(max(MEASURES[name].min_n, 4), 9)); p1, p2 = int(g.integers(n + 1, 14)), int(g.integers(n + 1, 14))
    else:
        p1, p2 = int(g.integers(1, 5)), int(g.integers(1, 5))
        n = int(g.integers(max(MEASURES[name].min_n, 2 * max(p1, p2) + 3, 8), 30))
    X = g.normal(size=(n, p1)) * g.uniform(0.5, 2, size=p1) + g.normal(size=p1)
    Y = X @ g.normal(size=(p1, p2)) + g.uniform(0.3, 1.5) * g.normal(size=(n, p2))
    return X, Y


def transform(Z, kind, g):
    "Apply one random transformation of the kind named in `repsim.core.INVARIANCES` to the columns of Z."
    n, p = Z.shape
    if kind == "orthogonal":
        Q, R = np.linalg.qr(g.normal(size=(p, p)))
        return Z @ (Q * np.sign(np.diag(R)))
    if kind == "isotropic_scaling":
        return Z * g.uniform(0.1, 10)
    if kind == "translation":
        return Z + g.normal(size=p) * g.uniform(0.5, 10)
    if kind == "invertible_linear":
        Q1, _ = np.linalg.qr(g.normal(size=(p, p))); Q2, _ = np.linalg.qr(g.normal(size=(p, p)))
        return Z @ (Q1 * g.uniform(0.3, 3, size=p)) @ Q2
    if kind == "permutation":
        return Z[:, g.permutation(p)]
    raise ValueError(kind)


seeds = st.integers(0, 2**32 - 1)


@pytest.mark.parametrize("name", NAMES)
@SETTINGS
@given(seed=seeds, wide=st.booleans())
def test_identity(name, seed, wide):
    m = MEASURES[name]
    if math.isnan(m.identity): pytest.skip(f"{name} has no fixed value on (X, X) (identity NaN)")
    X, _ = make_pair(seed, name, wide)
    assert abs(m(X, X) - m.identity) < TOL, f"{name}(X, X) = {m(X, X)}, declared identity {m.identity}"


@pytest.mark.parametrize("name", [n for n in NAMES if MEASURES[n].symmetric])
@SETTINGS
@given(seed=seeds, wide=st.booleans())
def test_symmetry(name, seed, wide):
    m = MEASURES[name]
    X, Y = make_pair(seed, name, wide)
    assert abs(m(X, Y) - m(Y, X)) < TOL


DECLARED = [(n, inv) for n in NAMES for inv in MEASURES[n].invariances]


@pytest.mark.parametrize("name,inv", DECLARED)
@SETTINGS
@given(seed=seeds, wide=st.booleans(), side=st.sampled_from(["X", "Y"]))
def test_declared_invariance(name, inv, seed, wide, side):
    m = MEASURES[name]
    X, Y = make_pair(seed, name, wide)
    g = np.random.default_rng(seed + 1)
    base = m(X, Y)
    moved = m(transform(X, inv, g), Y) if side == "X" else m(X, transform(Y, inv, g))
    assert abs(moved - base) < TOL, f"{name} not invariant to {inv} of {side}: {base} -> {moved}"


UNDECLARED = [(n, inv) for n in NAMES for inv in INVARIANCES if inv not in MEASURES[n].invariances]


@pytest.mark.parametrize("name,inv", UNDECLARED)
def test_undeclared_invariance_fails_somewhere(name, inv):
    "An invariance a measure does not declare must actually break on some input (so declarations are complete)."
    m = MEASURES[name]
    worst = 0.0
    for seed in range(20):
        X, Y = make_pair(seed, name)
        g = np.random.default_rng(1000 + seed)
        base = m(X, Y)
        for side in ("X", "Y"):
            moved = m(transform(X, inv, g), Y) if side == "X" else m(X, transform(Y, inv, g))
            worst = max(worst, abs(moved - base))
        if worst > 1e-3: return
    pytest.fail(f"{name} is invariant to {inv} on every input tried (largest change {worst:.2e}); declare it.")


SCALE_FREE = [n for n in NAMES if "isotropic_scaling" in MEASURES[n].invariances]


@pytest.mark.parametrize("name", SCALE_FREE)
@pytest.mark.parametrize("factor", [1e-300, 1e-150, 1e150, 1e300])
def test_scaling_invariance_over_the_float64_range(name, factor):
    "A declared scale invariance holds at extreme magnitudes: no overflow to NaN/inf, no underflow to a refusal."
    m = MEASURES[name]
    for seed in range(3):
        X, Y = make_pair(seed, name)
        base = m(X, Y)
        for side in ("X", "Y"):
            moved = m(X * factor, Y) if side == "X" else m(X, Y * factor)
            assert abs(moved - base) < TOL, f"{name}: {side} * {factor:g} moves {base} -> {moved}"
        both = m(X * factor, Y * factor)
        assert abs(both - base) < TOL, f"{name}: both sides * {factor:g} move {base} -> {both}"


def _edge(X, kind, g):
    "Inputs that are legitimate but numerically awkward."
    if kind == "float32": return X.astype(np.float32)
    if kind == "large_offset": return X + 1e6
    if kind == "collinear": return np.c_[X, 3 * X[:, :1]]
    if kind == "duplicate_rows": return np.r_[X, X[: max(1, len(X) // 4)]]
    if kind == "huge": return X * 1e150
    if kind == "tiny": return X * 1e-150
    raise ValueError(kind)


EDGES = ("float32", "large_offset", "collinear", "duplicate_rows", "huge", "tiny")


@pytest.mark.parametrize("name", NAMES)
@SETTINGS
@given(seed=seeds, kind=st.sampled_from(EDGES), min_rows=st.booleans())
def test_awkward_inputs_give_a_finite_value_and_the_identity(name, seed, kind, min_rows):
    "float32 storage, large offsets, exact collinearity, duplicate rows, extreme magnitudes, and the fewest rows the"
    " measure accepts: a finite value in range (or a clear refusal), and m(X, X) = identity when it answers."
    m = MEASURES[name]
    X, Y = make_pair(seed, name)
    if min_rows and kind != "duplicate_rows":
        k = max(m.min_n, X.shape[1] + Y.shape[1] + 2 if not WIDE_OK[name] else m.min_n)
        X, Y = X[:k], Y[:k]
    g = np.random.default_rng(seed)
    Xe = _edge(X, kind, g)
    Ye = np.r_[Y, Y[: max(1, len(Y) // 4)]] if kind == "duplicate_rows" else Y
    try: v = m(Xe, Ye)
    except ValueError: return                                  # a clear refusal (e.g. n <= p after a new column)
    assert np.isfinite(v), f"{name} on {kind} inputs gives {v}"
    if math.isnan(m.identity): return                         # unnormalised (no identity, no bounded range)
    if m.kind == "similarity": assert -1 - 1e-9 <= v <= 1 + 1e-9, v
    tol = 1e-4 if kind in ("float32", "large_offset") else TOL
    try: same = m(Xe, Xe)
    except ValueError: return                                  # e.g. CCA: rank X + rank X >= n at the fewest rows
    assert abs(same - m.identity) < tol, f"{name}({kind} X, same X) = {same}, identity {m.identity}"
