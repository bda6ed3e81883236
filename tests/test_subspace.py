"""Subspace match (repsim.subspace): brute-force and planted-structure suites, properties, bad input.

The brute-force suite enumerates every pair of neuron subsets of tiny layers (<= 8 neurons a side), with residuals
from numpy.linalg.lstsq — an implementation independent of repsim's QR/SVD one — and checks the maximum match is the
union of all ε-matches and every minimal match found by repsim is a match and minimal.
"""
import itertools

import numpy as np
import pytest
import torch
from hypothesis import given, settings, HealthCheck, strategies as st

from repsim.core import get_measure
from repsim.subspace import (MATCH_ATOL, SubspaceMatch, max_match, max_match_score, min_eps_for_size, min_match,
                             relative_distances, sampled_max_match, simple_matches)

THR = MATCH_ATOL


# ----------------------------------------------------------------------------------------------- brute force
def _lstsq_dist(Z, S):
    "Relative distance of every column of Z to span(S), via lstsq (independent of repsim's code)."
    if S.shape[1] == 0: return np.ones(Z.shape[1])
    coef = np.linalg.lstsq(S, Z, rcond=None)[0]
    return np.linalg.norm(Z - S @ coef, axis=0) / np.linalg.norm(Z, axis=0)


def brute_force_matches(X, Y, eps):
    """Every ε-match (xs, ys) of live neurons, both non-empty, as pairs of frozensets of column indices."""
    lx = [i for i in range(X.shape[1]) if np.linalg.norm(X[:, i]) >= 1e-16]
    ly = [j for j in range(Y.shape[1]) if np.linalg.norm(Y[:, j]) >= 1e-16]
    sx = [s for r in range(1, len(lx) + 1) for s in itertools.combinations(lx, r)]
    sy = [s for r in range(1, len(ly) + 1) for s in itertools.combinations(ly, r)]
    # ok_x[b]: the X neurons within eps of span(Y[:, sy[b]]); ok_y[a] likewise
    ok_x = [frozenset(np.array(lx)[_lstsq_dist(X[:, lx], Y[:, list(s)]) <= eps + THR].tolist()) for s in sy]
    ok_y = [frozenset(np.array(ly)[_lstsq_dist(Y[:, ly], X[:, list(s)]) <= eps + THR].tolist()) for s in sx]
    out = []
    for a, xs in enumerate(sx):
        fx = frozenset(xs)
        for b, ys in enumerate(sy):
            if fx <= ok_x[b] and frozenset(ys) <= ok_y[a]: out.append((fx, frozenset(ys)))
    return out


def _key(m):
    return frozenset(int(i) for i in m[0]), frozenset(int(j) for j in m[1])


def _instances():
    "Tiny layer pairs of varied kinds: Gaussian, ReLU'd shared structure, near-duplicates, dead neurons."
    out = []
    for seed in range(14):
        r = np.random.default_rng(seed)
        n = int(r.integers(4, 14))
        p1, p2 = int(r.integers(2, 7)), int(r.integers(2, 7))
        kind = seed % 3
        if kind == 0:
            X, Y = r.normal(size=(n, p1)), r.normal(size=(n, p2))
        elif kind == 1:
            Z = r.normal(size=(n, 3))
            X = np.maximum(Z @ r.normal(size=(3, p1)) + 0.3 * r.normal(size=(n, p1)), 0)
            Y = np.maximum(Z @ r.normal(size=(3, p2)) + 0.3 * r.normal(size=(n, p2)), 0)
        else:
            X = r.normal(size=(n, p1))
            Y = np.c_[X[:, : min(p1, p2)] @ r.normal(size=(min(p1, p2), min(p1, p2))), r.normal(size=(n, p2))][:, :p2]
            Y = Y + 0.15 * r.normal(size=Y.shape)
        if seed % 4 == 3: X[:, 0] = 0.0          # a dead neuron
        if seed % 5 == 4: Y[:, -1] = 0.0
        for eps in (0.2, 0.45, 0.7):
            out.append((seed, X, Y, eps))
    # two instances with 8 neurons a side
    for seed in (100, 101):
        r = np.random.default_rng(seed)
        Z = r.normal(size=(16, 4))
        X = np.c_[Z @ r.normal(size=(4, 5)) + 0.05 * r.normal(size=(16, 5)), r.normal(size=(16, 3))]
        Y = np.c_[Z[:, :3] @ r.normal(size=(3, 5)) + 0.05 * r.normal(size=(16, 5)), r.normal(size=(16, 3))]
        out.append((seed, X, Y, 0.3))
    return out


