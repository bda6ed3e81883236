"""Benchmark: streamed direct matching against the pseudo-inverse of the stacked design matrix.

    python benchmarks/bench_direct_matching.py [--n 50000] [--layer-a block6] [--layer-b block7] [--width 1.0] [--seed 0]

Task: direct matching (the model-stitching least-squares fit, Balogh & Jelasity 2025) of layer `layer_a` of one
Tiny-10 (`model_a`) onto layer `layer_b` of another (`model_b`) over the whole MNIST training split (50 000 images by
default), per pixel: every (image, position) of `layer_b` is a row. Two ways, each in its own fresh process so that its peak memory can be read:

- baseline: run both layers over all images, stack the rows into the design matrix D = [X, 1] (float64) and the
  targets Y, and take [W; b] = torch.linalg.pinv(D) @ Y — what one writes without a streaming form;
- repsim: `DirectFit(stream=True).match(...)`, i.e. `DirectMatchAccumulator`: centred normal equations merged batch
  by batch (float64), solved once at the end.

Both must give the same (W, b) within 1e-6 (max abs difference). The script prints both times, both peak memory
increases (resident set size, measured from just before the method starts), and the ratios, measured in the same run.
The network is a seeded, untrained Tiny-10 in eval mode: the numerics of the fit do not depend on training, only the
conditioning of its activations, which the script prints (rank and the ratio of extreme singular values).
"""
import argparse, multiprocessing as mp, resource, time


def _rss_mb():
    with open("/proc/self/statm") as f: return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def _peak_mb(): return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _worker(method, args, q):
    import torch
    from repsim.data import load_dataset
    from repsim.models import make_model
    from repsim.activations import layer_output
    from repsim.stitching import DirectFit, pixel_rows
    torch.set_num_threads(args.threads)
    data = load_dataset("mnist", "train", n=args.n, seed=args.seed)
    model_a = make_model("tiny10", width=args.width, seed=args.seed).eval()
    model_b = model_b_for(model_a, args)
    base_rss = _rss_mb()
    t0 = time.perf_counter()
    if method == "stream":
        dm = DirectFit(stream=True, batch_size=args.batch).match(model_a, model_b, args.layer_a, args.layer_b, data)
        W, b = dm.W, dm.b
        extra = dict(rank=dm.rank, rows=dm.n_rows, cond=float(dm.singular_values[0] / dm.singular_values[dm.rank - 1]))
    else:
        Xs, Ys = [], []
        for i in range(0, len(data), args.batch):
            x = data.x[i:i + args.batch]
            X, Y, _ = pixel_rows(layer_output(model_a, args.layer_a, x), layer_output(model_b, args.layer_b, x))
            Xs.append(X); Ys.append(Y)
        X, Y = torch.cat(Xs), torch.cat(Ys); del Xs, Ys
        D = torch.cat([X, torch.ones(len(X), 1, dtype=X.dtype)], 1); del X
        Wb = torch.linalg.pinv(D) @ Y
        W, b, extra = Wb[:-1], Wb[-1], dict(rows=len(D))
    secs = time.perf_counter() - t0
    q.put(dict(W=W.numpy(), b=b.numpy(), secs=secs, mem=max(_peak_mb() - base_rss, 0.0), **extra))


def model_b_for(model_a, args):
    "model_b: a Tiny-10 from --seed-b, or model_a itself (self-stitching of two of its layers) with --seed-b -1."
    if args.seed_b < 0: return model_a
    from repsim.models import make_model
    return make_model("tiny10", width=args.width, seed=args.seed_b).eval()


def run(method, args):
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=_worker, args=(method, args, q))
    p.start(); out = q.get(); p.join()
    return out


if __name__ == "__main__":
    import numpy as np
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=50000)
    ap.add_argument("--layer-a", default="block6")
    ap.add_argument("--layer-b", default="block7")
    ap.add_argument("--seed-b", type=int, default=1)
    ap.add_argument("--width", type=float, default=1.0)
    ap.add_argument("--batch", type=int, default=500)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    print(f"direct matching tiny10(seed {args.seed}).{args.layer_a} -> tiny10(seed {args.seed_b}).{args.layer_b} over "
          f"{args.n} MNIST training images, {args.threads} thread(s)")
    s = run("stream", args)
    p = run("pinv", args)
    dW, db = np.abs(s["W"] - p["W"]).max(), np.abs(s["b"] - p["b"]).max()
    print(f"rows {s['rows']}, channels {s['W'].shape[0]} -> {s['W'].shape[1]}, rank {s['rank']}, "
          f"singular-value ratio {s['cond']:.3g}")
    print(f"max |W_stream - W_pinv| = {dW:.2e}, max |b_stream - b_pinv| = {db:.2e}  (|W| max {np.abs(p['W']).max():.3g})")
    print(f"time:   streamed {s['secs']:.2f}s, pinv {p['secs']:.2f}s  -> pinv / streamed = {p['secs'] / s['secs']:.2f}x")
    print(f"memory: streamed +{s['mem']:.0f} MB, pinv +{p['mem']:.0f} MB  -> pinv / streamed = "
          f"{p['mem'] / max(s['mem'], 1.0):.1f}x")
    ok = dW < 1e-6 and db < 1e-6
    print("same (W, b) within 1e-6:", "yes" if ok else "NO")
    raise SystemExit(0 if ok else 1)
