"""One API: module names, the argument vocabulary, one registry, and per-layer work done once.

The vocabulary table below is the one place that says which argument names the public API uses for the things
every function shares (two representations, two models, their layers); the tests walk every public callable.
"""
import importlib, inspect, pkgutil, re, sys, types
from pathlib import Path

import pytest
import torch
from torch import nn

import repsim
from repsim.core import MEASURES, default_measures

# ---- the vocabulary, declared once -------------------------------------------------------------------------------
# Two representations (activation matrices, rows = the same inputs): X and Y (train/test parts: X_train, Y_test, …).
REPRESENTATIONS = ("X", "Y")
# Two models and their layers, in every model-level call.
MODEL_ARGS = {"model", "models", "model_a", "model_b"}
LAYER_ARGS = {"layer", "layers", "layer_a", "layer_b"}
# Spellings that name the same things another way and must not appear in a public signature.
FORBIDDEN = {"A", "B", "Z1", "Z2", "Z1_train", "Z2_train", "Z1_test", "Z2_test", "front", "end", "front_layer",
             "end_layer", "net", "net_a", "net_b", "nets", "model1", "model2", "layer1", "layer2", "acts_a", "acts_b"}

MODULES = sorted(m.name for m in pkgutil.iter_modules(repsim.__path__) if not m.name.startswith("_"))


def _public_callables():
    "Every public function, and every public method of a public class, of every repsim module."
    seen = {}
    for mod in MODULES:
        m = importlib.import_module(f"repsim.{mod}")
        for name in getattr(m, "__all__", []):
            obj = getattr(m, name)
            if inspect.isfunction(obj) and obj.__module__ == m.__name__:
                seen[f"{mod}.{name}"] = obj
            elif inspect.isclass(obj) and obj.__module__ == m.__name__:
                for meth_name, meth in vars(obj).items():
                    if (meth_name == "__init__" or not meth_name.startswith("_")) and inspect.isfunction(meth):
                        seen[f"{mod}.{name}.{meth_name}"] = meth
    return seen


CALLABLES = _public_callables()


def _params(f):
    return list(inspect.signature(f).parameters)


# ---- modules -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("mod", MODULES)
def test_import_as_gives_the_module(mod):
    ns = {}
    exec(f"import repsim.{mod} as m", ns)
    assert isinstance(ns["m"], types.ModuleType), f"`import repsim.{mod} as m` gives {type(ns['m']).__name__}"
    assert getattr(repsim, mod) is sys.modules[f"repsim.{mod}"], f"a top-level name shadows the module repsim.{mod}"


def test_all_has_no_module_name():
    assert repsim.__all__, "repsim.__all__ is empty"
    clash = sorted(set(repsim.__all__) & set(MODULES))
    assert not clash, f"repsim.__all__ names that are also modules: {clash}"


@pytest.mark.parametrize("old,new", [("repsim.td", "repsim.discrepancy"), ("repsim.compare", "repsim.comparison"),
                                     ("repsim.cca", "repsim.canonical")])
def test_renamed_modules_say_where_they_went(old, new):
    with pytest.raises(ModuleNotFoundError, match=re.escape(new)):
        importlib.import_module(old)


def test_renamed_names_say_what_to_use():
    with pytest.raises(AttributeError, match="model_td"):
        repsim.td
    with pytest.raises(ValueError, match="td_labels"):
        repsim.get_measure("td")


# ---- vocabulary --------------------------------------------------------------------------------------------------
def test_walk_covers_the_api():
    assert len(CALLABLES) > 100
    for key in ("comparison.compare", "discrepancy.transferred_discrepancy", "tasks.model_td", "stitching.stitch",
                "subspace.max_match", "cka.linear_cka"):
        assert key in CALLABLES, key


@pytest.mark.parametrize("name", sorted(MEASURES))
def test_measures_take_X_Y(name):
    assert tuple(_params(MEASURES[name].fn)[:2]) == REPRESENTATIONS, (name, _params(MEASURES[name].fn))


@pytest.mark.parametrize("key", sorted(CALLABLES))
def test_no_forbidden_argument_names(key):
    bad = [p for p in _params(CALLABLES[key]) if p in FORBIDDEN]
    assert not bad, f"{key} takes {bad}; use the vocabulary X, Y / model_a, model_b / layer_a, layer_b"


