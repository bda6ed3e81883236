"""The documentation site: built once, served on 127.0.0.1 and loaded page by page in headless Chromium, offline.

The crawl builds the site with tools/docs.py, serves `_docs/` on 127.0.0.1 and drives Debian's chromium over the
DevTools protocol on a pipe (`--remote-debugging-pipe`: no driver to install, no port), with the network off except
localhost (`--host-resolver-rules`, a dead proxy, and every request the pages make recorded). It loads every page at
1400 px and at 400 px, runs the checks below in the page after KaTeX has run, and saves a screenshot of each page at
both widths to _proc/screenshots/. The checks:

- math: no raw TeX (`\\(`, `\\[`, `$$`) left in the text, KaTeX loaded from the site itself;
- every chapter's subtitle is a complete sentence, and no page has an H1 but its title;
- every internal link and `#anchor` resolves; the pages request nothing outside the site;
- every public function and class has its API entry, with a parameter table documenting each parameter;
- every image has alt text and loads; no code block shows a `#|` directive;
- no page scrolls sideways at 1400 px or 400 px (wide tables and code scroll in their own box), and the sidebar
  collapses at 400 px;
- navigation: the sidebar's parts list every chapter, each chapter links to the previous and the next one, the home
  page links every chapter;
- search: a public name is the first hit for itself, and the index holds no test code.

Each failure lists the offending pages and elements. Under pytest-xdist the workers share one build and one crawl.
`REPSIM_DOCS_PREBUILT=1` checks the site already in _docs/ instead of building it.
"""
import base64, contextlib, functools, http.server, importlib, inspect, json, os, queue, re, shutil, subprocess
import sys, tempfile, threading, time
from pathlib import Path
from urllib.parse import urlsplit, unquote

import pytest

from conftest import ROOT

pytestmark = pytest.mark.browser

SITE = ROOT / "_docs"
SHOTS = ROOT / "_proc" / "screenshots"
WIDTHS = {1400: 1800, 400: 1200}                      # viewport width -> height of the screenshot
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--hide-scrollbars",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--mute-audio",
         "--disable-extensions", "--no-default-browser-check", "--disable-dev-shm-usage",
         # offline: names resolve to nothing but 127.0.0.1, and anything else goes to a dead proxy
         "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1", "--proxy-server=127.0.0.1:9"]
SEARCHES = {"linear_cka": ("cka.html#linear_cka", "differentiable.html#linear_cka"),
            "compare": ("comparison.html#compare",), "stitch": ("stitching.html#stitch",),
            "load_dataset": ("data.html#load_dataset",)}


# ------------------------------------------------------------------------------ Chromium over the DevTools pipe

