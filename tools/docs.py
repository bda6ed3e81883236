#!/usr/bin/env python
"""Build the documentation site offline.

    python tools/docs.py            # nbdev's notebook processing into _proc/, then smalldocs -> _docs/

1. **Process** the notebooks as `nbdev-proc-nbs` does (refresh nbdev.yml and the module index, then run nbdev's
   processors into _proc/), minus its first step, which installs Quarto by downloading a binary. Two of nbdev's
   pieces are swapped for the site's own, in this process only:
   - `show_doc` renders each API entry as a compact signature, the docstring, a parameter table
     (parameter, type, default, details from the docments comments, and the return value) and a `source` link to
     the line on GitHub (`git_url`, `branch`), resolved against the chapter's own module (a name defined in two
     modules, such as `linear_cka` in `repsim.cka` and `repsim.differentiable`, links to the right file);
   - nbdev's doclinks (absolute links to the hosted site) are off; names are linked at staging instead (step 2).
   The notebooks whose content is computed from the others (the home page, the references, the API index) are
   processed again on every build; the others only when they changed (or when this file did).
2. **Stage** the processed notebooks in _docs_src/ under the names of their `output-file` (05_cka -> cka.ipynb),
   with the chapter's whole `> description` as its subtitle; backticked public names in prose (`linear_cka`,
   `compare()`, `repsim.stitch`, `repsim.cka.linear_cka`) become site-relative links to their API entry (the
   page's own module first), so they work offline; each figure cell's `#| fig-alt:` (or `#| fig-cap:`) becomes its
   image's alt text, whatever punctuation it holds.
3. **Render** with smalldocs (pure Python, in this process) into _docs/, the search index leaving out test code
   (`fastcore.test` imports, `assert`s, `test_eq(...)` checks; the pages still show them), then post-process:
   KaTeX ships with the site (its scripts, styles and fonts copied to `_docs/katex/`; `bash tools/setup.sh --test`
   installs the npm package, `$REPSIM_KATEX` points at another `katex/dist`), the theme's web-font import is
   dropped, and search.json ranks the public API entries first. Nothing on the site loads from the network.

Where Quarto is installed, `nbdev-docs` builds a site from the same notebooks with Quarto instead, with nbdev's own
show_doc and its doclinks (absolute links to the hosted site; `strip_libs` in pyproject.toml makes them find the
names).
"""
import ast, functools, hashlib, html, json, os, re, shutil, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMPUTED = ("index", "97_references", "99_api")        # notebooks whose outputs are computed from the others
_STATE = {"module": None}                               # the module of the notebook being processed


# ------------------------------------------------------------------------------------------------ the public API

@functools.lru_cache(None)
def api_index() -> dict:
    """The public API as the site shows it: {module: {"page": "cka.html", "names": {name: "cka.html#anchor"}}} for
    every repsim module, from the module index nbdev writes (`repsim/_modidx.py`: defs and their pages) restricted
    to each module's `__all__` (constants have no entry, so no link)."""
    import importlib
    d = _modidx()
    out = {}
    for mod, syms in d["syms"].items():
        if mod in ("repsim.__init__", "repsim._modidx"): continue
        try: m = importlib.import_module(mod)
        except Exception: continue
        public = set(getattr(m, "__all__", []))
        names = {k[len(mod) + 1:]: v[0] for k, v in syms.items() if k[len(mod) + 1:] in public}
        pages = {v[0].split("#")[0] for v in syms.values()}
        if names or pages: out[mod] = {"page": sorted(pages)[0] if pages else "", "names": names}
    return out


def _modidx() -> dict:
    "The module index as written on disk (read fresh: the build rewrites it)."
    src = (ROOT / "repsim" / "_modidx.py").read_text()
    ns = {}
    exec(compile(src, "_modidx.py", "exec"), ns)
    return ns["d"]