INSTANCES = _instances()


@pytest.mark.parametrize("method", ["exact", "gram"])
@pytest.mark.parametrize("seed,X,Y,eps", INSTANCES, ids=[f"s{s}-e{e}" for s, _, _, e in INSTANCES])
def test_max_match_is_union_of_all_matches(seed, X, Y, eps, method):
    allm = brute_force_matches(X, Y, eps)
    ux = frozenset().union(*[m[0] for m in allm]) if allm else frozenset()
    uy = frozenset().union(*[m[1] for m in allm]) if allm else frozenset()
    m = max_match(X, Y, eps, method=method)
    assert (frozenset(m.x_idx.tolist()), frozenset(m.y_idx.tolist())) == (ux, uy)
    assert m.score == pytest.approx((len(ux) + len(uy)) / (X.shape[1] + Y.shape[1]))
    if allm: assert (ux, uy) in set(allm)       # the union is itself a match


@pytest.mark.parametrize("seed,X,Y,eps", INSTANCES, ids=[f"s{s}-e{e}" for s, _, _, e in INSTANCES])
def test_min_match_is_minimal(seed, X, Y, eps):
    allm = set(brute_force_matches(X, Y, eps))
    m = max_match(X, Y, eps)
    for side, idx in (("x", m.x_idx), ("y", m.y_idx)):
        for i in idx:
            for s in (None, 0, 1):
                mm = min_match(X, Y, (side, int(i)), eps, seed=s)
                k = _key((mm.x_idx, mm.y_idx))
                assert k in allm, "not an ε-match"
                assert int(i) in (k[0] if side == "x" else k[1])
                smaller = [c for c in allm if c[0] <= k[0] and c[1] <= k[1] and c != k
                           and int(i) in (c[0] if side == "x" else c[1])]
                assert not smaller, f"a proper sub-match {smaller[0]} still contains the neuron"


@pytest.mark.parametrize("seed,X,Y,eps", INSTANCES[::3] + INSTANCES[-2:], ids=lambda v: None)
def test_simple_matches_are_simple_and_cover_the_maximum(seed, X, Y, eps):
    allm = set(brute_force_matches(X, Y, eps))
    sm = simple_matches(X, Y, eps, n_orders=3, seed=seed)
    if not allm:
        assert sm.matches == [] and sm.maximum.size == 0
        return
    for x, y in sm.matches:
        k = _key((x, y))
        assert k in allm
        subs = [c for c in allm if c[0] <= k[0] and c[1] <= k[1] and c != k]
        union = (frozenset().union(*[c[0] for c in subs]), frozenset().union(*[c[1] for c in subs])) if subs else None
        assert union != k, "a union of smaller matches is not simple"
    ux = set().union(*[set(x.tolist()) for x, _ in sm.matches]); uy = set().union(*[set(y.tolist()) for _, y in sm.matches])
    assert ux == set(sm.maximum.x_idx.tolist()) and uy == set(sm.maximum.y_idx.tolist())
    assert sum(sm.counts) == sm.n_runs == sm.maximum.size * 3
    assert int(sm.size_distribution().sum()) == len(sm.matches)


def test_all_minimal_matches_found_on_a_structured_instance():
    "A block of two that only matches as a whole, an exact pair, a near pair: simple_matches finds exactly these."
    E = np.eye(10)
    X = E[:, [0, 1, 2, 3]]
    Y = np.c_[E[:, 0] + E[:, 1], E[:, 0] - E[:, 1], E[:, 2] + 0.01 * E[:, 9], E[:, 3], E[:, 5]]
    allm = set(brute_force_matches(X, Y, 0.05))
    minimal = {k for k in allm if not any(c[0] <= k[0] and c[1] <= k[1] and c != k for c in allm)}
    sm = simple_matches(X, Y, 0.05, n_orders=5, seed=0)
    assert {_key(m) for m in sm.matches} == minimal
    assert sorted(sm.sizes.tolist()) == [2, 2, 4]


