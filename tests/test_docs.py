"""The documentation site renders offline and loads in a real headless browser.

Builds the site with tools/docs.py (nbdev's notebook processing, then smalldocs), serves it on 127.0.0.1 and loads
the home page and chapters in Debian's chromium: the pages load, the navigation lists the chapters, the API entry
for `linear_cka` is present and a figure appears. A screenshot of the home page is saved to _proc/screenshots/.
"""
import functools, http.server, os, shutil, subprocess, sys, tempfile, threading
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def site():
    r = subprocess.run([sys.executable, str(ROOT / "tools" / "docs.py")], cwd=ROOT, capture_output=True, text=True, timeout=1200)
    assert r.returncode == 0, f"docs build failed:\n{r.stdout[-3000:]}\n{r.stderr[-5000:]}"
    out = ROOT / "_docs"
    assert (out / "index.html").exists(), f"no index.html in {out}: {sorted(p.name for p in out.glob('*'))[:30]}"
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.RequestHandlerClass.log_message = lambda *a: None
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield out, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def chromium(*args, timeout=120):
    if CHROMIUM is None:
        pytest.fail("chromium is not installed: run `bash tools/setup.sh --test` (installs Debian's chromium).")
    with tempfile.TemporaryDirectory() as prof:
        r = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={prof}", *args], capture_output=True, text=True, timeout=timeout)
    return r


def dom(url):
    r = chromium("--virtual-time-budget=5000", "--dump-dom", url)
    assert r.returncode == 0 and "<html" in r.stdout.lower(), f"chromium could not load {url}: {r.stderr[-2000:]}"
    return r.stdout


def test_home_page_loads_with_chapter_navigation(site):
    out, url = site
    html = dom(f"{url}/index.html")
    assert "repsim" in html
    for chapter in ("core.html", "activations.html", "comparison.html", "cka.html"):
        assert chapter in html, f"navigation does not link {chapter}"
    shots = ROOT / "_proc" / "screenshots"; shots.mkdir(parents=True, exist_ok=True)
    r = chromium(f"--screenshot={shots / 'home.png'}", "--window-size=1280,1600", f"{url}/index.html")
    assert (shots / "home.png").exists() and (shots / "home.png").stat().st_size > 10_000, r.stderr[-2000:]


def test_api_entry_and_figure(site):
    out, url = site
    html = dom(f"{url}/cka.html")
    assert "linear_cka" in html and "debiased" in html, "no API entry for linear_cka on the CKA page"
    assert 'id="linear_cka"' in html or "linear_cka(" in html
    comp = dom(f"{url}/comparison.html")
    assert "<img" in comp, "the compare chapter shows no figure"


def test_math_renders_offline(site):
    "KaTeX ships with the site: pages load it from katex/, not a CDN, and the math is rendered, not raw TeX."
    out, url = site
    pages = [p for p in out.glob("*.html") if "\\(" in p.read_text() or "$$" in p.read_text()]
    assert pages, "no page with math found"
    for p in out.glob("*.html"): assert "cdn.jsdelivr.net/npm/katex" not in p.read_text(), f"{p.name} loads a CDN"
    assert (out / "katex" / "katex.min.js").exists() and list((out / "katex" / "fonts").glob("*.woff2"))
    for name in ("cka.html", "procrustes.html"):
        html = dom(f"{url}/{name}")
        n = html.count('class="katex"')
        assert n >= 5, f"{name}: math is not rendered ({n} KaTeX elements)"


def test_subtitles_are_complete(site):
    "Each chapter's subtitle is its whole `> description`, not the first wrapped line of it."
    import re as _re
    out, url = site
    cut = []
    for page in ("cka.html", "core.html", "comparison.html", "design.html"):
        html = (out / page).read_text()
        m = _re.search(r'<meta name="description" content="([^"]*)"', html)
        assert m, f"{page} has no description"
        if not m.group(1).rstrip().endswith((".", ")", "!", "?")): cut.append((page, m.group(1)[-60:]))
    assert not cut, f"subtitles cut mid-sentence: {cut}"


def test_internal_links_resolve(site):
    "Every relative link and image of every page points at a file of the site (chapter links follow the renames)."
    import re
    from urllib.parse import urlsplit, unquote
    out, _ = site
    broken = []
    for page in sorted(out.rglob("*.html")):
        if "katex" in page.parts: continue
        for ref in re.findall(r'(?:href|src)="([^"]+)"', page.read_text(errors="replace")):
            u = urlsplit(ref)
            if u.scheme or u.netloc or ref.startswith(("#", "mailto:", "data:", "javascript:")) or not u.path: continue
            target = (page.parent / unquote(u.path)).resolve()
            if not target.exists(): broken.append(f"{page.relative_to(out)} -> {ref}")
    assert not broken, f"{len(broken)} broken links, e.g. {broken[:15]}"
