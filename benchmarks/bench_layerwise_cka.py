"""Layer×layer minibatch CKA of two Tiny-10 CNNs, end to end (forward passes included), against the peers and the floor.

    python benchmarks/bench_layerwise_cka.py [--n 2048] [--batch 256] [--threads 1] [--repeats 3] [--device auto]
                                             [--quick]

What is measured (CPU time at the given thread count on CPU, wall time on CUDA; every job warmed up once and timed in
interleaved repeats, all in one process; see harness.py). Same models (Tiny-10, seeds 0 and 1, untrained weights are
fine for timing), same inputs (MNIST test images), same batches, same estimator (the unbiased-HSIC minibatch CKA of
Nguyen et al. 2021) for everyone:

- **end to end**: hooks + forward passes of both models over every batch + the CKA accumulation of all 10 × 10 layer
  pairs, for repsim's `MinibatchCKA` (float64: the default; float32 Grams: an option), repsim's
  `compare(..., streaming=True)`, torch-cka 0.21 (`CKA.compare`) and pytorch-cka 1.1.3 (`cka.compute_cka`).
  Targets (issue 17): ≤ 1.5× the floor and at least as fast as the fastest peer, at ≤ 1e-8 from float64 (both rows
  are printed for the float64 default and for float32 Grams, whose error is printed and checked).
- **the floor**: the forward passes alone (timed here, hooks attached) plus the flops of the per-layer batch Grams as
  symmetric rank-k updates (b²·p per layer per batch and model) at the float32 GEMM rate measured here (the issue's
  definition; the float64 rate's floor is printed beside it).
- **the CKA part alone** on captured features (no forward passes): `MinibatchCKA.update` against torch-cka's own
  per-pair loop (its `_HSIC` on its Gram matrices, as in `CKA.compare`) and pytorch-cka's `hsic` on its stacked
  Grams. Target: repsim ≥ 10× torch-cka.

Accuracy: every table is compared with a float64 reference that centres each batch before its Gram matrix (the
textbook route); the script raises if repsim float64 is further than 1e-8 from it, or float32 further than 1e-4, and
prints each peer's largest difference (both peers compute in float32 without centring, which cancels badly on the
logits, whose means dwarf their spread; the body layers are printed separately).

pytorch-cka is not a repsim dependency: `pip install pytorch-cka==1.1.3` into the environment to include it (the
script skips it, saying so, when it is missing). `--quick`: n = 256, batch 128, 1 repeat (a smoke test, < 20 s).
"""
import argparse
import sys
import warnings
from pathlib import Path

import torch
from torch.utils.data import DataLoader, TensorDataset

sys.path.insert(0, str(Path(__file__).parent))
from harness import Row, add_common_args, gemm_rate, interleaved, print_rows, setup, sync  # noqa: E402

from repsim.cka import MinibatchCKA, u_centre  # noqa: E402
from repsim.comparison import compare  # noqa: E402
from repsim.data import load_dataset  # noqa: E402
from repsim.models import make_model  # noqa: E402


def hooked(model, layers):
    "Forward hooks that keep each layer's latest output, flattened to (b, p) (what every library compares)."
    feats, mods = {}, dict(model.named_modules())
    hs = [mods[l].register_forward_hook(lambda m, i, o, l=l: feats.__setitem__(l, o.flatten(1))) for l in layers]
    return feats, hs


def repsim_end_to_end(m1, m2, layers, loader, dev, dtype=torch.float64):
    f1, h1 = hooked(m1, layers); f2, h2 = hooked(m2, layers)
    mb = MinibatchCKA(dtype=dtype)
    with torch.no_grad():
        for x, _ in loader:
            x = x.to(dev); m1(x); m2(x)
            mb.update([f1[l] for l in layers], [f2[l] for l in layers])
    for h in h1 + h2: h.remove()
    return mb.compute().double().cpu()


def forward_only(m1, m2, layers, loader, dev):
    f1, h1 = hooked(m1, layers); f2, h2 = hooked(m2, layers)
    with torch.no_grad():
        for x, _ in loader:
            x = x.to(dev); m1(x); m2(x)
    for h in h1 + h2: h.remove()


def capture(m1, m2, layers, loader, dev):
    "Every batch's flattened features of both models (for the CKA-part timings and the reference)."
    f1, h1 = hooked(m1, layers); f2, h2 = hooked(m2, layers)
    out = []
    with torch.no_grad():
        for x, _ in loader:
            x = x.to(dev); m1(x); m2(x)
            out.append(([f1[l] for l in layers], [f2[l] for l in layers]))
    for h in h1 + h2: h.remove()
    return out


