#!/usr/bin/env python
"""Build the documentation site offline.

    python tools/docs.py            # nbdev's notebook processing into _proc/, then smalldocs -> _proc/_docs

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


def render(proc: Path) -> Path:
    smalldocs = shutil.which("smalldocs") or str(Path(sys.executable).with_name("smalldocs"))
    subprocess.run([smalldocs, "render", "--quiet", str(proc)], check=True)
    from nbdev.config import get_config
    return proc / get_config().doc_path.name


if __name__ == "__main__":
    site = render(proc_nbs())
    print(f"site: {site} ({len(list(site.rglob('*.html')))} pages)")