# ----------------------------------------------------------------------------------------------- planted structure
@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("nonneg", [False, True])
def test_planted_subspace_is_recovered_exactly(seed, nonneg):
    r = np.random.default_rng(seed)
    n, k = 400, 4
    Z = np.abs(r.normal(size=(n, k))) if nonneg else r.normal(size=(n, k))
    mix = (lambda a, b: np.abs(r.normal(size=(a, b)))) if nonneg else (lambda a, b: r.normal(size=(a, b)))
    indep = (lambda m: np.abs(r.normal(size=(n, m)))) if nonneg else (lambda m: r.normal(size=(n, m)))
    px, py, ix, iy = 7, 6, 5, 8
    X = np.c_[Z @ mix(k, px), indep(ix)]
    Y = np.c_[Z @ mix(k, py), indep(iy)]
    # shuffle the columns so that planted neurons are not simply the first ones
    cx, cy = r.permutation(px + ix), r.permutation(py + iy)
    X, Y = X[:, cx], Y[:, cy]
    want_x, want_y = np.sort(np.flatnonzero(cx < px)), np.sort(np.flatnonzero(cy < py))
    eps = 0.1
    m = max_match(X, Y, eps)
    np.testing.assert_array_equal(m.x_idx, want_x)
    np.testing.assert_array_equal(m.y_idx, want_y)
    assert m.score == pytest.approx((px + py) / (px + ix + py + iy))
    # with a little noise on the planted neurons the same set is recovered at an eps above the noise
    Xn = X + 0.01 * r.normal(size=X.shape) * np.isin(np.arange(X.shape[1]), want_x) * np.linalg.norm(X, axis=0) / np.sqrt(n)
    mn = max_match(Xn, Y, eps)
    np.testing.assert_array_equal(mn.x_idx, want_x); np.testing.assert_array_equal(mn.y_idx, want_y)
    # every simple match lies inside the planted neurons; an exact match (eps ~ 0) must span the whole k-dim
    # subspace on both sides (generic mixing: j < k neurons of one side span no neuron of the other): k + k neurons
    for e, sizes in ((eps, None), (1e-8, {2 * k})):
        sm = simple_matches(X, Y, e, n_orders=1, max_neurons=4, seed=seed)
        for x, y in sm.matches:
            assert set(x.tolist()) <= set(want_x.tolist()) and set(y.tolist()) <= set(want_y.tolist())
        if sizes: assert set(sm.sizes.tolist()) == sizes


def test_planted_needs_whole_subspace():
    "If Y's planted neurons only span part of X's subspace, the X neurons outside that part are not matched."
    r = np.random.default_rng(7)
    n = 300
    Z = r.normal(size=(n, 4))
    X = np.c_[Z[:, :2] @ r.normal(size=(2, 3)), Z[:, 2:] @ r.normal(size=(2, 3)), r.normal(size=(n, 2))]
    Y = np.c_[Z[:, :2] @ r.normal(size=(2, 4)), r.normal(size=(n, 3))]
    m = max_match(X, Y, 0.1)
    assert m.x_idx.tolist() == [0, 1, 2] and m.y_idx.tolist() == [0, 1, 2, 3]


# ----------------------------------------------------------------------------------------------- properties
@st.composite
def layer_pairs(draw):
    seed = draw(st.integers(0, 2**31 - 1))
    n = draw(st.integers(3, 40))
    p1, p2 = draw(st.integers(1, 8)), draw(st.integers(1, 8))
    r = np.random.default_rng(seed)
    shared = r.normal(size=(n, 3))
    X = np.c_[shared @ r.normal(size=(3, p1))] + draw(st.sampled_from([0.0, 0.1, 1.0])) * r.normal(size=(n, p1))
    Y = np.c_[shared @ r.normal(size=(3, p2))] + draw(st.sampled_from([0.0, 0.1, 1.0])) * r.normal(size=(n, p2))
    if draw(st.booleans()): X, Y = np.maximum(X, 0), np.maximum(Y, 0)
    X[:, np.linalg.norm(X, axis=0) == 0] = 1.0        # no dead neurons here (tested separately)
    Y[:, np.linalg.norm(Y, axis=0) == 0] = 1.0
    return X, Y, r


PROP = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROP
@given(layer_pairs(), st.lists(st.floats(0, 0.99), min_size=2, max_size=5))
def test_match_grows_with_eps(pair, epss):
    X, Y, _ = pair
    epss = sorted(epss)
    ms = [max_match(X, Y, e) for e in epss]
    for a, b in zip(ms, ms[1:]):
        assert set(a.x_idx) <= set(b.x_idx) and set(a.y_idx) <= set(b.y_idx)
        assert a.score <= b.score