def reference(batches):
    "Float64 minibatch CKA, each batch centred before its Gram matrix, then U-centred (the textbook route)."
    cross = sa = sb = 0
    for za, zb in batches:
        U = lambda zs: torch.stack([u_centre((z.double() - z.double().mean(0)) @ (z.double() - z.double().mean(0)).T)
                                    .reshape(-1) for z in zs])
        UA, UB = U(za), U(zb)
        cross, sa, sb = cross + UA @ UB.T, sa + (UA * UA).sum(1), sb + (UB * UB).sum(1)
    return (cross / torch.sqrt(sa[:, None] * sb[None, :])).cpu()


def torch_cka_part(tc, batches):
    "torch-cka's CKA accumulation exactly as in its `CKA.compare`, on captured features (no forward passes)."
    L = len(batches[0][0]); H = torch.zeros(L, L, 3)
    for za, zb in batches:
        for i, X in enumerate(za):
            K = X @ X.t(); K.fill_diagonal_(0.0)
            H[i, :, 0] += tc._HSIC(K, K) / len(batches)
            for j, Y in enumerate(zb):
                Lm = Y @ Y.t(); Lm.fill_diagonal_(0)
                H[i, j, 1] += tc._HSIC(K, Lm) / len(batches); H[i, j, 2] += tc._HSIC(Lm, Lm) / len(batches)
    return H[:, :, 1] / (H[:, :, 0].sqrt() * H[:, :, 2].sqrt())


def pytorch_cka_part(hsic, batches):
    "pytorch-cka's accumulation (`CKA._accumulate_hsic`: stacked Grams, `hsic`) on captured features."
    xy = xx = yy = 0
    for za, zb in batches:
        g1 = torch.stack([torch.mm(z, z.T) for z in za]); g2 = torch.stack([torch.mm(z, z.T) for z in zb])
        a, b, c = hsic(g1, g2); xy, xx, yy = xy + a, xx + b, yy + c
    return xy / torch.sqrt(xx[:, None] * yy[None, :])


def gram_flops(batches):
    "Flops of every batch Gram as a symmetric rank-k update: b²·p per layer, batch and model."
    return float(sum(z.shape[0] ** 2 * z.shape[1] for za, zb in batches for z in (*za, *zb)))