class Chrome:
    "Headless Chromium driven over `--remote-debugging-pipe`: JSON messages, NUL-terminated, on fds 3 and 4."

    def __init__(self, timeout=60):
        if CHROMIUM is None:
            pytest.fail("chromium is not installed: run `bash tools/setup.sh --test` (installs Debian's chromium).")
        self.profile = tempfile.mkdtemp(prefix="repsim-chrome-")
        to_chrome_r, self._w = os.pipe()
        self._r, from_chrome_w = os.pipe()

        def fds():                                   # in the child: its fd 3 reads our commands, fd 4 answers
            os.dup2(to_chrome_r, 3); os.dup2(from_chrome_w, 4)

        self.log = open(Path(self.profile) / "chrome.log", "w+")
        self.proc = subprocess.Popen([CHROMIUM, *FLAGS, "--remote-debugging-pipe", f"--user-data-dir={self.profile}",
                                      "about:blank"], stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=subprocess.STDOUT, pass_fds=(3, 4), preexec_fn=fds)
        os.close(to_chrome_r); os.close(from_chrome_w)
        self.timeout, self.n, self.events = timeout, 0, queue.Queue()
        self.replies, self.lock = {}, threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        buf = b""
        while True:
            try: chunk = os.read(self._r, 1 << 20)
            except OSError: chunk = b""
            if not chunk:
                with self.lock: self.replies[None] = "closed"; self.lock.notify_all()
                return
            buf += chunk
            *msgs, buf = buf.split(b"\0")
            for m in msgs:
                msg = json.loads(m)
                if "id" in msg:
                    with self.lock: self.replies[msg["id"]] = msg; self.lock.notify_all()
                else: self.events.put(msg)

    def send(self, method, session=None, **params):
        "Send a command and wait for its result; a protocol error fails the test with its message."
        self.n += 1
        msg = {"id": self.n, "method": method, "params": params}
        if session: msg["sessionId"] = session
        os.write(self._w, json.dumps(msg).encode() + b"\0")
        end = time.time() + self.timeout
        with self.lock:
            while self.n not in self.replies:
                if None in self.replies: raise RuntimeError(f"chromium exited: {self.tail()}")
                if not self.lock.wait(max(0.0, end - time.time())):
                    raise TimeoutError(f"{method}: no answer in {self.timeout} s")
            reply = self.replies.pop(self.n)
        if "error" in reply: raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def wait(self, method, session, timeout=None, keep=None):
        "Wait for event `method` of `session`; other events go to `keep` (a list) or are dropped."
        end = time.time() + (timeout or self.timeout)
        while True:
            try: ev = self.events.get(timeout=max(0.01, end - time.time()))
            except queue.Empty: raise TimeoutError(f"no {method} in {timeout or self.timeout} s")
            if ev.get("sessionId") == session and ev["method"] == method: return ev
            if keep is not None and ev.get("sessionId") == session: keep.append(ev)

    def tab(self, width, height):
        "A new page with a viewport of `width` x `height` CSS pixels; returns its session id."
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        s = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for m in ("Page.enable", "Runtime.enable", "Network.enable"): self.send(m, s)
        self.send("Emulation.setDeviceMetricsOverride", s, width=width, height=height, deviceScaleFactor=1,
                  mobile=False)
        return s

    def load(self, session, url, requests):
        "Open `url` and wait for its load event and its fonts; the URLs it requested are added to `requests`."
        while not self.events.empty(): self.events.get_nowait()
        evs = []
        self.send("Page.navigate", session, url=url)
        self.wait("Page.loadEventFired", session, keep=evs)
        self.js(session, "document.fonts.ready.then(() => new Promise(r => setTimeout(r, 30)))")
        while not self.events.empty(): evs.append(self.events.get_nowait())
        requests += [e["params"]["request"]["url"] for e in evs if e["method"] == "Network.requestWillBeSent"]

    def js(self, session, expr):
        "Evaluate `expr` in the page (promises awaited) and return its value."
        r = self.send("Runtime.evaluate", session, expression=expr, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in r: raise RuntimeError(f"{expr[:80]}: {r['exceptionDetails']}")
        return r["result"].get("value")

    def screenshot(self, session, path):
        path.write_bytes(base64.b64decode(self.send("Page.captureScreenshot", session, format="png")["data"]))

    def tail(self):
        self.log.flush(); self.log.seek(0)
        return self.log.read()[-2000:]

    def close(self):
        with contextlib.suppress(Exception): self.send("Browser.close")
        with contextlib.suppress(Exception): self.proc.wait(10)
        if self.proc.poll() is None: self.proc.kill()
        with contextlib.suppress(OSError): os.close(self._w)
        shutil.rmtree(self.profile, ignore_errors=True)


# ------------------------------------------------------------------------------------------ what a page reports

PROBE = r"""
((anchors) => {
  const vw = window.innerWidth, out = {};
  const skip = 'pre, code, script, style, textarea, .katex, .katex-display';
  const tw = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT,
    {acceptNode: n => n.parentElement.closest(skip) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT});
  out.raw_tex = [];
  while (tw.nextNode()) { const t = tw.currentNode.nodeValue;
    if (/\\\(|\\\)|\\\[|\\\]|\$\$/.test(t)) out.raw_tex.push(t.trim().slice(0, 80)); }
  out.katex = document.querySelectorAll('.katex').length;
  out.h1 = [...document.querySelectorAll('h1')].map(h => (h.classList.contains('title') ? 'title: ' : '') + h.textContent.trim());
  const d = document.querySelector('.quarto-title-block .description, div.description');
  out.subtitle = d ? d.textContent.trim() : null;
  out.links = [...document.querySelectorAll('a[href]')].map(a => [a.getAttribute('href'), a.href]);
  out.ids = [...document.querySelectorAll('[id]')].map(e => e.id).concat([...document.querySelectorAll('a[name]')].map(a => a.name));
  const heads = [...document.querySelectorAll('main h2, main h3, main h4')].filter(h => h.id || h.dataset.anchorId);
  const where = el => { const h = heads.filter(h => h.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING).pop();
    const code = (el.closest('.cell') || document).querySelector('pre code');
    return (h ? '#' + (h.dataset.anchorId || h.id) : ' (top)') + (code && el.closest('.cell') ? ` (cell: ${code.textContent.trim().split('\n')[0].slice(0, 50)})` : ''); };
  out.images = [...document.querySelectorAll('img')].map(i => ({src: i.getAttribute('src').slice(0, 40), where: where(i),
    alt: i.getAttribute('alt'), loaded: i.complete && i.naturalWidth > 0, width: Math.round(i.getBoundingClientRect().width)}));
  out.scroll_width = document.documentElement.scrollWidth; out.viewport = vw;
  const scrolls = el => { for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const ox = getComputedStyle(p).overflowX; if (ox === 'auto' || ox === 'scroll' || ox === 'hidden') return true; }
    return false; };
  out.too_wide = [];
  for (const el of document.querySelectorAll('main *, header *, nav *, footer *')) {
    const r = el.getBoundingClientRect();
    if (r.width && r.right > vw + 1 && !scrolls(el) && getComputedStyle(el).position !== 'fixed')
      out.too_wide.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${[...el.classList].join('.')} (right ${Math.round(r.right)})`);
    if (out.too_wide.length > 5) break; }
  const sb = document.querySelector('#quarto-sidebar');
  const sr = sb ? sb.getBoundingClientRect() : null;
  out.sidebar_visible = !!(sb && sr.width > 0 && sr.right > 0 && sr.left < vw && getComputedStyle(sb).visibility !== 'hidden'
    && getComputedStyle(sb).display !== 'none');
  out.sidebar = [...document.querySelectorAll('#quarto-sidebar a.sidebar-link[href]')].map(a => a.getAttribute('href'));
  out.sections = [...document.querySelectorAll('#quarto-sidebar .sidebar-item-section > .sidebar-item-container .menu-text')].map(s => s.textContent.trim());
  const nav = s => { const a = document.querySelector(`nav.page-navigation .nav-page-${s} a`); return a ? a.getAttribute('href') : null; };
  out.prev = nav('previous'); out.next = nav('next');
  out.directives = [...document.querySelectorAll('pre code')].filter(c => /^\s*#\|/m.test(c.textContent)).map(c => c.textContent.trim().slice(0, 60));
  out.katex_src = [...document.querySelectorAll('script[src*=katex], link[href*=katex]')].map(e => e.src || e.href);
  out.api = {};
  for (const a of anchors) {
    const h = document.getElementById(a);
    if (!h) { out.api[a] = null; continue; }
    const box = h.closest('.cell-output-markdown') || h.parentElement;
    const t = box.querySelector('.doc-params table'), src = box.querySelector('a.sd-source');
    out.api[a] = {source: src ? src.href : null,
                  rows: t ? [...t.querySelectorAll('tbody tr')].map(tr => [...tr.children].map(td => td.textContent.trim())) : []};
  }
  return out;
})
"""

SEARCH = r"""
(async (q) => {
  const box = [...document.querySelectorAll('.smalldocs-search')].find(b => b.offsetParent !== null) || document.querySelector('.smalldocs-search');
  const input = box.querySelector('input');
  const results = box.querySelector('.smalldocs-search-results');
  results.innerHTML = '';
  input.focus(); input.value = q; input.dispatchEvent(new Event('input', {bubbles: true}));
  for (let i = 0; i < 100; i++) {
    await new Promise(r => setTimeout(r, 50));
    const hits = [...results.querySelectorAll('a.search-result')];
    if (hits.length || results.querySelector('.search-none'))
      return hits.map(a => a.getAttribute('href').replace(/^(\.\/)+/, ''));
  }
  return null;
})
"""


def public_api():
    """{(page, anchor): (qualified name, [parameter names], documents a return)} for every public function and class
    of every repsim module, with its page from the module index."""
    ns = {}
    exec((ROOT / "repsim" / "_modidx.py").read_text(), ns)            # as the build left it
    d, out = ns["d"], {}
    for mod, syms in d["syms"].items():
        if mod == "repsim.__init__": continue
        m = importlib.import_module(mod)
        for n in getattr(m, "__all__", []):
            o = getattr(m, n)
            if not (inspect.isfunction(o) or inspect.isclass(o)) or f"{mod}.{n}" not in syms: continue
            page, anchor = syms[f"{mod}.{n}"][0].split("#")
            try: sig = inspect.signature(o)
            except (TypeError, ValueError): sig = None
            params = [("*" if p.kind == p.VAR_POSITIONAL else "**" if p.kind == p.VAR_KEYWORD else "") + k
                      for k, p in (sig.parameters.items() if sig else []) if k not in ("self", "cls")]
            ret = inspect.isfunction(o) and sig is not None and sig.return_annotation not in (None, "None")
            out[(page, anchor)] = (f"{mod}.{n}", params, ret)
    return out


def chapters():
    "{page: notebook} for every notebook of nbs/."
    from nbdev.config import nbpath2html
    return {nbpath2html(nb.name).name: nb.name for nb in sorted((ROOT / "nbs").glob("*.ipynb"))}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args): pass