@pytest.mark.parametrize("key", sorted(CALLABLES))
def test_model_and_layer_arguments_use_one_vocabulary(key):
    ps = _params(CALLABLES[key])
    bad = [p for p in ps if (p.startswith("model") and p not in MODEL_ARGS | {"model_kwargs", "model_name"})
           or (p.startswith("layer") and p not in LAYER_ARGS | {"layer_names", "layout"})]
    assert not bad, f"{key} takes {bad}; model-level calls use {sorted(MODEL_ARGS)} and {sorted(LAYER_ARGS)}"
    if "model_a" in ps or "model_b" in ps:
        assert {"model_a", "model_b"} <= set(ps), f"{key}: model_a goes with model_b"


def test_renamed_keywords_raise_naming_the_new_one():
    with pytest.raises(TypeError, match="`Z1_train` was renamed `X_train`"):
        repsim.transferred_discrepancy(Z1_train=None)


# ---- one registry ------------------------------------------------------------------------------------------------
def test_default_sets_come_from_the_registry():
    assert default_measures("compare") == ["linear_cka"]
    assert default_measures("cli") == ["linear_cka", "linear_cka_debiased", "procrustes_distance"]
    lid = default_measures("layerid")
    assert "linear_cka" in lid and "td_ridge_random" in lid and "dm_struct" in lid
    assert all(not MEASURES[m].requires for m in lid)
    src = "".join(p.read_text() for p in (Path(repsim.__file__).parent).glob("*.py"))
    assert "DEFAULT_MEASURES" not in src and "DEFAULT_CLI_MEASURES" not in src


def test_no_module_global_fit_cache():
    src = Path(sys.modules["repsim.stitching"].__file__).read_text()
    src += Path(sys.modules["repsim.stitching_scores"].__file__).read_text()
    assert "_FIT_CACHE" not in src and "weakref" not in src


def test_stitching_holds_no_second_stack():
    "repsim.stitching keeps the stitching layer, the stitched model and the fits; the stack lives elsewhere."
    src = Path(sys.modules["repsim.stitching"].__file__).read_text()
    for token in ("DataLoader(", "randperm(", ".backward(", "zero_grad", "rankdata", "roc_auc", "def _batches",
                  "def _take", "def _model_device", "def layer_output", "MahalanobisDetector"):
        assert token not in src, f"repsim/stitching.py still contains {token!r}"


# ---- per-layer work once -----------------------------------------------------------------------------------------
def test_compare_builds_each_rbf_kernel_once(monkeypatch):
    import repsim.cka as cka
    calls = []
    orig = cka.gram_rbf
    monkeypatch.setattr(cka, "gram_rbf", lambda X, *a, **k: calls.append(1) or orig(X, *a, **k))
    torch.manual_seed(0)
    toy = lambda: nn.Sequential(nn.Linear(5, 8), nn.ReLU(), nn.Linear(8, 6), nn.ReLU(), nn.Linear(6, 3))
    models, x = {"a": toy(), "b": toy()}, torch.randn(40, 5)
    df = repsim.compare(models, x, measures=["rbf_cka"])                   # pairs (a,a), (a,b), (b,b)
    L = 5
    assert len(df) == 3 * L * L
    assert len(calls) == 2 * L, f"{len(calls)} kernel builds for 2 models × {L} layers"
    monkeypatch.setattr(cka, "gram_rbf", orig)
    row = df[(df.model_a == "a") & (df.model_b == "b")].iloc[7]            # the values are the plain function's
    xa = repsim.get_activations(models["a"], x, [row.layer_a])[row.layer_a]
    xb = repsim.get_activations(models["b"], x, [row.layer_b])[row.layer_b]
    assert abs(row.value - cka.rbf_cka(xa, xb)) < 1e-12


def test_prepared_rbf_matches_plain():
    g = torch.Generator().manual_seed(1)
    X, Y = torch.randn(30, 4, generator=g, dtype=torch.float64), torch.randn(30, 6, generator=g, dtype=torch.float64)
    from repsim.cka import rbf_cka, prepare_rbf_cka, rbf_cka_prepared
    for deb in (False, True):
        a = rbf_cka(X, Y, sigma=0.4, debiased=deb)
        b = rbf_cka_prepared(prepare_rbf_cka(X, sigma=0.4, debiased=deb), prepare_rbf_cka(Y, sigma=0.4, debiased=deb))
        assert abs(a - b) < 1e-14
