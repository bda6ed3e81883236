#!/usr/bin/env python
"""Run every benchmark in this folder in one go and print each target's ratio against its peer and its floor.

    python benchmarks/run_all.py [--quick] [--threads 1] [--device auto] [--only NAME ...]

Each `bench_*.py` runs in its own process (its own thread settings and memory high-water mark), with the same
`--threads` / `--device`; its table goes to the terminal as it comes. The summary at the end repeats every row that
states a target, met or not, with the load average before and after, so one run is one complete, dated record.
"""
import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from harness import load_average as load   # noqa: E402
# scripts whose options differ from the common ones, or which are not timing benchmarks of a target
# memory benchmarks, and the scaling tables of the performance chapter (about 12 min): run them on their own
SKIP = {"bench_streaming_memory.py", "bench_direct_matching.py", "bench_scaling.py"}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes (a smoke test; ratios are not the targets')")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--device", default="auto")
    ap.add_argument("--only", nargs="*", default=None, help="script names (bench_x.py or x) to run")
    a = ap.parse_args(argv)
    scripts = sorted(p for p in HERE.glob("bench_*.py") if p.name not in SKIP)
    if a.only:
        want = {o if o.endswith(".py") else f"bench_{o.removeprefix('bench_')}.py" for o in a.only}
        scripts = [p for p in scripts if p.name in want]
        if missing := want - {p.name for p in scripts}:
            raise SystemExit(f"--only: no benchmark {sorted(missing)}; have {[p.name for p in HERE.glob('bench_*.py')]}")
    print(f"# run_all: {len(scripts)} benchmarks, threads {a.threads}, device {a.device}, quick {a.quick}; "
          f"load average {load()}; {time.strftime('%Y-%m-%d %H:%M:%S %Z')}")
    summary, failed = [], []
    for p in scripts:
        cmd = [sys.executable, str(p), "--threads", str(a.threads), "--device", a.device] + (["--quick"] if a.quick else [])
        print(f"\n===== {p.name}: {' '.join(cmd[1:])}", flush=True)
        t0 = time.perf_counter()
        r = subprocess.run(cmd, capture_output=True, text=True)
        sys.stdout.write(r.stdout); sys.stderr.write(r.stderr[-4000:])
        print(f"===== {p.name}: exit {r.returncode} in {time.perf_counter() - t0:.1f} s", flush=True)
        if r.returncode: failed.append(p.name)
        summary += [f"{p.name[6:-3]:<16} {line}" for line in r.stdout.splitlines() if "[met]" in line or "[NOT met]" in line]
    print(f"\n# summary (load average {load()}): every row with a target")
    print("\n".join(summary) or "(no rows with targets)")
    n_not = sum("[NOT met]" in s for s in summary)
    print(f"# {len(summary) - n_not} of {len(summary)} targets met" + (f"; FAILED: {failed}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