@functools.lru_cache(None)
def link_table() -> tuple[dict, dict, dict]:
    """(qualified, toplevel, by_module): `repsim.cka.linear_cka` and `repsim.cka` -> target;
    `repsim.linear_cka` (a top-level name) -> target; {module_short: {name: target}} for bare names."""
    import repsim
    qual, top, by_mod = {}, {}, {}
    for mod, info in api_index().items():
        short = mod.split(".", 1)[1]
        by_mod[short] = dict(info["names"])
        qual[mod] = info["page"]
        for n, t in info["names"].items(): qual[f"{mod}.{n}"] = t
    for n in getattr(repsim, "__all__", []):
        obj = getattr(repsim, n, None)
        mod = getattr(obj, "__module__", None)
        if mod in api_index() and n in api_index()[mod]["names"]: top[n] = api_index()[mod]["names"][n]
    return qual, top, by_mod


_RE_CODE = re.compile(r"(\[)?`([A-Za-z_][\w.]*)(\(\))?`(\]\()?")


def linkify(md: str, module: str | None) -> str:
    """Turn backticked public names in Markdown into links to their API entry: `name` (the page's own module first,
    then the top level, then any module that has it), `name()`, `repsim.name`, `repsim.mod.name`, `repsim.mod`.
    Fenced and indented code, headings and names that are already link text are left alone."""
    qual, top, by_mod = link_table()
    own = by_mod.get(module or "", {})
    others = [v for k, v in sorted(by_mod.items()) if k != module]

    def target(name):
        if name.startswith("repsim."):
            return qual.get(name) or top.get(name[len("repsim."):])
        if "." in name: return None
        if name in own: return own[name]
        if name in top: return top[name]
        return next((t[name] for t in others if name in t), None)

    def sub(m):
        if m.group(1) and m.group(4): return m.group(0)                  # already [`x`](...)
        t = target(m.group(2))
        if t is None: return m.group(0)
        return f"{m.group(1) or ''}[`{m.group(2)}{m.group(3) or ''}`]({t}){m.group(4) or ''}"

    out, fence = [], None
    for line in md.split("\n"):
        s = line.lstrip()
        f = re.match(r"(`{3,}|~{3,})", s)
        if fence:
            if f and f.group(1)[0] == fence[0] and len(f.group(1)) >= len(fence): fence = None
        elif f: fence = f.group(1)
        elif not (line.startswith("    ") or s.startswith("#")): line = _RE_CODE.sub(sub, line)
        out.append(line)
    return "\n".join(out)


# ------------------------------------------------------------------------------------------- show_doc's entries

def _type_str(anno) -> str:
    from fastcore.docments import _type_str as ts
    return ts(anno)


def _cell(s) -> str:
    "Text for a Markdown table cell."
    return str(s).replace("\n", " ").replace("|", "\\|").strip()


def param_table(sym) -> str:
    """A Markdown table of `sym`'s parameters (type, default, details from the docments comments) and its return
    value; classes document their constructor's parameters, dataclasses their fields."""
    import inspect
    from fastcore.docments import docments, isdataclass
    try: d = docments(sym, full=True, args_kwargs=True)
    except Exception: d = {}
    try: sig = inspect.signature(sym)
    except (TypeError, ValueError): sig = None
    kinds = {k: p.kind for k, p in sig.parameters.items()} if sig else {}
    rows = []
    for k, v in d.items():
        if k in ("return", "self", "cls"): continue
        kind = kinds.get(k)
        nm = ("*" if kind == inspect.Parameter.VAR_POSITIONAL else "**" if kind == inspect.Parameter.VAR_KEYWORD
              else "") + k
        anno, default = v.get("anno", inspect._empty), v.get("default", inspect._empty)
        t = f"`{_cell(_type_str(anno))}`" if anno is not inspect._empty else ""
        dv = f"`{_cell(default.__name__ if hasattr(default, '__name__') else repr(default))}`" \
            if default is not inspect._empty else ""
        rows.append(f"| <code>{html.escape(nm)}</code> | {t} | {dv} | {_cell(v.get('docment') or '')} |")
    ret = d.get("return") or {}
    ranno = ret.get("anno", inspect._empty)
    if not inspect.isclass(sym) and not isdataclass(sym) and (ret.get("docment") or ranno not in (inspect._empty,)):
        rt = f"`{_cell(_type_str(ranno))}`" if ranno is not inspect._empty else ""
        rows.append(f"| **Returns** | {rt} |  | {_cell(ret.get('docment') or '')} |")
    if not rows: rows.append("| *(no parameters)* |  |  |  |")
    return "\n".join(["| Parameter | Type | Default | Details |", "|---|---|---|---|", *rows])