@PROP
@given(layer_pairs())
def test_self_and_invertible_map_match_fully(pair):
    X, Y, r = pair
    assert max_match(X, X, 0.0).score == 1.0
    p = X.shape[1]
    A = np.linalg.qr(r.normal(size=(p, p)))[0] @ np.diag(r.uniform(0.5, 2.0, p)) @ np.linalg.qr(r.normal(size=(p, p)))[0]
    assert max_match(X, X @ A, 1e-6).score == 1.0
    assert max_match(X @ A, X, 1e-6).score == 1.0


@PROP
@given(layer_pairs())
def test_full_match_at_max_epsilon(pair):
    X, Y, _ = pair
    m = max_match(X, Y, 0.5)
    dx, dy = relative_distances(X, Y)
    assert m.max_epsilon == pytest.approx(max(dx.max(), dy.max()), abs=1e-8)
    assert m.max_epsilon >= max(dx.max(), dy.max()) - 1e-12
    if m.max_epsilon < 1 - 1e-9:
        assert max_match(X, Y, m.max_epsilon).score == 1.0
        if m.max_epsilon + 0.01 < 1: assert max_match(X, Y, m.max_epsilon + 0.01).score == 1.0
    # below it, some neuron is too far from the other full layer: never a full match
    if m.max_epsilon > 1e-6:
        assert max_match(X, Y, max(0.0, m.max_epsilon - 1e-6)).score < 1.0


@PROP
@given(layer_pairs(), st.floats(0.0, 0.95))
def test_gram_and_exact_routes_agree(pair, eps):
    X, Y, _ = pair
    a, b = max_match(X, Y, eps, method="exact"), max_match(X, Y, eps, method="gram")
    assert a.x_idx.tolist() == b.x_idx.tolist() and a.y_idx.tolist() == b.y_idx.tolist()
    assert a.max_epsilon == pytest.approx(b.max_epsilon, abs=1e-8)


def test_gram_route_on_ill_conditioned_and_near_threshold_neurons():
    "Near-duplicate neurons (Gram cannot certify) and a neuron at distance eps +- 1e-9 are decided exactly."
    r = np.random.default_rng(1)
    n = 500
    X = r.normal(size=(n, 3))
    d = r.normal(size=n); d -= X @ np.linalg.lstsq(X, d, rcond=None)[0]; d /= np.linalg.norm(d)
    x0 = X[:, 0] / np.linalg.norm(X[:, 0])
    Y = np.c_[X[:, :2], X[:, 2] + 1e-7 * d, X[:, 2]]            # y2 - y3 = 1e-7 d: a tiny but real direction
    Xd = np.c_[X, d]                                            # d is in span(Y) only through that tiny direction
    a, b = max_match(Xd, Y, 0.01, method="exact"), max_match(Xd, Y, 0.01, method="gram")
    assert a.x_idx.tolist() == b.x_idx.tolist() == [0, 1, 2, 3]
    # z at distance exactly 0.3 from span(X) (up to rounding): in at eps = 0.3 + 1e-9, out at 0.3 - 1e-9
    z = np.sqrt(1 - 0.09) * x0 + 0.3 * d
    for method in ("exact", "gram"):
        assert 0 in max_match(np.c_[z], X, 0.3 + 1e-9, method=method).x_idx
        assert max_match(np.c_[z], X, 0.3 - 1e-9, method=method).size == 0


@PROP
@given(layer_pairs(), st.floats(0.0, 0.95))
def test_symmetry_scaling_permutation(pair, eps):
    X, Y, r = pair
    m = max_match(X, Y, eps)
    mt = max_match(Y, X, eps)
    assert mt.x_idx.tolist() == m.y_idx.tolist() and mt.y_idx.tolist() == m.x_idx.tolist()
    assert max_match(X, -7.5 * Y, eps).score == m.score
    assert max_match(1e-3 * X, Y, eps).score == m.score
    perm = r.permutation(Y.shape[1])
    mp = max_match(X, Y[:, perm], eps)
    assert sorted(perm[mp.y_idx].tolist()) == m.y_idx.tolist() and mp.x_idx.tolist() == m.x_idx.tolist()


def test_not_invariant_to_mixing_or_translation():
    "Declared invariances are exactly isotropic scaling and permutation: mixing neurons or shifting changes MMS."
    r = np.random.default_rng(0)
    n = 200
    X = r.normal(size=(n, 2))
    Y = np.c_[X[:, 0], r.normal(size=n)]          # one exact partner, one independent neuron
    base = max_match(X, Y, 0.2).score
    assert base == pytest.approx(2 / 4)
    Q = np.array([[np.cos(0.7), -np.sin(0.7)], [np.sin(0.7), np.cos(0.7)]])
    assert max_match(X, Y @ Q, 0.2).score == 0.0                              # orthogonal mixing
    assert max_match(X, Y @ np.array([[1.0, 0.5], [0.5, 1.0]]), 0.2).score == 0.0   # invertible mixing
    assert max_match(X, Y + 3.0, 0.2).score != base                           # translation (uncentred)
    meas = get_measure("max_match")
    assert set(meas.invariances) == {"isotropic_scaling", "permutation"}
    assert meas.symmetric and meas.kind == "similarity" and meas.identity == 1.0


