"""House rules every chapter notebook follows (design.md): imports sit in cells of their own.

The docs build (nbdev's processing) executes every cell that contains an import, outside the notebook's flow; a cell
that mixes imports with other code would run without the variables it needs and break the site.
"""
import ast, json

import pytest

from conftest import NBS

NOTEBOOKS = sorted(p.name for p in NBS.glob("*.ipynb"))


def _code_cells(nb):
    for i, c in enumerate(json.loads((NBS / nb).read_text())["cells"]):
        if c["cell_type"] == "code":
            yield i, "".join(c["source"])


def _directives(src):
    return {l[3:].strip().split()[0] for l in src.splitlines() if l.startswith("#| ") and l[3:].strip()}


@pytest.mark.parametrize("nb", NOTEBOOKS)
def test_imports_in_their_own_cells(nb):
    bad = []
    for i, src in _code_cells(nb):
        if _directives(src) & {"export", "exports", "exporti", "exec_doc"}: continue
        try: tree = ast.parse("\n".join(l for l in src.splitlines() if not l.lstrip().startswith(("%", "!"))))
        except SyntaxError: continue
        has_import = any(isinstance(n, (ast.Import, ast.ImportFrom)) for n in ast.walk(tree))
        only_imports = all(isinstance(n, (ast.Import, ast.ImportFrom)) for n in tree.body)
        if has_import and not only_imports: bad.append((i, src.splitlines()[0][:80]))
    assert not bad, f"{nb}: cells mixing imports with other code (move the imports to a cell of their own): {bad}"


def test_exported_lines_fit_120_characters():
    "Exported code stays readable: lines of at most 120 characters (nbdev's generated headers excepted)."
    from conftest import ROOT
    long = []
    for f in sorted((ROOT / "repsim").glob("*.py")):
        if f.name == "_modidx.py": continue
        text = f.read_text().split("\n")
        for i, line in enumerate(text, 1):
            generated = line.startswith(("__all__", "- `repsim.")) or (f.name == "__init__.py" and i == 1)
            if len(line) > 120 and not generated: long.append(f"{f.name}:{i} ({len(line)})")
    assert not long, f"exported lines over 120 characters (wrap them in the notebook): {long}"


@pytest.mark.parametrize("nb", NOTEBOOKS)
def test_no_prose_as_h1(nb):
    "Only the chapter title is an H1: a markdown line starting with '# ' elsewhere renders as a giant heading."
    cells = [c for c in json.loads((NBS / nb).read_text())["cells"] if c["cell_type"] == "markdown"]
    bad = []
    for i, c in enumerate(cells):
        fenced = False
        for j, l in enumerate("".join(c["source"]).splitlines()):
            if l.startswith("```"): fenced = not fenced                      # a code block's comments are code
            elif l.startswith("# ") and not fenced and not (i == 0 and j == 0): bad.append((i, l[:60]))
    assert not bad, f"{nb}: prose rendered as H1 headings (drop the leading '# '): {bad}"


@pytest.mark.parametrize("nb", NOTEBOOKS)
def test_no_internal_references(nb):
    "Public pages cite the papers and state repsim's specification in their own words; no internal planning files."
    text = (NBS / nb).read_text()
    assert "methods.md" not in text and "design.md" not in text, \
        f"{nb} mentions an internal file (methods.md / design.md); cite the paper or say 'repsim's specification'"