def _owner(sym) -> tuple[str | None, str]:
    "The repsim module that defines `sym` (the notebook's own module for a name defined while processing it)."
    mod = getattr(sym, "__module__", None)
    if not (isinstance(mod, str) and mod.startswith("repsim")):
        mod = f"repsim.{_STATE['module']}" if _STATE["module"] else None
    return mod, getattr(sym, "__qualname__", getattr(sym, "__name__", ""))


def _from_module(mod: str | None, qual: str, sym):
    """The exported object of that name in `mod` (repsim/*.py) when there is one of the same kind: its source is a
    file, so docments read the comments of a class or dataclass too (a class defined in nbdev's shell has none)."""
    import importlib, inspect
    try: obj = functools.reduce(getattr, qual.split("."), importlib.import_module(mod))
    except Exception: return sym
    same = inspect.isclass(obj) == inspect.isclass(sym) and callable(obj)
    return obj if same else sym


def source_url(mod: str | None, qual: str) -> str | None:
    "The GitHub URL of the line that defines `qual` in module `mod` (nbdev's `git_url` and `branch`)."
    from nbdev.config import get_config
    from nbdev.doclinks import _lineno
    if not mod: return None
    cfg = get_config()
    rel = mod.replace(".", "/") + ".py"
    if not (ROOT / rel).exists(): return None
    line = _lineno(qual, rel)
    return f"{cfg.git_url}/blob/{cfg.branch}/{rel}" + (f"#L{line}" if line else "")


def _renderer():
    from fastcore.docments import _fmt_sig, _ital_first, DocmentText
    from nbdev.showdoc import BasicMarkdownRenderer
    import inspect

    class ParamTableRenderer(BasicMarkdownRenderer):
        "show_doc for the site: heading, source link, compact signature, docstring, parameter table."
        def _repr_markdown_(self):
            sym = self.sym
            mod, qual = _owner(sym)
            src = source_url(mod, qual)
            if isinstance(self.dm, DocmentText):
                dm = self.dm
                ret = dm.dm.get("return", {})
                anno = f"->{_type_str(ret['anno'])}" if ret.get("anno", inspect._empty) is not inspect._empty else ""
                sig = _fmt_sig(self.nm, [(f, "") for f, _ in dm.params], f"){anno}", 100,
                               prefix="class" if inspect.isclass(sym) else "def")
            else: sig = str(self.dm)
            title = re.sub(r"([_*])", r"\\\1", self.nm) if self.nm.startswith("_") else self.nm   # __getattr__
            out = ["---", "", f"{'#' * self.title_level} {title} {{#{self.nm.lower()}}}", ""]
            if src: out += [f'[source]({src}){{.sd-source target="_blank"}}', ""]
            out += ["```python", sig, "```", ""]
            if self.docs: out += [_ital_first(self.docs), ""]
            out += [":::: {.doc-params}", param_table(_from_module(mod, qual, sym)), "::::", ""]
            return "\n".join(out)

    return ParamTableRenderer


# --------------------------------------------------------------------------------------------------- processing

def _stamp() -> str:
    import nbdev, smalldocs
    h = hashlib.sha256(Path(__file__).read_bytes())
    h.update(f"{nbdev.__version__} {getattr(smalldocs, '__version__', '')}".encode())
    return h.hexdigest()[:16]