def test_dead_neurons_excluded_and_counted():
    r = np.random.default_rng(3)
    X = r.normal(size=(50, 4)); Y = np.c_[X[:, :2] @ r.normal(size=(2, 2)), r.normal(size=(50, 1))]
    m = max_match(X, Y, 0.1)
    Xd = np.c_[X[:, :2], np.zeros(50), X[:, 2:], np.zeros(50)]           # dead neurons at columns 2 and 5
    Yd = np.c_[np.zeros(50), Y]
    md = max_match(Xd, Yd, 0.1)
    assert md.dead_x.tolist() == [2, 5] and md.dead_y.tolist() == [0]
    assert 2 not in md.x_idx and 5 not in md.x_idx and 0 not in md.y_idx
    assert md.size == m.size
    assert md.score == pytest.approx(m.size / (6 + 4))
    assert max_match(Xd, Xd, 0.0).score == pytest.approx(4 / 6)           # MMS(X, X) < 1 with dead neurons
    # tiny but not dead (>= 1e-16) still counts as a live neuron
    Xt = X.copy(); Xt[:, 3] *= 1e-14
    assert max_match(Xt, X, 0.0).score == 1.0


def test_min_eps_for_size_matches_bisection_contract():
    r = np.random.default_rng(5)
    Z = r.normal(size=(100, 3))
    X = np.c_[Z @ r.normal(size=(3, 4)) + 0.1 * r.normal(size=(100, 4)), r.normal(size=(100, 2))]
    Y = np.c_[Z @ r.normal(size=(3, 4)) + 0.2 * r.normal(size=(100, 4)), r.normal(size=(100, 3))]
    prev = 0.0
    for k in range(1, 14):
        e = min_eps_for_size(X, Y, k, tol=1e-7)
        assert max_match(X, Y, e).size >= k
        if e > 0: assert max_match(X, Y, max(0.0, e - 2e-7)).size < k
        assert e >= prev; prev = e


# ----------------------------------------------------------------------------------------------- conv protocol
def test_sampled_protocol_shares_coordinates():
    g = torch.Generator().manual_seed(0)
    A = torch.relu(torch.randn(30, 5, 6, 6, generator=g, dtype=torch.float64))
    B = A[:, [3, 1, 4, 0, 2]] * 2.5                     # same channels, permuted and rescaled
    df = sampled_max_match(A, B, eps=[0.0, 0.2], n_coords=200, repeats=4, seed=1)
    assert (df.score == 1.0).all() and len(df) == 8    # identical coordinates on both sides, every draw
    # different spatial positions would not match: shifting B by one pixel breaks it
    Bs = torch.roll(B, 1, dims=3)
    assert (sampled_max_match(A, Bs, eps=0.2, n_coords=200, repeats=2).score < 1.0).all()


def test_registered_measure_samples_large_inputs():
    r = np.random.default_rng(0)
    X = np.abs(r.normal(size=(3000, 6))); Y = np.c_[X[:, :3], np.abs(r.normal(size=(3000, 3)))]
    exact = max_match_score(X, Y, eps=0.3)
    sampled = max_match_score(X, Y, eps=0.3, n_coords=500, repeats=3, seed=0)
    assert exact == 0.5 and sampled == 0.5
    assert get_measure("max_match")(X, Y) == max_match(X, Y, 0.5).score


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_matches_cpu():
    r = np.random.default_rng(0)
    Z = r.normal(size=(500, 5))
    X = np.c_[Z @ r.normal(size=(5, 20)), r.normal(size=(500, 10))]
    Y = np.c_[Z @ r.normal(size=(5, 15)), r.normal(size=(500, 10))]
    for eps in (0.1, 0.5, 0.9):
        a = max_match(X, Y, eps); b = max_match(torch.tensor(X, device="cuda"), torch.tensor(Y, device="cuda"), eps)
        assert a.x_idx.tolist() == b.x_idx.tolist() and a.y_idx.tolist() == b.y_idx.tolist()
        assert a.max_epsilon == pytest.approx(b.max_epsilon, abs=1e-9)
    sm = simple_matches(torch.tensor(X, device="cuda"), torch.tensor(Y, device="cuda"), 0.1, n_orders=1, max_neurons=3)
    assert len(sm.matches) >= 1


