"""Shared timing harness for repsim's benchmarks: honest, comparable figures on a shared machine.

Every benchmark in this folder times repsim and its baseline in the same process, with the same thread count, the
same BLAS, a warm-up for both and interleaved repeats (A, B, A, B, ...), and reports CPU time (what the job costs,
robust to other processes on the machine) beside wall time. Floors are computed from the FLOPs a job needs and the
GEMM rate measured in the same run. The header prints the load average so a reader can judge the conditions.

    from harness import add_common_args, setup, interleaved, gemm_rate, Row, print_rows
"""
import argparse
import os
import platform
import time
from dataclasses import dataclass, field

import torch


def add_common_args(ap: argparse.ArgumentParser) -> argparse.ArgumentParser:
    "The options every benchmark takes: threads, repeats, device."
    ap.add_argument("--threads", type=int, default=1, help="torch and BLAS threads (0 = the library default)")
    ap.add_argument("--repeats", type=int, default=3, help="interleaved timed repeats after one warm-up")
    ap.add_argument("--device", default="auto", help="cpu, cuda or auto (cuda when present)")
    return ap


def _device(name: str) -> torch.device:
    if name == "auto": name = "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cuda" and not torch.cuda.is_available():
        raise SystemExit("--device cuda: no CUDA device here; use --device cpu")
    return torch.device(name)


def setup(args) -> torch.device:
    "Apply --threads to torch and to numpy's BLAS (threadpoolctl), print the header, return the device."
    if args.threads > 0:
        torch.set_num_threads(args.threads)
        try:
            from threadpoolctl import threadpool_limits
            threadpool_limits(args.threads)
        except ImportError:
            pass
    dev = _device(args.device)
    print(header(dev))
    return dev


def load_average() -> str:
    "The 1-, 5- and 15-minute load averages, as printed in every header ('n/a' where the OS has none)."
    try: return " ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError: return "n/a"


def header(dev=None) -> str:
    "One line with the conditions of this run: load average, threads, CPU, torch, device."
    load = load_average()
    dev = dev or torch.device("cpu")
    gpu = f" ({torch.cuda.get_device_name(dev)})" if dev.type == "cuda" else ""
    return (f"# device {dev}{gpu}; torch {torch.__version__}, {torch.get_num_threads()} thread(s); "
            f"{os.cpu_count()} CPUs ({platform.processor() or platform.machine()}); load average {load}")


def sync(dev):
    if dev is not None and torch.device(dev).type == "cuda": torch.cuda.synchronize()


@dataclass
class Timing:
    "CPU and wall seconds of the repeats of one job (after its warm-up); `.cpu` / `.wall` are the medians."
    cpus: list = field(default_factory=list)
    walls: list = field(default_factory=list)
    result: object = None

    @staticmethod
    def _med(v): return sorted(v)[len(v) // 2] if v else float("nan")

    @property
    def cpu(self): return self._med(self.cpus)

    @property
    def wall(self): return self._med(self.walls)

    @property
    def best(self):
        "The figure to compare: CPU time on CPU, wall time on a GPU (the host's CPU time means little there)."
        return self.wall if self._gpu else self.cpu

    _gpu: bool = False


def interleaved(jobs: dict, repeats: int = 3, warmup: int = 1, dev=None) -> dict:
    """Time each job of `jobs` (name -> zero-argument callable) `repeats` times, interleaved, after `warmup` untimed
    runs of each; returns name -> Timing (with the last result)."""
    out = {k: Timing(_gpu=dev is not None and torch.device(dev).type == "cuda") for k in jobs}
    for _ in range(warmup):
        for k, f in jobs.items(): out[k].result = f()
    for r in range(repeats):
        order = list(jobs) if r % 2 == 0 else list(jobs)[::-1]
        for k in order:
            sync(dev); c0, w0 = time.process_time(), time.perf_counter()
            out[k].result = jobs[k]()
            sync(dev); out[k].cpus.append(time.process_time() - c0); out[k].walls.append(time.perf_counter() - w0)
    return out


_RATES = {}


def gemm_rate(dtype=torch.float64, dev=None, n: int = 1536, repeats: int = 3) -> float:
    "Measured GEMM throughput in FLOP per second (CPU seconds on CPU) for square n×n float matrices of `dtype`."
    dev = torch.device(dev or "cpu")
    key = (dtype, str(dev), n)
    if key not in _RATES:
        g = torch.Generator(device="cpu").manual_seed(0)
        A = torch.randn(n, n, generator=g, dtype=dtype).to(dev)
        B = torch.randn(n, n, generator=g, dtype=dtype).to(dev)
        t = interleaved({"gemm": lambda: A @ B}, repeats=repeats, dev=dev)["gemm"]
        _RATES[key] = 2.0 * n ** 3 / t.best
    return _RATES[key]


def floor_seconds(flops: float, dtype=torch.float64, dev=None) -> float:
    "Seconds the FLOPs would take at the measured GEMM rate: the floor no implementation beats on this machine."
    return flops / gemm_rate(dtype, dev)


@dataclass
class Row:
    "One figure of a benchmark: repsim's time against a baseline measured in the same run, and against a target."
    figure: str
    seconds: float
    baseline: str
    baseline_seconds: float
    target: str = ""
    met: bool | None = None
    note: str = ""

    @property
    def ratio(self) -> float: return self.baseline_seconds / self.seconds if self.seconds else float("nan")


def print_rows(rows, title: str = ""):
    """Print the rows as a table: figure, repsim seconds, baseline, its seconds, the ratio, target. A baseline whose
    name contains "floor" is read as a floor (repsim / floor: "1.4x floor"), one starting with "unit" as a unit of
    work (repsim / unit: "2.3 units", e.g. GEMM-equivalents); any other as a peer (peer / repsim: "3.0x faster")."""
    if title: print(f"\n## {title}")
    w = max([len(r.figure) for r in rows] + [6])
    b = max([len(r.baseline) for r in rows] + [8])
    print(f"{'figure':<{w}}  {'repsim s':>9}  {'baseline':<{b}}  {'base s':>9}  {'ratio':>14}  target")
    for r in rows:
        met = "" if r.met is None else (" [met]" if r.met else " [NOT met]")
        # against a floor: how many times the floor repsim takes; against a peer: how many times faster repsim is
        low = r.baseline.lower()
        rel = (f"{r.seconds / r.baseline_seconds:7.2f}x floor" if "floor" in low else
               f"{r.seconds / r.baseline_seconds:7.2f} units" if low.startswith("unit") else f"{r.ratio:6.2f}x faster")
        print(f"{r.figure:<{w}}  {r.seconds:9.4f}  {r.baseline:<{b}}  {r.baseline_seconds:9.4f}  {rel:>14}  "
              f"{r.target}{met}{'  ' + r.note if r.note else ''}")