def proc_nbs() -> Path:
    "nbdev's notebook processing into _proc/, with the site's show_doc and without nbdev's absolute doclinks."
    os.chdir(ROOT)
    from nbdev.config import get_config
    from nbdev.quarto import refresh_quarto_yml
    from nbdev.serve import proc_nbs as _proc
    import nbdev.doclinks, nbdev.processors, nbdev.showdoc
    cfg = get_config()
    refresh_quarto_yml()
    nbdev.doclinks._build_modidx()
    api_index.cache_clear(); link_table.cache_clear()
    cache = ROOT / "_proc"
    stamp = cache / ".site-stamp"
    force = not (stamp.exists() and stamp.read_text() == _stamp())
    for stem in COMPUTED: (cache / f"{stem}.ipynb").unlink(missing_ok=True)
    # the site's pieces, for this process only
    nbdev.processors.add_links = lambda cell: None
    nbdev.showdoc.BasicMarkdownRenderer = _renderer()
    begin = nbdev.processors.exec_show_docs.begin
    def _begin(self):
        _STATE["module"] = next((str(c.directives_["default_exp"]).split()[0] for c in self.nb.cells
                                 if "default_exp" in (getattr(c, "directives_", None) or {})), None)
        return begin(self)
    nbdev.processors.exec_show_docs.begin = _begin
    finders = list(sys.meta_path)
    try: out = Path(_proc(cfg.nbs_path, n_workers=0, force=force))
    finally:
        nbdev.processors.exec_show_docs.begin = begin
        # import hooks that a processed notebook installed (99_api's renamed-module finder) leave with it
        sys.meta_path[:] = [f for f in sys.meta_path if f in finders or type(f).__module__ != "__main__"]
    stamp.write_text(_stamp())
    return out


# ------------------------------------------------------------------------------------------------------ staging

def full_description(d: dict, source: Path) -> None:
    """nbdev keeps only the first line of a chapter's `> description`; put the whole blockquote (as written in the
    source notebook) into the page's front matter, so subtitles are complete sentences."""
    import yaml
    if not source.exists(): return
    md = next((c for c in json.loads(source.read_text())["cells"] if c["cell_type"] == "markdown"), None)
    quote = [l[1:].strip() for l in "".join(md["source"]).splitlines() if l.startswith(">")] if md else []
    if not quote: return
    raw = d["cells"][0] if d["cells"] and d["cells"][0]["cell_type"] == "raw" else None
    if raw is None: return
    text = "".join(raw["source"])
    m = re.match(r"^---\n(.*?)\n---", text, re.S)
    if not m: return
    front = yaml.safe_load(m.group(1)) or {}
    front["description"] = " ".join(quote)
    raw["source"] = "---\n" + yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=10_000) + "---\n\n"


def _src(c) -> str:
    return "".join(c["source"]) if isinstance(c["source"], list) else c["source"]


def figure_options(code: str) -> str:
    """Make a cell's leading `#| key: value` lines valid YAML (a `fig-alt` with `: ` in it would otherwise void every
    option of the cell) and give a figure with a `fig-cap` but no `fig-alt` its caption as alt text."""
    import yaml
    lines = code.split("\n")
    n = 0
    while n < len(lines) and lines[n].startswith("#|"): n += 1
    if not n: return code
    opts, keys = [], set()
    for l in lines[:n]:
        m = re.match(r"#\|\s*([\w-]+)\s*:\s*(.*)$", l)
        if m:
            k, v = m.group(1), m.group(2).strip()
            keys.add(k)
            try: ok = isinstance(yaml.safe_load(f"{k}: {v}"), dict)
            except yaml.YAMLError: ok = False
            if not ok or (k in ("fig-alt", "fig-cap") and v and v[0] not in "\"'["):
                l = f"#| {k}: {json.dumps(v, ensure_ascii=False)}"
        opts.append(l)
    if "fig-cap" in keys and "fig-alt" not in keys:
        caps = (re.match(r"#\|\s*fig-cap\s*:\s*(.*)$", l) for l in opts)
        cap = next(m.group(1) for m in caps if m)
        opts.append(f"#| fig-alt: {cap}")
    return "\n".join(opts + lines[n:])


_TEST_CALL = re.compile(r"^test_\w*$")