def rows(args) -> list:
    dev = torch.device("cuda" if args.device == "auto" and torch.cuda.is_available() else
                       ("cpu" if args.device == "auto" else args.device))
    n, bs, rep = (256, 128, 1) if args.quick else (args.n, args.batch, args.repeats)
    ds = load_dataset("mnist", split="test", n=n, seed=0)
    loader = DataLoader(TensorDataset(ds.x, ds.y), batch_size=bs, shuffle=False, drop_last=True)
    m1 = make_model("tiny10", seed=0).eval().to(dev); m2 = make_model("tiny10", seed=1).eval().to(dev)
    layers = list(m1.layer_names)
    body = slice(0, len(layers) - 1)                               # without the logits
    try:
        from torch_cka import CKA as TorchCKA
    except ImportError: TorchCKA = None
    try:
        from cka import compute_cka
        from cka.hsic import hsic as pc_hsic
    except ImportError:
        compute_cka = None
        print("# pytorch-cka not installed (pip install pytorch-cka==1.1.3 to include it); skipped")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tc = TorchCKA(m1, m2, model1_name="a", model2_name="b", model1_layers=layers, model2_layers=layers,
                      device=str(dev)) if TorchCKA else None
    out = {}
    def torch_cka_e2e():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try: tc.compare(loader)
            except AssertionError: pass            # its float32 HSIC went negative (NaN CKA) on some pairs: keep the rest
        return tc.export()["CKA"].double().cpu()
    jobs = {"repsim f64": lambda: repsim_end_to_end(m1, m2, layers, loader, dev),
            "repsim f32": lambda: repsim_end_to_end(m1, m2, layers, loader, dev, torch.float32),
            "compare(streaming)": lambda: torch.tensor(
                compare({"a": m1, "b": m2}, (ds.x, ds.y), layers=layers, pairs="cross", streaming=True,
                        batch_size=bs, device=dev).value.values).reshape(len(layers), len(layers)),
            "forward": lambda: forward_only(m1, m2, layers, loader, dev)}
    if tc is not None: jobs["torch-cka"] = torch_cka_e2e
    if compute_cka is not None:
        jobs["pytorch-cka"] = lambda: compute_cka(m1, m2, loader, layers=layers, device=dev,
                                                  progress=False)[0].double().cpu()
    t = interleaved(jobs, repeats=rep, dev=dev)
    batches = capture(m1, m2, layers, loader, dev)
    ref = reference(batches)
    def maxdiff(D):                                                # NaN (a peer's failed pair) counts as inf
        return float(torch.nan_to_num(D.abs(), nan=float("inf")).max())
    err = {k: maxdiff(t[k].result - ref) for k in t if k != "forward"}
    err_body = {k: maxdiff((t[k].result - ref)[body, body]) for k in t if k != "forward"}
    print("# max |value - float64 reference| (all pairs / without the logits; inf: NaN values): " +
          ", ".join(f"{k} {err[k]:.1e} / {err_body[k]:.1e}" for k in err))
    if err["repsim f64"] > 1e-8 or err["compare(streaming)"] > 1e-8:
        raise AssertionError(f"repsim float64 is {err['repsim f64']:.2e} from the float64 reference (> 1e-8)")
    if err["repsim f32"] > 1e-4: raise AssertionError(f"repsim float32 is {err['repsim f32']:.2e} from float64")
    parts = {"repsim": lambda: _repsim_part(batches)}
    if tc is not None: parts["torch-cka"] = lambda: torch_cka_part(tc, batches)
    if compute_cka is not None: parts["pytorch-cka"] = lambda: pytorch_cka_part(pc_hsic, batches)
    tp = interleaved(parts, repeats=rep, dev=dev)
    flops = gram_flops(batches)
    floor32 = t["forward"].best + flops / gemm_rate(torch.float32, dev)
    floor64 = t["forward"].best + flops / gemm_rate(torch.float64, dev)
    r64 = t["repsim f64"].best
    peers = {k: t[k].best for k in ("torch-cka", "pytorch-cka") if k in t}
    fastest = min(peers, key=peers.get) if peers else None
    res = [Row("end to end, repsim float64 vs floor", r64, "floor: forward + syrk Grams (f32)", floor32,
               "<= 1.5x the floor", r64 <= 1.5 * floor32,
               f"{r64 / floor32:.2f}x the floor; {r64 / floor64:.2f}x the float64-rate floor {floor64:.2f} s; "
               f"forward passes {t['forward'].best:.2f} s; Grams {flops / 1e9:.1f} GFLOP"),
           Row("end to end, repsim float32 Grams vs floor", t["repsim f32"].best, "floor: forward + syrk Grams (f32)",
               floor32, "<= 1.5x the floor, <= 1e-8 from float64",
               t["repsim f32"].best <= 1.5 * floor32 and err["repsim f32"] <= 1e-8,
               f"{t['repsim f32'].best / floor32:.2f}x the floor; max |diff| to float64 {err['repsim f32']:.1e}")]
    for k in peers:
        res.append(Row(f"end to end, repsim float64 vs {k}", r64, k, peers[k],
                       ">= the fastest peer" if k == fastest else "", (r64 <= peers[k]) if k == fastest else None,
                       f"{k} max |diff| {err[k]:.1e} (body {err_body[k]:.1e}); repsim {err['repsim f64']:.1e}"))
        res.append(Row(f"end to end, repsim float32 Grams vs {k}", t["repsim f32"].best, k, peers[k],
                       ">= the fastest peer" if k == fastest else "",
                       (t["repsim f32"].best <= peers[k]) if k == fastest else None,
                       f"float32 max |diff| {err['repsim f32']:.1e}"))
        res.append(Row(f"end to end, compare(streaming=True) vs {k}", t["compare(streaming)"].best, k, peers[k]))
    for k in ("torch-cka", "pytorch-cka"):
        if k in tp:
            res.append(Row(f"CKA part alone, repsim float64 vs {k}", tp["repsim"].best, k, tp[k].best,
                           ">= 10x" if k == "torch-cka" else "",
                           (tp[k].best >= 10 * tp["repsim"].best) if k == "torch-cka" else None,
                           f"repsim's part: {tp['repsim'].best / (flops / gemm_rate(torch.float64, dev)):.2f}x its "
                           "float64 syrk flops at the measured rate"))
    return res


def _repsim_part(batches):
    mb = MinibatchCKA()
    for za, zb in batches: mb.update(za, zb)
    return mb.compute()


def main(argv=None):
    ap = add_common_args(argparse.ArgumentParser(description=__doc__.split("\n")[0]))
    ap.add_argument("--n", type=int, default=2048, help="MNIST test inputs")
    ap.add_argument("--batch", type=int, default=256, help="minibatch size")
    ap.add_argument("--quick", action="store_true", help="small sizes: a smoke test")
    args = ap.parse_args(argv)
    setup(args)
    print_rows(rows(args), "layer×layer minibatch CKA, two Tiny-10s")


if __name__ == "__main__":
    main()
