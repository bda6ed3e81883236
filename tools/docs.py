#!/usr/bin/env python
"""Build the documentation site offline.

    python tools/docs.py            # nbdev's notebook processing into _proc/, then smalldocs -> _docs/

This is what `nbdev-proc-nbs` does (refresh nbdev.yml, the module index and sidebar.yml, then process the notebooks
into _proc/), minus its first step, which installs Quarto by downloading a binary. The site is then rendered from
the processed `_quarto.yml` by smalldocs (pure Python). Where Quarto is installed, `nbdev-docs` builds the same
site with Quarto instead.
"""
import os, shutil, subprocess, sys
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


def stage(proc: Path) -> Path:
    """Copy the processed notebooks to _docs_src/, naming each page by its `output-file` front matter (smalldocs
    does not read that key, Quarto does), so both renderers give the same URLs: 05_cka.ipynb -> cka.html."""
    import json, re, yaml
    dst = ROOT / "_docs_src"
    if dst.exists(): shutil.rmtree(dst)
    shutil.copytree(proc, dst, ignore=shutil.ignore_patterns("_docs", "_site"))
    renames = {}
    for nb in sorted(dst.glob("*.ipynb")):
        cells = json.loads(nb.read_text())["cells"]
        src = "".join(cells[0]["source"]) if cells else ""
        m = re.search(r"^output-file:\s*(\S+)\.html\s*$", src, re.M)
        if m and m.group(1) != nb.stem:
            nb.rename(nb.with_name(m.group(1) + ".ipynb")); renames[nb.name] = m.group(1) + ".ipynb"
    sb = dst / "sidebar.yml"
    if sb.exists():
        cfg = yaml.safe_load(sb.read_text())
        cont = cfg["website"]["sidebar"]["contents"]
        cfg["website"]["sidebar"]["contents"] = [renames.get(c, c) if isinstance(c, str) else c for c in cont]
        sb.write_text(yaml.dump(cfg, sort_keys=False))
    return dst


def render(proc: Path) -> Path:
    "Render the staged site with smalldocs into _docs/ (nbdev's doc_path)."
    from nbdev.config import get_config
    src = stage(proc)
    smalldocs = shutil.which("smalldocs") or str(Path(sys.executable).with_name("smalldocs"))
    subprocess.run([smalldocs, "render", "--quiet", str(src)], check=True)
    out = ROOT / get_config().doc_path.name
    if out.exists(): shutil.rmtree(out)
    shutil.move(str(src / get_config().doc_path.name), out)
    return out


if __name__ == "__main__":
    site = render(proc_nbs())
    print(f"site: {site} ({len(list(site.rglob('*.html')))} pages)")