def _is_test_stmt(node) -> bool:
    "A `fastcore.test` import, an `assert`, or a call of a `test_*` function (also inside a for/with/if of such)."
    if isinstance(node, ast.Assert): return True
    if isinstance(node, ast.ImportFrom): return (node.module or "").startswith("fastcore.test")
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        f = node.value.func
        return bool(_TEST_CALL.match(f.id if isinstance(f, ast.Name) else getattr(f, "attr", "")))
    if isinstance(node, (ast.For, ast.With, ast.If)):
        body = node.body + getattr(node, "orelse", [])
        return bool(body) and all(_is_test_stmt(b) for b in body)
    return False


def indexed_code(cell: dict) -> tuple[str, str] | None:
    """(the code of a cell as the page shows it, the part of it the search index keeps): a cell that shows no
    output and has a test in it keeps nothing, any other keeps its code without its test statements (`fastcore.test`
    imports, `assert`s and `test_*(...)` calls, at any depth). None for a cell with no test code."""
    from smalldocs.notebook import cell_options
    if cell["cell_type"] != "code": return None
    _, code = cell_options(_src(cell))
    try: tree = ast.parse(code)
    except SyntaxError: return None
    tests = [n for n in ast.walk(tree) if isinstance(n, ast.stmt) and _is_test_stmt(n)]
    if not tests: return None
    if not cell.get("outputs"): return code.strip(), ""
    lines = code.split("\n")
    offs = [0]
    for l in lines: offs.append(offs[-1] + len(l.encode()) + 1)     # ast offsets are in UTF-8 bytes
    raw = code.encode()
    spans = sorted({(offs[n.lineno - 1] + n.col_offset, offs[n.end_lineno - 1] + n.end_col_offset) for n in tests})
    keep, at = [], 0
    for a, b in spans:
        if a < at: continue                                            # inside a test statement already removed
        keep.append(raw[at:a]); at = b
    keep.append(raw[at:])
    rest = b"".join(keep).decode()
    rest = "\n".join(l for l in rest.split("\n") if l.strip(" ;"))
    return code.strip(), rest


def _module_of(source: Path) -> str | None:
    if not source.exists(): return None
    for c in json.loads(source.read_text())["cells"]:
        m = re.search(r"^#\|\s*default_exp\s+(\S+)", _src(c), re.M) if c["cell_type"] == "code" else None
        if m: return m.group(1)
    return None


def stage(proc: Path) -> tuple[Path, dict]:
    """Copy the processed notebooks to _docs_src/, naming each page by its `output-file` front matter (smalldocs
    does not read that key, Quarto does), so both renderers give the same URLs: 05_cka.ipynb -> cka.html.
    Returns the folder and {code of a cell: what of it the search index keeps} for the cells with test code."""
    import yaml
    dst = ROOT / "_docs_src"
    if dst.exists(): shutil.rmtree(dst)
    shutil.copytree(proc, dst, ignore=shutil.ignore_patterns("_docs", "_site", "screenshots", ".site-stamp",
                                                             ".docs-test.lock"))
    renames, indexed = {}, {}
    entries = {}                                       # page -> the anchors of its API entries
    for info in api_index().values():
        for t in info["names"].values(): entries.setdefault(t.split("#")[0], set()).add(t.split("#")[1])
    for nb in sorted(dst.glob("*.ipynb")):
        d = json.loads(nb.read_text())
        source = ROOT / "nbs" / nb.name
        full_description(d, source)
        module = _module_of(source)
        from nbdev.config import nbpath2html
        anchors = entries.get(nbpath2html(source.name).name, set())
        for c in d["cells"]:
            if c["cell_type"] == "markdown":
                c["source"] = linkify(own_anchors(_src(c), anchors), module)
            elif c["cell_type"] == "code":
                c["source"] = figure_options(_src(c))
                if (ic := indexed_code(c)) is not None: indexed[ic[0]] = ic[1]
                for o in c.get("outputs", []):
                    md = (o.get("data") or {}).get("text/markdown")
                    if md is not None:
                        o["data"]["text/markdown"] = linkify("".join(md) if isinstance(md, list) else md, module)
        src = _src(d["cells"][0]) if d["cells"] else ""
        m = re.search(r"^output-file:\s*(\S+)\.html\s*$", src, re.M)
        name = m.group(1) if m else nb.stem
        if m: d["cells"][0]["source"] = src[:m.start()] + src[m.end() + 1:]    # the page is named after it already
        nb.write_text(json.dumps(d))
        if name != nb.stem:
            nb.rename(nb.with_name(name + ".ipynb")); renames[nb.name] = name + ".ipynb"
    relink(dst, {Path(o).stem: Path(n).stem for o, n in renames.items()})
    for yml in (dst / "_quarto.yml", dst / "sidebar.yml"):
        if not yml.exists(): continue
        cfg = yaml.safe_load(yml.read_text()) or {}
        sb = (cfg.get("website") or {}).get("sidebar")
        if isinstance(sb, dict) and "contents" in sb:
            sb["contents"] = _rename_contents(sb["contents"], renames)
            yml.write_text(yaml.safe_dump(cfg, sort_keys=False, allow_unicode=True))
    return dst, indexed


