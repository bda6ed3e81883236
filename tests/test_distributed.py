"""Two CPU processes (gloo), each streaming part of the batches, give the single-process value.

`MinibatchCKA.sync` and `DirectMatchAccumulator.sync` add up the ranks' sums with `all_reduce`; the processes are
started with `torch.multiprocessing.spawn` on a free local port. One spawn runs every case (process start-up
dominates the cost); each rank writes what it got to a file that the test compares with one process's result.
"""
import socket

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from repsim.cka import MinibatchCKA
from repsim.stitching import DirectMatchAccumulator

B = 32                                   # MinibatchCKA batch size, the same on every rank


def _data():
    g = torch.Generator().manual_seed(0)
    X = torch.randn(320, 12, generator=g, dtype=torch.float64)
    Y = X[:, :5] + 0.5 * torch.randn(320, 5, generator=g, dtype=torch.float64)
    Am = torch.relu(torch.randn(60, 6, 4, 4, generator=g, dtype=torch.float64)) + 3      # conv maps, large mean
    Bm = torch.randn(60, 4, 2, 2, generator=g, dtype=torch.float64) + torch.nn.functional.interpolate(
        Am, size=(2, 2), mode="bilinear", align_corners=False)[:, :4]
    return X, Y, Am, Bm


def _cka_update(acc, X, Y, t):
    s = slice(B * t, B * t + B)
    acc.update({"x": X[s], "x2": X[s] ** 2}, {"y": Y[s], "x": X[s]})


# which batches / rows each rank streams: uneven shares, and a rank with nothing at all
CKA_SHARES = {"uneven": ([0, 1, 2, 3, 4, 5, 6], [7, 8, 9]), "empty_rank": (list(range(10)), [])}
DM_ROWS = {"uneven": ([(0, 7), (7, 20), (20, 23)], [(23, 41), (41, 60)]), "empty_rank": ([(0, 60)], [])}


def _try(f):
    try: return f()
    except ValueError as e: return f"ValueError: {e}"


def _worker(rank, port, out):
    torch.set_num_threads(1)
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=2)
    X, Y, Am, Bm = _data()
    res = {}
    for case, shares in CKA_SHARES.items():
        acc = MinibatchCKA()
        for t in shares[rank]: _cka_update(acc, X, Y, t)
        res[f"cka_{case}"] = acc.sync().compute()
        res[f"cka_{case}_n_batches"] = acc.n_batches
    for case, rows in DM_ROWS.items():
        acc = DirectMatchAccumulator()
        for lo, hi in rows[rank]: acc.update(Am[lo:hi], Bm[lo:hi])
        dm = acc.sync().compute()
        res[f"dm_{case}"] = (dm.W, dm.b, dm.n_rows)
    # refusals: every rank raises the same error (no rank left waiting in a collective)
    acc = MinibatchCKA(); acc.update(X[:B if rank == 0 else B + 4], Y[:B if rank == 0 else B + 4])
    res["bad_batch_size"] = _try(lambda: acc.sync())
    acc = MinibatchCKA(); acc.update({"x": X[:B]}, {"y": Y[:B]} if rank == 0 else {"z": Y[:B]})
    res["bad_layers"] = _try(lambda: acc.sync())
    res["no_batches"] = _try(lambda: MinibatchCKA().sync())
    acc = DirectMatchAccumulator().update(Am[:20], Bm[:20] if rank == 0 else Bm[:20, :3])
    res["dm_bad_channels"] = _try(lambda: acc.sync())
    res["dm_no_rows"] = _try(lambda: DirectMatchAccumulator().sync())
    torch.save(res, f"{out}/rank{rank}.pt")
    dist.destroy_process_group()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def ranks(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    mp.spawn(_worker, args=(_free_port(), str(out)), nprocs=2, join=True)
    return [torch.load(out / f"rank{r}.pt", weights_only=False) for r in range(2)]


@pytest.mark.parametrize("case", list(CKA_SHARES))
def test_minibatch_cka_two_processes_equal_one(ranks, case):
    X, Y, _, _ = _data()
    one = MinibatchCKA()
    for t in range(10): _cka_update(one, X, Y, t)
    want = one.compute()
    for r in ranks:
        got = r[f"cka_{case}"].loc[want.index, want.columns]
        assert (got - want).abs().values.max() < 1e-12
        assert r[f"cka_{case}_n_batches"] == 10
    control = MinibatchCKA()                         # one rank's share alone is a different estimate
    for t in CKA_SHARES["uneven"][1]: _cka_update(control, X, Y, t)
    assert (control.compute() - want).abs().values.max() > 1e-4


@pytest.mark.parametrize("case", list(DM_ROWS))
def test_direct_matching_normal_equations_two_processes_equal_one(ranks, case):
    _, _, Am, Bm = _data()
    one = DirectMatchAccumulator()
    for lo, hi in [(0, 11), (11, 30), (30, 60)]: one.update(Am[lo:hi], Bm[lo:hi])   # other batches, same rows
    want = one.compute()
    for r in ranks:
        W, b, n_rows = r[f"dm_{case}"]
        assert (W - want.W).abs().max() < 1e-12 and (b - want.b).abs().max() < 1e-12
        assert n_rows == want.n_rows == 60 * 4
    part = DirectMatchAccumulator().update(Am[23:60], Bm[23:60]).compute()        # control: rank 1's rows alone
    assert (part.W - want.W).abs().max() > 1e-6


def test_ranks_that_disagree_are_refused_on_every_rank(ranks):
    for key, msg in [("bad_batch_size", "one batch size"), ("bad_layers", "same layers"),
                     ("no_batches", "no process has called update"), ("dm_bad_channels", "same two layers"),
                     ("dm_no_rows", "no process has called update")]:
        got = [r[key] for r in ranks]
        assert all(isinstance(g, str) and g.startswith("ValueError") and msg in g for g in got), (key, got)

