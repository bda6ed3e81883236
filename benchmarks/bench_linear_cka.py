"""linear_cka against the floor: time of linear_cka(X, Y) / time of one X.T @ Y on the same float64 data.

    python benchmarks/bench_linear_cka.py [--n 20000] [--p 1024 4096] [--repeat 3]

Target: ratio <= 3. The feature form needs XᵀY plus ‖XᵀX‖_F and ‖YᵀY‖_F; the two symmetric norms are computed from
upper block triangles (about half a product each), plus centring. Runs on CPU, and on CUDA when a GPU is present;
prints the device of every line.
"""
import argparse, time

import torch

from repsim.cka import linear_cka


def best_time(f, repeat, sync):
    ts = []
    for _ in range(repeat):
        sync(); t = time.perf_counter(); f(); sync(); ts.append(time.perf_counter() - t)
    return min(ts)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--p", type=int, nargs="+", default=[1024, 4096])
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, float64, n = {a.n}")
    for dev in devices:
        sync = torch.cuda.synchronize if dev == "cuda" else (lambda: None)
        for p in a.p:
            g = torch.Generator(device=dev).manual_seed(0)
            X = torch.randn(a.n, p, dtype=torch.float64, device=dev, generator=g)
            Y = X @ torch.randn(p, p, dtype=torch.float64, device=dev, generator=g) / p ** 0.5 \
                + torch.randn(a.n, p, dtype=torch.float64, device=dev, generator=g)
            linear_cka(X[:256], Y[:256]); (X[:256].T @ Y[:256])          # warm-up
            t_floor = best_time(lambda: X.T @ Y, a.repeat, sync)
            t_cka = best_time(lambda: linear_cka(X, Y), a.repeat, sync)
            t_deb = best_time(lambda: linear_cka(X, Y, debiased=True), a.repeat, sync)
            print(f"[{dev}] n={a.n} p={p}: X.T@Y {t_floor:.3f}s | linear_cka {t_cka:.3f}s -> ratio {t_cka / t_floor:.2f} "
                  f"(target <= 3) | debiased {t_deb:.3f}s -> ratio {t_deb / t_floor:.2f}", flush=True)
            del X, Y


if __name__ == "__main__":
    main()
