"""Every public function × a set of bad inputs: a clear ValueError/TypeError, never a deep exception.

Each public function of every repsim module (its `__all__`) is called with each bad value below in every required
positional argument. A ValueError or TypeError (or a subclass: repsim's own errors derive from them) counts as a
clear refusal; an AttributeError, IndexError, RuntimeError, ... from deep inside is a failure. The counts are
printed (`pytest -s`) for the record.
"""
import collections, importlib, inspect, pkgutil, warnings

import numpy as np
import pytest
import torch

import repsim

MODULES = sorted(m.name for m in pkgutil.iter_modules(repsim.__path__) if not m.name.startswith("_"))
BAD = {"None": None, "str": "abc", "float": 3.5, "nan_matrix": np.array([[np.nan, 1.0]] * 6),
       "empty": np.zeros((0, 3)), "int_tensor": torch.ones(6, 3, dtype=torch.int64), "list": [1, 2],
       "6d": np.ones((2, 3, 4, 5, 6, 7))}
# functions whose arguments are free-form (names, messages, paths, seeds) or that start long work on any input
NOT_FUZZED = {"renamed", "renamed_args", "seed_everything", "get_scale", "default_device", "data_root", "cache_dir",
              "atomic_write", "register_measure", "register_model", "register_augmentation", "register_task",
              "train", "train_zoo", "main", "run_compare", "build_parser", "check_args"}


def _functions():
    for mod in MODULES:
        m = importlib.import_module(f"repsim.{mod}")
        for name in getattr(m, "__all__", []):
            f = getattr(m, name)
            if inspect.isfunction(f) and f.__module__ == m.__name__ and name not in NOT_FUZZED:
                yield f"{mod}.{name}", f


FUNCTIONS = dict(_functions())


def _call(f, bad):
    ps = [p for p in inspect.signature(f).parameters.values()
          if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return f(*[bad] * max(1, len(ps)))


@pytest.mark.parametrize("key", sorted(FUNCTIONS))
def test_bad_inputs_are_clear_errors(key):
    deep = []
    for bname, bad in BAD.items():
        try: _call(FUNCTIONS[key], bad)
        except (ValueError, TypeError, KeyError, FileNotFoundError): pass        # FileNotFoundError: a named missing file
        except Exception as e: deep.append(f"{bname}: {type(e).__name__}: {str(e)[:120]}")
    assert not deep, f"{key} fails deep inside on bad input: {deep}"


def test_counts(capsys):
    c = collections.Counter()
    for key, f in FUNCTIONS.items():
        for bad in BAD.values():
            try: _call(f, bad); c["accepted"] += 1
            except (ValueError, TypeError, KeyError, FileNotFoundError): c["clear error"] += 1
            except Exception: c["deep exception"] += 1
    with capsys.disabled():
        print(f"\n[public inputs] {len(FUNCTIONS)} functions x {len(BAD)} bad inputs = {sum(c.values())} cases: "
              f"{dict(c)}")
    assert c["deep exception"] == 0
