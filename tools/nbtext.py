#!/usr/bin/env python
"""Round-trip a notebook through a plain-text "percent" file, for editing notebooks as text.

    python tools/nbtext.py to-text nbs/05_cka.ipynb  /tmp/05_cka.py   # notebook -> text
    python tools/nbtext.py to-nb   /tmp/05_cka.py    nbs/05_cka.ipynb # text -> notebook (keeps outputs of unchanged cells)

Text format (jupytext "percent" style): cells start with a line `# %%` (code) or `# %% [markdown]` (markdown);
markdown lines carry a `# ` comment prefix (`#` alone for an empty line), which to-nb strips. Markdown written
without the prefix is kept as-is. The notebook in nbs/ stays the source of truth; the text file is a scratch copy.
"""
import json, sys
from pathlib import Path

import nbformat

MD, CODE = "# %% [markdown]", "# %%"


def nb_to_text(nb_path, txt_path):
    nb = nbformat.read(nb_path, as_version=4)
    out = []
    for c in nb.cells:
        out.append(MD if c.cell_type == "markdown" else CODE)
        src = c.source.rstrip("\n")
        if c.cell_type == "markdown": src = "\n".join(("# " + l) if l else "#" for l in src.split("\n"))
        out.append(src)
        out.append("")
    Path(txt_path).write_text("\n".join(out))


def strip_md_prefix(src):
    "Remove the `# ` comment prefix from a markdown cell written in percent style (every line `#` or `# ...`)."
    lines = src.split("\n")
    if lines and all(l == "#" or l.startswith("# ") for l in lines) and (len(lines) > 1 or lines[0].startswith("# #")):
        return "\n".join(l[2:] if l.startswith("# ") else "" for l in lines)
    return src


def text_to_nb(txt_path, nb_path):
    lines = Path(txt_path).read_text().splitlines()
    cells, kind, buf = [], None, []

    def flush():
        if kind is None: return
        src = "\n".join(buf).strip("\n")
        if kind == "markdown": src = strip_md_prefix(src)
        cells.append((kind, src))

    for ln in lines:
        if ln.strip() == MD or ln.strip() == CODE:
            flush(); kind = "markdown" if ln.strip() == MD else "code"; buf = []
        else:
            buf.append(ln)
    flush()
    old = {}
    if Path(nb_path).exists():
        for c in nbformat.read(nb_path, as_version=4).cells:
            if c.cell_type == "code": old.setdefault(c.source, c)
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"display_name": "python3", "language": "python", "name": "python3"}}
    for kind, src in cells:
        if kind == "markdown":
            nb.cells.append(nbformat.v4.new_markdown_cell(src))
        else:
            c = nbformat.v4.new_code_cell(src)
            if src in old:
                c.outputs = old[src].outputs; c.execution_count = old[src].execution_count
            nb.cells.append(c)
    nbformat.write(nb, nb_path)


if __name__ == "__main__":
    cmd, a, b = sys.argv[1:4]
    {"to-text": nb_to_text, "to-nb": text_to_nb}[cmd](a, b)