def serve(folder: Path):
    "Serve `folder` on 127.0.0.1 (a free port) from a thread; returns the server and its base URL."
    handler = functools.partial(_Quiet, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def crawl():
    "Build the site, then load every page at both widths: {'build_s', 'crawl_s', 'pages': {width: {page: probe}}, ...}."
    t0 = time.time()
    if not os.environ.get("REPSIM_DOCS_PREBUILT"):        # set it to check the site already in _docs/
        r = subprocess.run([sys.executable, str(ROOT / "tools" / "docs.py")], cwd=ROOT, capture_output=True,
                           text=True, timeout=600)
        assert r.returncode == 0, f"docs build failed:\n{r.stdout[-3000:]}\n{r.stderr[-5000:]}"
    assert (SITE / "index.html").exists(), f"no index.html in {SITE}: {sorted(p.name for p in SITE.glob('*'))[:30]}"
    report = {"build_s": time.time() - t0, "pages": {}, "requests": [], "search": {}}
    t1 = time.time()
    pages = sorted(p.name for p in SITE.glob("*.html"))
    anchors = {}
    for page, anchor in public_api(): anchors.setdefault(page, []).append(anchor)
    httpd, base = serve(SITE)
    chrome = Chrome()
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        for width, height in WIDTHS.items():
            tab = chrome.tab(width, height)
            report["pages"][width] = {}
            for page in pages:
                chrome.load(tab, f"{base}/{page}", report["requests"])
                probe = chrome.js(tab, f"({PROBE})({json.dumps(anchors.get(page, []) if width == 1400 else [])})")
                probe["base"] = base
                report["pages"][width][page] = probe
                chrome.screenshot(tab, SHOTS / f"{Path(page).stem}-{width}.png")
            if width == 1400:
                chrome.load(tab, f"{base}/index.html", report["requests"])
                for q in SEARCHES: report["search"][q] = chrome.js(tab, f"({SEARCH})({json.dumps(q)})")
    finally:
        chrome.close()
        httpd.shutdown()
    report["crawl_s"] = time.time() - t1
    return report


@pytest.fixture(scope="module")
def report():
    "One build and one crawl per test run, shared by pytest-xdist's workers through a lock and a saved report."
    import fcntl
    SHOTS.mkdir(parents=True, exist_ok=True)
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    saved = SHOTS / f"report-{run}.json" if run else None
    with open(ROOT / "_proc" / ".docs-test.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if saved and saved.exists(): rep = json.loads(saved.read_text())
        else:
            for old in SHOTS.glob("report-*.json"): old.unlink()
            rep = crawl()
            if saved: saved.write_text(json.dumps(rep))
    rep["pages"] = {int(w): p for w, p in rep["pages"].items()}
    print(f"\n[docs] build {rep['build_s']:.0f} s, crawl of {len(rep['pages'][1400])} pages at "
          f"{len(rep['pages'])} widths {rep['crawl_s']:.0f} s; screenshots in {SHOTS}")
    return rep


def _fail(problems: list, what: str, n=40):
    assert not problems, f"{len(problems)} {what}:\n  " + "\n  ".join(map(str, problems[:n])) + \
        (f"\n  … and {len(problems) - n} more" if len(problems) > n else "")


# ------------------------------------------------------------------------------------------------------ the tests

def test_math_renders_offline(report):
    "KaTeX ships with the site and runs: no raw TeX is left in any page's text, and no page loads a CDN."
    pages = report["pages"][1400]
    _fail([f"{p}: {t}" for p, r in pages.items() for t in r["raw_tex"]], "pieces of raw TeX after KaTeX ran")
    _fail([f"{p}: {s}" for p, r in pages.items() for s in r["katex_src"] if not s.startswith(r["base"])],
          "KaTeX files loaded from outside the site")
    assert sum(r["katex"] for r in pages.values()) > 200, "KaTeX rendered (almost) nothing"
    assert (SITE / "katex" / "katex.min.js").exists() and list((SITE / "katex" / "fonts").glob("*.woff2"))


def test_pages_request_nothing_outside_the_site(report):
    local = re.compile(r"(http://127\.0\.0\.1[:/]|data:|blob:|about:)")
    outside = sorted({u for u in report["requests"] if not local.match(u)})
    _fail(outside, "requests to outside the site")


def test_subtitles_are_complete_sentences(report):
    "Each chapter's subtitle is its whole `> description` (a sentence), not the first wrapped line of it."
    bad = [f"{p}: {r['subtitle']!r}" for p, r in report["pages"][1400].items()
           if not r["subtitle"] or not r["subtitle"].rstrip().endswith((".", "!", "?", ")"))]
    _fail(bad, "pages whose subtitle is missing or not a complete sentence")


def test_one_h1_the_title(report):
    bad = [f"{p}: {r['h1']}" for p, r in report["pages"][1400].items()
           if len(r["h1"]) != 1 or not r["h1"][0].startswith("title: ")]
    _fail(bad, "pages with an H1 other than the title")


def test_internal_links_and_anchors_resolve(report):
    "Every link to the site (a page, a file, a #fragment) points at a file that exists and an id on that page."
    pages = report["pages"][1400]
    ids = {p: set(r["ids"]) for p, r in pages.items()}
    broken = []
    for page, r in pages.items():
        for raw, url in r["links"]:
            u = urlsplit(url)
            if not url.startswith(r["base"]) or raw.startswith(("javascript:", "mailto:")): continue
            path = unquote(u.path).lstrip("/") or "index.html"
            target = SITE / path
            if target.is_dir(): target, path = target / "index.html", path.rstrip("/") + "/index.html"
            if not target.exists(): broken.append(f"{page}: {raw} (no file {path})"); continue
            if u.fragment and path in ids and unquote(u.fragment) not in ids[path]:
                broken.append(f"{page}: {raw} (no #{u.fragment} on {path})")
    _fail(broken, "broken internal links")


def test_public_names_link_to_their_entries(report):
    "Backticked public names in the prose are links: the chapters together link many API entries."
    linked = {raw for r in report["pages"][1400].values() for raw, _ in r["links"] if re.match(r"[a-z_]+\.html#", raw)}
    api = {f"{p}#{a}" for p, a in public_api()}
    assert len(linked & api) >= 150, f"only {len(linked & api)} API entries are linked from the pages"


def test_every_public_callable_has_a_parameter_table(report):
    """Every public function and class has its entry on its chapter's page (show_doc: signature, source link,
    parameter table), and its table documents each parameter (and the return value, where there is one)."""
    pages = report["pages"][1400]
    bad = []
    for (page, anchor), (name, params, ret) in sorted(public_api().items()):
        entry = pages.get(page, {}).get("api", {}).get(anchor)
        if entry is None: bad.append(f"{name}: no entry #{anchor} on {page}"); continue
        rows = entry["rows"]
        if not rows: bad.append(f"{name}: no parameter table ({page}#{anchor})"); continue
        table = {r[0]: r[-1] for r in rows}
        missing = [p for p in params if p not in table]
        undocumented = [p for p in params if p in table and not table[p]]
        if ret and not table.get("Returns"): undocumented.append("return")
        if missing: bad.append(f"{name}: table lacks {missing} ({page}#{anchor})")
        if undocumented: bad.append(f"{name}: undocumented {undocumented} ({page}#{anchor})")
    _fail(bad, "API entries without a complete parameter table", n=400)


def test_every_api_entry_links_its_source(report):
    "Each API entry links the line that defines it in its own module's file on GitHub (the repository, branch main)."
    pages = report["pages"][1400]
    bad = []
    for (page, anchor), (name, _, _) in sorted(public_api().items()):
        entry = pages.get(page, {}).get("api", {}).get(anchor)
        if entry is None: continue                     # reported by the parameter-table test
        want = f"https://github.com/repsim-dev/neural-repsim/blob/main/{name.rsplit('.', 1)[0].replace('.', '/')}.py#L"
        if not (entry["source"] or "").startswith(want): bad.append(f"{name}: source link {entry['source']}, want {want}…")
    _fail(bad, "API entries without a link to their source")


def test_images_have_alt_text_and_load(report):
    bad = [f"{p}{i['where']}: {'no alt text' if not (i['alt'] or '').strip() else ''}"
           f"{'' if i['loaded'] else ' does not load'}"
           for p, r in report["pages"][1400].items() for i in r["images"]
           if not (i["alt"] or "").strip() or not i["loaded"]]
    _fail(bad, "images without alt text or that do not load (add `#| fig-alt:` to the figure's cell)", n=200)


def test_images_fit_the_content(report):
    bad = [f"{p}{i['where']} at {w} px: the image is {i['width']} px wide"
           for w, pages in report["pages"].items() for p, r in pages.items() for i in r["images"] if i["width"] > w]
    _fail(bad, "images wider than the window")


def test_no_directives_in_rendered_code(report):
    _fail([f"{p}: {c!r}" for p, r in report["pages"][1400].items() for c in r["directives"]],
          "code blocks that show a `#|` directive (directives must be the cell's first lines)")


@pytest.mark.parametrize("width", list(WIDTHS))
def test_no_horizontal_page_overflow(report, width):
    "The page itself never scrolls sideways: wide tables and code scroll inside their own box."
    bad = [f"{p}: scrollWidth {r['scroll_width']} > {r['viewport']}; too wide: {r['too_wide'][:3]}"
           for p, r in report["pages"][width].items() if r["scroll_width"] > r["viewport"]]
    _fail(bad, f"pages wider than a {width} px window")


def test_sidebar_collapses_on_a_narrow_screen(report):
    _fail([p for p, r in report["pages"][400].items() if r["sidebar_visible"]], "pages whose sidebar shows at 400 px")
    _fail([p for p, r in report["pages"][1400].items() if not r["sidebar_visible"]],
          "pages without a sidebar at 1400 px")


def test_sidebar_lists_every_chapter_in_parts(report):
    r = report["pages"][1400]["index.html"]
    missing = sorted(set(chapters()) - set(r["sidebar"]))
    _fail([f"{p} ({chapters()[p]})" for p in missing], "chapters missing from the sidebar (nbs/_quarto.yml)")
    for part in ("Foundations", "Structural indices", "Transferred discrepancy", "Subspace match", "Stitching",
                 "Benchmarks", "Reference"):
        assert part in r["sections"], f"no sidebar part {part!r}: {r['sections']}"


def test_previous_and_next_links(report):
    "Every chapter links to its neighbours in sidebar order, and the links lead back and forth."
    pages = report["pages"][1400]
    order = pages["index.html"]["sidebar"]
    bad = []
    for i, p in enumerate(order):
        r = pages.get(p)
        if r is None: bad.append(f"{p}: in the sidebar but not built"); continue
        want_prev, want_next = (order[i - 1] if i else None), (order[i + 1] if i + 1 < len(order) else None)
        if r["prev"] != want_prev or r["next"] != want_next:
            bad.append(f"{p}: previous {r['prev']} next {r['next']}, want {want_prev} and {want_next}")
    _fail(bad, "pages whose previous/next links are missing or out of order")


def test_home_page_links_every_chapter(report):
    "The home page links every chapter, and ends with a citation block that names the version."
    linked = {raw.split("#")[0] for raw, _ in report["pages"][1400]["index.html"]["links"]}
    missing = sorted(set(chapters()) - {"index.html"} - linked)
    _fail(missing, "chapters the home page does not link")
    html_ = (SITE / "index.html").read_text()
    import repsim
    assert f"repsim {repsim.__version__}" in html_ and "@software{repsim" in html_, "no citation block with the version"


def test_search_ranks_public_names_first(report):
    bad = [f"{q}: first hits {hits[:3] if hits else hits}, want one of {want}"
           for q, want in SEARCHES.items() for hits in [report["search"].get(q)] if not hits or hits[0] not in want]
    _fail(bad, "searches whose first hit is not the public API entry")


def test_search_index_has_no_test_code(report):
    "search.json holds no test code, and lists the public API entries first (then prose, then private names)."
    entries = json.loads((SITE / "search.json").read_text())
    pat = re.compile(r"fastcore\.test|\btest_(eq|ne|close|fail|is|warns|eq_type|stdout|shuffled)\(")
    _fail([f"{e['href']}: …{e['text'][max(0, m.start() - 40):m.end() + 40]}…" for e in entries
           for m in [pat.search(e["text"])] if m], "search entries that hold test code")
    api = {f"{p}#{a}" for p, a in public_api()}
    first_prose = next((i for i, e in enumerate(entries) if e["href"] not in api), len(entries))
    assert all(e["href"] not in api for e in entries[first_prose:]), "API entries are not first in search.json"
    assert not [e for e in entries if e["section"].startswith("_")][:1] or \
        min(i for i, e in enumerate(entries) if e["section"].startswith("_")) > first_prose
