"""PyTorch peer for bench/run.ts: reads a JSON case list on stdin, prints {case: median_ms}.

Runs under Debian's python3-torch (optional). Same cases, shapes and thread counts as the
TypeScript harness; timings are medians of repeated runs after warm-up.
"""
import json
import sys
import time

import torch
import torch.nn.functional as F

cfg = json.load(sys.stdin)
torch.manual_seed(0)


def median_ms(fn, min_time, min_iters):
    fn()
    ts = []
    t_end = time.perf_counter() + min_time
    while len(ts) < min_iters or time.perf_counter() < t_end:
        t0 = time.perf_counter()
        fn()
        ts.append((time.perf_counter() - t0) * 1000)
        if len(ts) >= 1000:
            break
    ts.sort()
    return ts[len(ts) // 2]


def tcn_params():
    layers = [(1, 32, 1), (32, 32, 2), (32, 64, 4), (64, 64, 8)]
    ws = [(torch.randn(co, ci, 5) * (1 / (ci * 5)) ** 0.5, torch.zeros(co), d) for ci, co, d in layers]
    return ws, torch.randn(5, 64) * 0.1, torch.zeros(5)


def tcn_forward(x, ws, wl, bl):
    h = x
    for w, b, d in ws:
        h = F.relu(F.conv1d(F.pad(h, (4 * d, 0)), w, b, dilation=d))
    return F.linear(h.mean(2), wl, bl)


out = {"version": torch.__version__, "results": {}}
for case in cfg["cases"]:
    torch.set_num_threads(case.get("threads", 1))
    kind = case["kind"]
    t, it = cfg["time"], cfg["iters"]
    if kind == "gemm":
        n = case["n"]
        a, b = torch.randn(n, n), torch.randn(n, n)
        ms = median_ms(lambda: torch.mm(a, b), t, it)
    elif kind in ("conv1d", "conv2d"):
        if kind == "conv1d":
            x = torch.randn(32, 64, 256, requires_grad=True)
            w = torch.randn(64, 64, 3, requires_grad=True)
            f = lambda: F.conv1d(x, w, padding=2, dilation=2)
        else:
            x = torch.randn(32, 32, 32, 32, requires_grad=True)
            w = torch.randn(32, 32, 3, 3, requires_grad=True)
            f = lambda: F.conv2d(x, w, padding=1)
        if case["bwd"]:
            def step():
                y = f()
                dx, dw = torch.autograd.grad(y, (x, w), torch.ones_like(y))
            ms = median_ms(step, t, it)
        else:
            with torch.no_grad():
                ms = median_ms(f, t, it)
    elif kind in ("tcnTrain", "tcnInfer"):
        ws, wl, bl = tcn_params()
        params = [p for w, b, _ in ws for p in (w, b)] + [wl, bl]
        for p in params:
            p.requires_grad_(True)
        opt = torch.optim.SGD(params, lr=0.01)
        x = torch.randn(64, 1, 512)
        y = torch.randint(0, 5, (64,))
        if kind == "tcnTrain":
            def step():
                opt.zero_grad()
                loss = F.cross_entropy(tcn_forward(x, ws, wl, bl), y)
                loss.backward()
                opt.step()
            ms = median_ms(step, t, it)
        else:
            with torch.no_grad():
                ms = median_ms(lambda: tcn_forward(x, ws, wl, bl), t, it)
    elif kind == "tiny":
        x = torch.randn(64, requires_grad=True)
        g = torch.ones(64)
        def step():
            x.grad = None
            torch.relu(x).backward(g)
        ms = median_ms(step, t, it)
    else:
        continue
    out["results"][case["id"]] = ms
print(json.dumps(out))
