"""Streaming CKA memory: MinibatchCKA over n = 10 000 and n = 100 000 examples with p = 512 (batches of 500 generated
on the fly). Peak memory must not grow with n. Each size runs in a fresh subprocess so each peak RSS is its own.

    python benchmarks/bench_streaming_memory.py [--p 512] [--batch 500]

On CUDA (when present) it also prints the peak GPU memory allocated by torch.
"""
import argparse, json, resource, subprocess, sys, time

import torch


def child(n, p, batch, device):
    from repsim.cka import MinibatchCKA
    g = torch.Generator(device=device).manual_seed(0)
    W = torch.randn(p, p, generator=g, device=device) / p ** 0.5
    mb = MinibatchCKA()
    t = time.perf_counter()
    for _ in range(n // batch):
        X = torch.randn(batch, p, generator=g, device=device)
        mb.update(X, X @ W + torch.randn(batch, p, generator=g, device=device))
    v = mb.compute()
    out = dict(n=n, cka=v, seconds=time.perf_counter() - t,
               peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    if device == "cuda": out["peak_cuda_mb"] = torch.cuda.max_memory_allocated() / 2**20
    print(json.dumps(out))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--p", type=int, default=512)
    ap.add_argument("--batch", type=int, default=500)
    ap.add_argument("--child", nargs=2)
    a = ap.parse_args()
    if a.child: return child(int(a.child[0]), a.p, a.batch, a.child[1])
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    for dev in devices:
        res = {}
        for n in (10_000, 100_000):
            r = subprocess.run([sys.executable, __file__, "--p", str(a.p), "--batch", str(a.batch), "--child", str(n), dev],
                               capture_output=True, text=True, check=True)
            res[n] = json.loads(r.stdout.strip().splitlines()[-1])
            extra = f", peak CUDA {res[n]['peak_cuda_mb']:.0f} MB" if dev == "cuda" else ""
            print(f"[{dev}] n = {n:>7}, p = {a.p}, batch {a.batch}: CKA {res[n]['cka']:.4f}, {res[n]['seconds']:.1f}s, "
                  f"peak RSS {res[n]['peak_rss_mb']:.0f} MB{extra}", flush=True)
        print(f"[{dev}] peak RSS ratio n=100000 / n=10000: {res[100_000]['peak_rss_mb'] / res[10_000]['peak_rss_mb']:.3f} "
              f"(the data alone would be {100_000 * a.p * 4 * 2 / 2**20:.0f} MB at n = 100 000, float32)")


if __name__ == "__main__":
    main()
