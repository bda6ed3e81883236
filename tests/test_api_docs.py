"""Every public callable documents every parameter and what it returns, where `show_doc` (the API reference) reads
it: nbdev `docments` comments (one `# comment` per parameter line and after the return annotation), `Annotated`
metadata or a NumPy-style docstring. Classes document their constructor's parameters (dataclass fields by comment).

Scope: the functions and classes in `__all__` of every repsim module (registered measures through their function);
a failure lists each undocumented parameter as `module.name: param`.
"""
import importlib, inspect, pkgutil

import pytest
from fastcore.docments import docments

import repsim

MODULES = sorted(m.name for m in pkgutil.iter_modules(repsim.__path__) if not m.name.startswith("_"))
SKIP_PARAMS = {"self", "cls"}


def _public():
    out = {}
    for mod in MODULES:
        m = importlib.import_module(f"repsim.{mod}")
        for name in getattr(m, "__all__", []):
            obj = getattr(m, name)
            f = getattr(obj, "fn", obj) if not inspect.isclass(obj) else obj
            if not (inspect.isfunction(f) or inspect.isclass(f)) or getattr(f, "__module__", None) != m.__name__:
                continue
            out[f"{mod}.{name}"] = f
    return out


PUBLIC = _public()


def _missing(f) -> list:
    try: sig = inspect.signature(f)
    except (TypeError, ValueError): return []
    d = docments(f, full=True, args_kwargs=True)
    miss = [p for p in sig.parameters if p not in SKIP_PARAMS and not (d.get(p) or {}).get("docment")]
    if inspect.isfunction(f) and sig.return_annotation not in (None, "None"):
        if not (d.get("return") or {}).get("docment"): miss.append("return")
    return miss


@pytest.mark.parametrize("mod", MODULES)
def test_every_parameter_documented(mod):
    bad = [f"{k}: {p}" for k, f in PUBLIC.items() if k.split(".")[0] == mod for p in _missing(f)]
    assert not bad, (f"{len(bad)} undocumented parameter(s)/return(s) in repsim.{mod} — add a docments comment "
                     f"(`param,  # what it is`) or a NumPy docstring entry: {bad}")


def test_scope_is_not_empty():
    "The walk finds the API (a broken walk would make the test above pass vacuously)."
    assert len(PUBLIC) > 150 and "comparison.compare" in PUBLIC and "cka.linear_cka" in PUBLIC, sorted(PUBLIC)[:20]