# ----------------------------------------------------------------------------------------------- bad input
GOOD = np.random.default_rng(9).normal(size=(20, 4))


@pytest.mark.parametrize("eps", [-0.01, 1.0, 1.5, float("nan"), float("inf")])
def test_eps_out_of_range(eps):
    for f in (lambda: max_match(GOOD, GOOD, eps), lambda: min_match(GOOD, GOOD, 0, eps),
              lambda: simple_matches(GOOD, GOOD, eps), lambda: max_match_score(GOOD, GOOD, eps),
              lambda: sampled_max_match(GOOD, GOOD, eps)):
        with pytest.raises(ValueError, match=r"\[0, 1\)"): f()


@pytest.mark.parametrize("eps", ["0.2", None, True, [0.2]])
def test_eps_wrong_type(eps):
    with pytest.raises(TypeError, match="eps"): max_match(GOOD, GOOD, eps)


def test_mismatched_rows():
    with pytest.raises(ValueError, match="same number of rows"): max_match(GOOD, GOOD[:10], 0.2)
    with pytest.raises(ValueError, match="same number of rows"): min_match(GOOD, GOOD[:10], 0, 0.2)
    with pytest.raises(ValueError, match="same number of rows"): min_eps_for_size(GOOD, GOOD[:10], 2)
    with pytest.raises(ValueError, match="same inputs and positions"): sampled_max_match(GOOD, GOOD[:10], 0.2)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_inf(bad):
    Xb = GOOD.copy(); Xb[2, 1] = bad
    with pytest.raises(ValueError, match="NaN"): max_match(Xb, GOOD, 0.2)
    with pytest.raises(ValueError, match="NaN"): max_match(GOOD, Xb, 0.2)
    with pytest.raises(ValueError, match="NaN"): sampled_max_match(Xb[:, :, None], GOOD[:, :, None], 0.2)


def test_all_dead_layer():
    with pytest.raises(ValueError, match="`X` is an all-dead layer"): max_match(np.zeros((20, 3)), GOOD, 0.2)
    with pytest.raises(ValueError, match="`Y` is an all-dead layer"): max_match(GOOD, np.zeros((20, 3)), 0.2)
    with pytest.raises(ValueError, match="all-dead"): relative_distances(GOOD, np.zeros((20, 2)))
    # "dead" is relative to the layer's own scale (max_match declares isotropic scaling): a uniformly tiny layer lives
    assert np.isfinite(relative_distances(GOOD, np.full((20, 2), 1e-20) + 1e-21 * np.eye(20)[:, :2])[1]).all()
    with pytest.raises(ValueError, match="all-dead"): get_measure("max_match")(np.zeros((20, 3)), GOOD)


def test_bad_arguments_of_the_other_calls():
    E = np.eye(6)
    X, Y = E[:, :3], np.c_[E[:, :2], E[:, 5]]
    with pytest.raises(ValueError, match="not in the maximum"): min_match(X, Y, 2, 0.2)
    with pytest.raises(ValueError, match="out of range"): min_match(X, Y, ("y", 3), 0.2)
    with pytest.raises(TypeError, match="pair"): min_match(X, Y, "x0", 0.2)
    with pytest.raises(ValueError, match="dead"): min_match(X, np.c_[Y, np.zeros(6)], ("y", 3), 0.2)
    with pytest.raises(ValueError, match="n_orders"): simple_matches(X, Y, 0.2, n_orders=0)
    with pytest.raises(ValueError, match="live neurons"): min_eps_for_size(X, Y, 0)
    with pytest.raises(ValueError, match="live neurons"): min_eps_for_size(X, Y, 7)
    with pytest.raises(ValueError, match="orthogonal"): min_eps_for_size(X, Y, 6)
    with pytest.raises(ValueError, match="n_coords"): sampled_max_match(X, Y, 0.2, n_coords=0)
    with pytest.raises(ValueError, match="repeats"): sampled_max_match(X, Y, 0.2, repeats=-1)
    with pytest.raises(TypeError, match="floating"): sampled_max_match(X.astype(int), Y, 0.2)
    with pytest.raises(TypeError): max_match([["a"]], Y, 0.2)