def own_anchors(md: str, anchors: set) -> str:
    """Give a prose heading whose identifier would be that of an API entry on the same page (`## SVCCA` and the
    entry `svcca`) an identifier of its own, `svcca-section`, so `cca.html#svcca` is the entry."""
    from smalldocs.markdown import pandoc_id
    if not anchors: return md
    out, fence = [], False
    for line in md.split("\n"):
        if re.match(r"\s*(`{3,}|~{3,})", line): fence = not fence
        m = None if fence else re.match(r"(#{1,6}\s+)(.*?)\s*$", line)
        if m and not m.group(2).endswith("}"):
            text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", m.group(2)).replace("`", "").replace("*", "")
            if pandoc_id(text) in anchors: line = f"{line.rstrip()} {{#{pandoc_id(text)}-section}}"
        out.append(line)
    return "\n".join(out)


def _rename_contents(items, renames: dict):
    "The sidebar's `contents:` with every notebook renamed as its page is (sections included)."
    out = []
    for c in items:
        if isinstance(c, str): out.append(renames.get(c, c))
        elif isinstance(c, dict):
            c = dict(c)
            for k in ("href", "file"):
                if isinstance(c.get(k), str): c[k] = renames.get(c[k], c[k])
            if isinstance(c.get("contents"), list): c["contents"] = _rename_contents(c["contents"], renames)
            out.append(c)
        else: out.append(c)
    return out


def relink(dst: Path, stems: dict) -> None:
    "Point markdown links at the renamed pages: (40_stitching.ipynb#x) and (40_stitching.html) -> (stitching.html#x)."
    if not stems: return
    pat = re.compile(r"\]\((" + "|".join(map(re.escape, stems)) + r")\.(?:ipynb|html)([#)])")
    for nb in dst.glob("*.ipynb"):
        d = json.loads(nb.read_text()); changed = False
        for c in d["cells"]:
            texts = [c] if c["cell_type"] == "markdown" else []
            for o in c.get("outputs", []):
                if "text/markdown" in (o.get("data") or {}): texts.append(o)
            for t in texts:
                src = _src(t) if t is c else "".join(t["data"]["text/markdown"])
                new = pat.sub(lambda m: f"]({stems[m.group(1)]}.html{m.group(2)}", src)
                if new == src: continue
                changed = True
                if t is c: c["source"] = new
                else: t["data"]["text/markdown"] = new
        if changed: nb.write_text(json.dumps(d))


# ------------------------------------------------------------------------------------------------ after smalldocs

KATEX_CDN = re.compile(r"https://cdn\.jsdelivr\.net/npm/katex@[0-9.]+/dist/")


def katex_dist() -> Path | None:
    "The `katex/dist` folder to ship: $REPSIM_KATEX, else the venv's npm install, else None."
    for p in (os.environ.get("REPSIM_KATEX"), Path(sys.prefix) / "npm" / "node_modules" / "katex" / "dist"):
        if p and (Path(p) / "katex.min.js").exists(): return Path(p)
    return None


def ship_katex(site: Path) -> int:
    "Copy KaTeX into `site`/katex and point every page at it; returns the number of pages rewritten."
    dist = katex_dist()
    if dist is None:
        print("[docs] katex not found (bash tools/setup.sh --test installs it): math needs the network to render")
        return 0
    dst = site / "katex"
    if dst.exists(): shutil.rmtree(dst)
    shutil.copytree(dist, dst, ignore=shutil.ignore_patterns("*.mjs", "README.md", "katex.js", "katex.css"))
    n = 0
    for page in site.rglob("*.html"):
        text = page.read_text()
        new = KATEX_CDN.sub(os.path.relpath(dst, page.parent) + "/", text)
        if new != text: page.write_text(new); n += 1
    return n


def offline_theme(site: Path) -> int:
    "Drop the theme's web-font import (cosmo imports Source Sans Pro from Google Fonts): the fallback fonts show."
    n = 0
    for css in (site / "site_libs" / "themes").rglob("*.css"):
        text = css.read_text()
        new = re.sub(r"@import url\((?:\"|')?https?://[^)]*\);?", "", text)
        if new != text: css.write_text(new); n += 1
    return n


def tidy_search(site: Path) -> int:
    """Rank the public API entries first in search.json: they come first (Fuse breaks ties by order; private names
    come last), each carries its qualified name (`repsim.cka.linear_cka`), and a prose section titled like an entry
    (`## stitch` above `stitch`'s entry) is listed as "About stitch", below the entry. Returns the number of entries."""
    p = site / "search.json"
    if not p.exists(): return 0
    entries = json.loads(p.read_text())
    anchors = {t: f"{mod}.{n}" for mod, info in api_index().items() for n, t in info["names"].items()}
    for e in entries:
        if e["href"] in anchors and anchors[e["href"]] not in e["text"]:
            e["text"] = f"{anchors[e['href']]} {e['text']}".strip()
        elif e["href"].endswith("-section") and e["href"][:-len("-section")] in anchors:
            e["section"] = f"About {e['section']}"         # the prose heading named like the entry ranks below it
    rank = lambda e: (0 if e["href"] in anchors else 2 if e["section"].startswith("_") else 1)
    entries = sorted((e for e in entries if e["text"] or e["section"]), key=rank)
    p.write_text(json.dumps(entries, ensure_ascii=False))
    return len(entries)


