#!/usr/bin/env python
"""Build the documentation site offline.

    python tools/docs.py            # nbdev's notebook processing into _proc/, then smalldocs -> _docs/

KaTeX ships with the site when the `katex` npm package is installed (`bash tools/setup.sh --test` puts it in
`$VENV/npm`; `$REPSIM_KATEX` points at another `katex/dist`): its scripts, styles and fonts are copied to
`_docs/katex/` and the pages load them from there, so math renders with no network.

This is what `nbdev-proc-nbs` does (refresh nbdev.yml, the module index and sidebar.yml, then process the notebooks
into _proc/), minus its first step, which installs Quarto by downloading a binary. The site is then rendered from
the processed `_quarto.yml` by smalldocs (pure Python). Where Quarto is installed, `nbdev-docs` builds the same
site with Quarto instead.
"""
import os, re, shutil, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def proc_nbs():
    os.chdir(ROOT)
    from nbdev.config import get_config
    from nbdev.quarto import refresh_quarto_yml, nbdev_sidebar
    from nbdev.serve import proc_nbs as _proc
    import nbdev.doclinks
    cfg = get_config()
    refresh_quarto_yml()
    nbdev.doclinks._build_modidx()
    nbdev_sidebar.__wrapped__(path=cfg.nbs_path)
    return Path(_proc(cfg.nbs_path, n_workers=0))


def full_description(nb: Path, source: Path):
    """nbdev keeps only the first line of a chapter's `> description`; put the whole blockquote (as written in the
    source notebook) into the page's front matter, so subtitles are complete sentences."""
    import json, yaml
    if not source.exists(): return
    md = next((c for c in json.loads(source.read_text())["cells"] if c["cell_type"] == "markdown"), None)
    quote = [l[1:].strip() for l in "".join(md["source"]).splitlines() if l.startswith(">")] if md else []
    if not quote: return
    d = json.loads(nb.read_text())
    raw = d["cells"][0] if d["cells"] and d["cells"][0]["cell_type"] == "raw" else None
    if raw is None: return
    text = "".join(raw["source"])
    m = re.match(r"^---\n(.*?)\n---", text, re.S)
    if not m: return
    front = yaml.safe_load(m.group(1)) or {}
    front["description"] = " ".join(quote)
    raw["source"] = "---\n" + yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=10_000) + "---\n\n"
    nb.write_text(json.dumps(d))


def stage(proc: Path) -> Path:
    """Copy the processed notebooks to _docs_src/, naming each page by its `output-file` front matter (smalldocs
    does not read that key, Quarto does), so both renderers give the same URLs: 05_cka.ipynb -> cka.html."""
    import json, re, yaml
    dst = ROOT / "_docs_src"
    if dst.exists(): shutil.rmtree(dst)
    shutil.copytree(proc, dst, ignore=shutil.ignore_patterns("_docs", "_site"))
    renames = {}
    for nb in sorted(dst.glob("*.ipynb")):
        full_description(nb, ROOT / "nbs" / nb.name)
        cells = json.loads(nb.read_text())["cells"]
        src = "".join(cells[0]["source"]) if cells else ""
        m = re.search(r"^output-file:\s*(\S+)\.html\s*$", src, re.M)
        if m and m.group(1) != nb.stem:
            nb.rename(nb.with_name(m.group(1) + ".ipynb")); renames[nb.name] = m.group(1) + ".ipynb"
    relink(dst, {Path(o).stem: Path(n).stem for o, n in renames.items()})
    sb = dst / "sidebar.yml"
    if sb.exists():
        cfg = yaml.safe_load(sb.read_text())
        cont = cfg["website"]["sidebar"]["contents"]
        cfg["website"]["sidebar"]["contents"] = [renames.get(c, c) if isinstance(c, str) else c for c in cont]
        sb.write_text(yaml.dump(cfg, sort_keys=False))
    return dst


def relink(dst: Path, stems: dict):
    "Point markdown links at the renamed pages: (40_stitching.ipynb#x) and (40_stitching.html) -> (stitching.html#x)."
    import json
    if not stems: return
    pat = re.compile(r"\]\((" + "|".join(map(re.escape, stems)) + r")\.(?:ipynb|html)([#)])")
    for nb in dst.glob("*.ipynb"):
        d = json.loads(nb.read_text()); changed = False
        for c in d["cells"]:
            if c["cell_type"] != "markdown": continue
            src = "".join(c["source"]); new = pat.sub(lambda m: f"]({stems[m.group(1)]}.html{m.group(2)}", src)
            if new != src: c["source"], changed = new, True
        if changed: nb.write_text(json.dumps(d))


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
        html = page.read_text()
        new = KATEX_CDN.sub(os.path.relpath(dst, page.parent) + "/", html)
        if new != html: page.write_text(new); n += 1
    return n


def render(proc: Path) -> Path:
    "Render the staged site with smalldocs into _docs/ (nbdev's doc_path)."
    from nbdev.config import get_config
    src = stage(proc)
    smalldocs = shutil.which("smalldocs") or str(Path(sys.executable).with_name("smalldocs"))
    subprocess.run([smalldocs, "render", "--quiet", str(src)], check=True)
    out = ROOT / get_config().doc_path.name
    if out.exists(): shutil.rmtree(out)
    shutil.move(str(src / get_config().doc_path.name), out)
    ship_katex(out)
    return out


if __name__ == "__main__":
    site = render(proc_nbs())
    print(f"site: {site} ({len(list(site.rglob('*.html')))} pages)")