def smalldocs_build(src: Path, indexed: dict):
    """smalldocs' `render`, in this process, with test code left out of the search index: each fenced code block
    that `indexed` knows is indexed as what it maps to (the page still shows the whole code)."""
    from smalldocs import markdown, site
    search_text = markdown.Rules.search_text
    def _search_text(self, state):
        swapped = []
        for t in state.tokens:
            if t.type in ("fence", "code_block") and t.content.strip() in indexed:
                swapped.append((t, t.content)); t.content = indexed[t.content.strip()]
        try: return search_text(self, state)
        finally:
            for t, c in swapped: t.content = c
    markdown.Rules.search_text = _search_text
    try: built = site.build(src, quiet=True)
    finally: markdown.Rules.search_text = search_text
    for w in built.warnings:
        if "broken link" in w: print(f"[docs] warning: {w}")
    return built


def render(proc: Path) -> Path:
    "Stage the processed notebooks, render them with smalldocs into _docs/ (nbdev's doc_path), then post-process."
    from nbdev.config import get_config
    src, indexed = stage(proc)
    smalldocs_build(src, indexed)
    out = ROOT / get_config().doc_path.name
    if out.exists(): shutil.rmtree(out)
    shutil.move(str(src / get_config().doc_path.name), out)
    ship_katex(out)
    offline_theme(out)
    tidy_search(out)
    return out


def build() -> Path:
    "The whole build: process, stage, render."
    t0 = time.time()
    site = render(proc_nbs())
    print(f"site: {site} ({len(list(site.glob('*.html')))} pages, {time.time() - t0:.0f} s)")
    return site


if __name__ == "__main__":
    build()
