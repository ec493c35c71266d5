#!/usr/bin/python3
"""Generate PyTorch golden reference fixtures for the tsdnas TypeScript tests.

What it generates
-----------------
JSON files under ``test/fixtures/golden/`` (one per op family):

    conv.json         conv1d, conv2d
    pool.json         maxpool1d, maxpool2d, avgpool1d, avgpool2d,
                      globalavgpool1d, globalavgpool2d
    batchnorm.json    batchnorm1d ([N,C,L] and [N,C]), batchnorm2d
                      (train and eval mode, incl. running-stat updates)
    loss.json         cross_entropy, nll, mse, l1, huber, logcosh,
                      bce_with_logits
    linear.json       linear ([N,in] and [N,T,in]), matmul (incl. batched and
                      broadcast batch dims)
    activations.json  relu, relu6, sigmoid, tanh, leaky_relu, softmax,
                      log_softmax

Every case stores its inputs, the forward output, a random upstream gradient
``dy`` and the gradients of ``sum(output * dy)`` w.r.t. every differentiable
input, all computed in torch.float64 with autograd.  Inputs are drawn with
``torch.manual_seed(seed)`` where ``seed`` is a fixed per-case value derived
from the case name (crc32), so adding or reordering cases never changes the
data of other cases.  Numbers are written with Python's shortest round-trip
``repr`` (full double precision).  The JSON schema is documented in
``scripts/golden/README.md``.

How to run
----------
PyTorch is ONLY needed to regenerate the fixtures; it is never a runtime or CI
dependency (the JSON files are committed).  On Debian 12:

    apt-get install -y python3-torch
    /usr/bin/python3 scripts/golden/make_golden.py      # from the repo root

(Use the system interpreter explicitly: a pyenv ``python3`` on PATH usually
has no torch.)  The script is deterministic: re-running it with the same torch
build reproduces the files byte-for-byte.

Torch version used
------------------
torch 1.13.0a0 (Debian package python3-torch 1.13.1+dfsg-4, CPU), Python 3.11.2.
"""

import json
import os
import sys
import warnings
import zlib

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
# padding="same" with even kernels is only used as a cross-check; silence its perf warning
warnings.filterwarnings("ignore", message="Using padding='same'")
DT = torch.float64

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT_DIR = os.path.join(REPO, "test", "fixtures", "golden")
GENERATOR = "scripts/golden/make_golden.py"


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------

def seed_for(name):
    return zlib.crc32(name.encode("utf-8")) & 0x7FFFFFFF


def tj(t):
    """Tensor -> {"shape", "data"} (flat, row-major). Integer tensors get "dtype"."""
    t = t.detach().contiguous()
    shape = list(t.shape)
    flat = t.reshape(-1).tolist()
    if t.dtype.is_floating_point:
        flat = [float(v) for v in flat]
        return {"shape": shape, "data": flat}
    return {"shape": shape, "dtype": "int64", "data": [int(v) for v in flat]}


def randn(*shape, scale=1.0):
    return torch.randn(*shape, dtype=DT) * scale


def distinct(*shape, scale=2.0):
    """Tie-free values: a random permutation plus jitter < 1, mapped to ~[-scale, scale]."""
    n = 1
    for s in shape:
        n *= s
    v = torch.randperm(n).to(DT) + 0.9 * torch.rand(n, dtype=DT)
    v = (v - n / 2.0) * (2.0 * scale / n)
    assert len(set(v.tolist())) == n
    return v.reshape(*shape)


def run_case(name, op, attrs, inputs, fn, grad_keys, extra=None, scalar_dy=False):
    """inputs: dict name->tensor (already created under the case seed).
    fn(**leaves) -> output tensor (or (output, extras_dict)).
    grad_keys: inputs that require grad."""
    leaves = {}
    for k, v in inputs.items():
        if k in grad_keys:
            leaves[k] = v.detach().clone().requires_grad_(True)
        else:
            leaves[k] = v.detach().clone()
    res = fn(**leaves)
    extras = {}
    if isinstance(res, tuple):
        res, extras = res
    if scalar_dy:
        dy = torch.ones((), dtype=DT)
    else:
        dy = randn(*res.shape)
    glist = [leaves[k] for k in grad_keys]
    grads = torch.autograd.grad(res, glist, dy) if glist else []
    case = {
        "name": name,
        "op": op,
        "seed": None,
        "attrs": attrs,
        "inputs": {k: tj(v) for k, v in inputs.items()},
        "output": tj(res),
    }
    for k, v in extras.items():
        case[k] = tj(v)
    case["dy"] = tj(dy)
    case["grads"] = {k: tj(g) for k, g in zip(grad_keys, grads)}
    if extra:
        case.update(extra)
    return case


class Family:
    def __init__(self, fname):
        self.fname = fname
        self.cases = []
        self.names = set()

    def add(self, name, builder):
        """builder() is called right after torch.manual_seed(seed_for(name))."""
        assert name not in self.names, "duplicate case name " + name
        self.names.add(name)
        s = seed_for(name)
        torch.manual_seed(s)
        case = builder()
        case["seed"] = s
        assert case["name"] == name
        self.cases.append(case)

    def write(self):
        os.makedirs(OUT_DIR, exist_ok=True)
        path = os.path.join(OUT_DIR, self.fname)
        head = {
            "generator": GENERATOR,
            "torch": torch.__version__,
            "dtype": "float64",
        }
        parts = []
        for k, v in head.items():
            parts.append(json.dumps(k) + ": " + json.dumps(v))
        body = ",\n".join(
            "  " + json.dumps(c, separators=(",", ":"), allow_nan=False) for c in self.cases
        )
        text = "{\n" + ",\n".join(" " + p for p in parts) + ',\n "cases": [\n' + body + "\n ]\n}\n"
        with open(path, "w") as f:
            f.write(text)
        # sanity: round trip
        with open(path) as f:
            back = json.load(f)
        assert len(back["cases"]) == len(self.cases)
        return path, os.path.getsize(path)


def fmt_list(v):
    return "[" + ",".join(str(x) for x in v) + "]"


# --------------------------------------------------------------------------
# conv
# --------------------------------------------------------------------------

def conv1d_out_len(L, K, s, d, pl, pr):
    return (L + pl + pr - d * (K - 1) - 1) // s + 1


def make_conv1d(fam, name, N, Cin, Cout, L, K, s, d, pl, pr, g, bias, check_same=False):
    def build():
        assert Cin % g == 0 and Cout % g == 0
        assert conv1d_out_len(L, K, s, d, pl, pr) >= 1, name
        inputs = {"x": randn(N, Cin, L), "w": randn(Cout, Cin // g, K, scale=0.5)}
        if bias:
            inputs["b"] = randn(Cout, scale=0.5)

        def fn(x, w, b=None):
            y = F.conv1d(F.pad(x, (pl, pr)), w, b, stride=s, padding=0, dilation=d, groups=g)
            if check_same:
                ref = F.conv1d(x, w, b, stride=1, padding="same", dilation=d, groups=g)
                assert torch.allclose(ref, y, rtol=0, atol=1e-12), name
            elif pl == pr:
                ref = F.conv1d(x, w, b, stride=s, padding=pl, dilation=d, groups=g)
                assert torch.allclose(ref, y, rtol=0, atol=1e-12), name
            return y

        attrs = {"stride": s, "dilation": d, "padding": [pl, pr], "groups": g, "bias": bias}
        return run_case(name, "conv1d", attrs, inputs, fn, list(inputs.keys()))

    fam.add(name, build)


def make_conv2d(fam, name, N, Cin, Cout, H, W, K, s, d, p, g, bias, check_same=False):
    kh, kw = K
    sh, sw = s
    dh, dw = d
    pt, pb, pl, pr = p

    def build():
        assert Cin % g == 0 and Cout % g == 0
        assert conv1d_out_len(H, kh, sh, dh, pt, pb) >= 1, name
        assert conv1d_out_len(W, kw, sw, dw, pl, pr) >= 1, name
        inputs = {"x": randn(N, Cin, H, W), "w": randn(Cout, Cin // g, kh, kw, scale=0.5)}
        if bias:
            inputs["b"] = randn(Cout, scale=0.5)

        def fn(x, w, b=None):
            # F.pad takes (left, right, top, bottom) for the last two dims
            y = F.conv2d(F.pad(x, (pl, pr, pt, pb)), w, b, stride=(sh, sw), padding=0,
                         dilation=(dh, dw), groups=g)
            if check_same:
                ref = F.conv2d(x, w, b, stride=1, padding="same", dilation=(dh, dw), groups=g)
                assert torch.allclose(ref, y, rtol=0, atol=1e-12), name
            elif pt == pb and pl == pr:
                ref = F.conv2d(x, w, b, stride=(sh, sw), padding=(pt, pl), dilation=(dh, dw),
                               groups=g)
                assert torch.allclose(ref, y, rtol=0, atol=1e-12), name
            return y

        attrs = {"stride": [sh, sw], "dilation": [dh, dw], "padding": [pt, pb, pl, pr],
                 "groups": g, "bias": bias}
        return run_case(name, "conv2d", attrs, inputs, fn, list(inputs.keys()))

    fam.add(name, build)


def same_pad(K, d):
    total = d * (K - 1)
    left = total // 2
    return left, total - left  # extra pad (odd total) goes on the RIGHT, like PyTorch


def gen_conv():
    fam = Family("conv.json")

    # ---- conv1d grid: stride x dilation x padding (all 36 combos); groups and
    # kernel size are rotated so that every (padding, groups) pair occurs and
    # most cases combine non-trivial stride, dilation, padding and groups.
    strides = [1, 2, 3]
    dils = [1, 2, 3]
    pads = [(0, 0), (2, 2), (4, 0), (1, 2)]
    # (kind, Cin, Cout, groups)
    gkinds = [("g1", 3, 4, 1), ("g2", 4, 6, 2), ("dw", 4, 4, 4), ("dwx2", 3, 6, 3)]
    kernels = [3, 2, 4]
    i = 0
    for si, s in enumerate(strides):
        for di, d in enumerate(dils):
            for pi, (pl, pr) in enumerate(pads):
                kind, cin, cout, g = gkinds[(si + di + pi) % 4]
                K = kernels[(di + pi + si) % 3]
                L = 14 + (i % 6)
                bias = (i % 3) != 2
                tag = "" if kind in ("g1", "g2") else "_" + kind
                name = "conv1d_s%d_d%d_pad[%d,%d]_g%d%s_k%d_L%d%s" % (
                    s, d, pl, pr, g, tag, K, L, "" if bias else "_nobias")
                make_conv1d(fam, name, 2, cin, cout, L, K, s, d, pl, pr, g, bias)
                i += 1
    # a few extra edge cases
    make_conv1d(fam, "conv1d_k1_pointwise_g1", 2, 5, 6, 9, 1, 1, 1, 0, 0, 1, True)
    make_conv1d(fam, "conv1d_s3_d3_pad[4,0]_g2_k3_L20_combo", 2, 6, 4, 20, 3, 3, 3, 4, 0, 2, True)
    make_conv1d(fam, "conv1d_s2_d2_pad[1,2]_g2_k3_L17_combo", 2, 4, 6, 17, 3, 2, 2, 1, 2, 2, True)
    make_conv1d(fam, "conv1d_kernel_equals_input_L5_k5", 2, 3, 2, 5, 5, 1, 1, 0, 0, 1, True)
    # causal TCN-style: left pad = d*(K-1), stride 1
    for (K, d) in [(3, 1), (3, 2), (2, 4)]:
        make_conv1d(fam, "conv1d_causal_k%d_d%d_pad[%d,0]" % (K, d, d * (K - 1)),
                    2, 4, 4, 16, K, 1, d, d * (K - 1), 0, 1, True)
    # 'same' padding (stride 1), odd and even kernels
    for (K, d, g, cin, cout) in [(3, 1, 1, 3, 4), (5, 1, 1, 3, 4), (2, 1, 1, 3, 4), (4, 1, 2, 4, 6),
                                 (3, 2, 1, 3, 4), (2, 3, 4, 4, 4), (4, 2, 1, 3, 2)]:
        pl, pr = same_pad(K, d)
        name = "conv1d_same_k%d_d%d_g%d_pad[%d,%d]" % (K, d, g, pl, pr)
        make_conv1d(fam, name, 2, cin, cout, 12, K, 1, d, pl, pr, g, True, check_same=True)

    # ---- conv2d
    s2 = [(1, 1), (2, 2), (1, 2), (2, 1), (3, 2)]
    d2 = [(1, 1), (2, 2), (1, 2), (2, 1)]
    p2 = [(0, 0, 0, 0), (1, 1, 1, 1), (2, 0, 2, 0), (0, 1, 2, 1)]
    k2 = [(3, 3), (2, 3), (3, 2), (2, 2)]
    gk2 = [("g1", 2, 3, 1), ("g2", 4, 4, 2), ("dw", 3, 3, 3), ("dwx2", 2, 4, 2)]
    for i in range(20):
        sh, sw = s2[i % 5]
        dh, dw = d2[(i // 5 + i) % 4]
        p = p2[(i // 2) % 4]
        kind, cin, cout, g = gk2[(i + i // 4) % 4]
        kh, kw = k2[(i // 3 + i) % 4]
        H, W = 7 + (i % 2), 8 - (i % 3) // 2
        bias = (i % 4) != 3
        tag = "" if kind in ("g1", "g2") else "_" + kind
        name = "conv2d_s%s_d%s_pad%s_g%d%s_k%s_%dx%d%s" % (
            fmt_list((sh, sw)), fmt_list((dh, dw)), fmt_list(p), g, tag, fmt_list((kh, kw)),
            H, W, "" if bias else "_nobias")
        make_conv2d(fam, name, 2, cin, cout, H, W, (kh, kw), (sh, sw), (dh, dw), p, g, bias)
    make_conv2d(fam, "conv2d_k1x1_pointwise", 2, 4, 5, 5, 6, (1, 1), (1, 1), (1, 1),
                (0, 0, 0, 0), 1, True)
    make_conv2d(fam, "conv2d_s[2,3]_d[2,1]_pad[1,2,0,1]_g2_k[3,2]_9x9_combo", 2, 4, 4, 9, 9,
                (3, 2), (2, 3), (2, 1), (1, 2, 0, 1), 2, True)
    make_conv2d(fam, "conv2d_s[3,2]_d[1,2]_pad[2,0,2,0]_g2_dw_k[2,3]_8x9_combo", 2, 2, 2, 8, 9,
                (2, 3), (3, 2), (1, 2), (2, 0, 2, 0), 2, True)
    # 'same' padding (stride 1), odd and even kernels
    for (K, d, g, cin, cout) in [((3, 3), (1, 1), 1, 2, 3), ((2, 2), (1, 1), 1, 2, 3),
                                 ((2, 3), (1, 2), 2, 2, 4), ((4, 3), (2, 1), 3, 3, 3)]:
        pt, pb = same_pad(K[0], d[0])
        pl, pr = same_pad(K[1], d[1])
        p = (pt, pb, pl, pr)
        name = "conv2d_same_k%s_d%s_g%d_pad%s" % (fmt_list(K), fmt_list(d), g, fmt_list(p))
        make_conv2d(fam, name, 2, cin, cout, 6, 7, K, (1, 1), d, p, g, True, check_same=True)
    return fam


# --------------------------------------------------------------------------
# pooling
# --------------------------------------------------------------------------

def gen_pool():
    fam = Family("pool.json")

    # maxpool1d: (kernel, stride, padding, L)
    for (k, s, p, L) in [(2, 2, 0, 12), (3, 1, 1, 10), (3, 2, 1, 11), (4, 3, 2, 13),
                         (2, 1, 0, 9), (5, 2, 2, 14), (3, 3, 0, 11), (3, 2, 0, 10)]:
        name = "maxpool1d_k%d_s%d_p%d_L%d" % (k, s, p, L)

        def build(k=k, s=s, p=p, L=L, name=name):
            inputs = {"x": distinct(2, 3, L)}
            fn = lambda x: F.max_pool1d(x, k, stride=s, padding=p, dilation=1, ceil_mode=False)
            attrs = {"kernel": k, "stride": s, "padding": p, "dilation": 1}
            return run_case(name, "maxpool1d", attrs, inputs, fn, ["x"])

        fam.add(name, build)

    # maxpool2d
    for (k, s, p, H, W) in [((2, 2), (2, 2), (0, 0), 6, 6), ((3, 3), (1, 1), (1, 1), 5, 6),
                            ((3, 3), (2, 2), (1, 1), 7, 7), ((2, 3), (1, 2), (0, 1), 6, 7),
                            ((3, 2), (2, 1), (1, 0), 7, 5), ((3, 3), (3, 3), (0, 0), 8, 8),
                            ((4, 4), (3, 2), (2, 1), 9, 8)]:
        name = "maxpool2d_k%s_s%s_p%s_%dx%d" % (fmt_list(k), fmt_list(s), fmt_list(p), H, W)

        def build(k=k, s=s, p=p, H=H, W=W, name=name):
            inputs = {"x": distinct(2, 3, H, W)}
            fn = lambda x: F.max_pool2d(x, k, stride=s, padding=p, dilation=1, ceil_mode=False)
            attrs = {"kernel": list(k), "stride": list(s), "padding": list(p),
                     "dilation": [1, 1]}
            return run_case(name, "maxpool2d", attrs, inputs, fn, ["x"])

        fam.add(name, build)

    # avgpool1d
    for (k, s, p, cip, L) in [(2, 2, 0, True, 12), (3, 1, 1, True, 10), (3, 1, 1, False, 10),
                              (3, 2, 1, False, 11), (4, 3, 2, True, 13), (4, 3, 2, False, 13),
                              (5, 2, 2, False, 14), (3, 3, 0, True, 11)]:
        name = "avgpool1d_k%d_s%d_p%d_cip%d_L%d" % (k, s, p, int(cip), L)

        def build(k=k, s=s, p=p, cip=cip, L=L, name=name):
            inputs = {"x": randn(2, 3, L)}
            fn = lambda x: F.avg_pool1d(x, k, stride=s, padding=p, ceil_mode=False,
                                        count_include_pad=cip)
            attrs = {"kernel": k, "stride": s, "padding": p, "countIncludePad": cip}
            return run_case(name, "avgpool1d", attrs, inputs, fn, ["x"])

        fam.add(name, build)

    # avgpool2d
    for (k, s, p, cip, H, W) in [((2, 2), (2, 2), (0, 0), True, 6, 6),
                                 ((3, 3), (1, 1), (1, 1), True, 5, 6),
                                 ((3, 3), (1, 1), (1, 1), False, 5, 6),
                                 ((3, 3), (2, 2), (1, 1), False, 7, 7),
                                 ((2, 3), (1, 2), (0, 1), False, 6, 7),
                                 ((3, 2), (2, 1), (1, 1), True, 7, 5),
                                 ((4, 4), (3, 2), (2, 1), False, 9, 8),
                                 ((4, 4), (3, 2), (2, 1), True, 9, 8)]:
        name = "avgpool2d_k%s_s%s_p%s_cip%d_%dx%d" % (fmt_list(k), fmt_list(s), fmt_list(p),
                                                      int(cip), H, W)

        def build(k=k, s=s, p=p, cip=cip, H=H, W=W, name=name):
            inputs = {"x": randn(2, 3, H, W)}
            fn = lambda x: F.avg_pool2d(x, k, stride=s, padding=p, ceil_mode=False,
                                        count_include_pad=cip, divisor_override=None)
            attrs = {"kernel": list(k), "stride": list(s), "padding": list(p),
                     "countIncludePad": cip}
            return run_case(name, "avgpool2d", attrs, inputs, fn, ["x"])

        fam.add(name, build)

    # global average pooling (== adaptive_avg_pool to 1, flattened to [N,C])
    for (C, L) in [(3, 10), (6, 1), (4, 17)]:
        name = "globalavgpool1d_C%d_L%d" % (C, L)

        def build(C=C, L=L, name=name):
            inputs = {"x": randn(2, C, L)}

            def fn(x):
                y = x.mean(dim=2)
                ref = F.adaptive_avg_pool1d(x, 1).reshape(2, C)
                assert torch.allclose(ref, y, rtol=0, atol=1e-14)
                return y

            return run_case(name, "globalavgpool1d", {}, inputs, fn, ["x"])

        fam.add(name, build)
    for (C, H, W) in [(3, 5, 6), (4, 1, 1), (2, 9, 7)]:
        name = "globalavgpool2d_C%d_%dx%d" % (C, H, W)

        def build(C=C, H=H, W=W, name=name):
            inputs = {"x": randn(2, C, H, W)}

            def fn(x):
                y = x.mean(dim=(2, 3))
                ref = F.adaptive_avg_pool2d(x, 1).reshape(2, C)
                assert torch.allclose(ref, y, rtol=0, atol=1e-14)
                return y

            return run_case(name, "globalavgpool2d", {}, inputs, fn, ["x"])

        fam.add(name, build)
    return fam


# --------------------------------------------------------------------------
# batchnorm
# --------------------------------------------------------------------------

def make_bn(fam, name, op, xshape, eps, momentum, training):
    def build():
        C = xshape[1]
        x = randn(*xshape, scale=1.5) + randn(1, C, *([1] * (len(xshape) - 2)))
        inputs = {
            "x": x,
            "weight": 1.0 + randn(C, scale=0.3),
            "bias": randn(C, scale=0.3),
        }
        if training:
            rm0 = randn(C, scale=0.2)
            rv0 = 1.0 + torch.rand(C, dtype=DT) * 0.5
        else:
            rm0 = randn(C, scale=0.8)
            rv0 = 0.3 + torch.rand(C, dtype=DT) * 2.0
        inputs["running_mean"] = rm0
        inputs["running_var"] = rv0

        def fn(x, weight, bias, running_mean, running_var):
            rm = running_mean.clone()
            rv = running_var.clone()
            y = F.batch_norm(x, rm, rv, weight, bias, training=training, momentum=momentum,
                             eps=eps)
            # independent check of the conventions we document
            dims = [0] + list(range(2, x.dim()))
            shp = [1, C] + [1] * (x.dim() - 2)
            xd = x.detach()
            if training:
                mean = xd.mean(dim=dims)
                var_b = xd.var(dim=dims, unbiased=False)
                var_u = xd.var(dim=dims, unbiased=True)
                assert torch.allclose(rm, (1 - momentum) * running_mean + momentum * mean,
                                      rtol=0, atol=1e-13)
                assert torch.allclose(rv, (1 - momentum) * running_var + momentum * var_u,
                                      rtol=0, atol=1e-13)
            else:
                mean, var_b = running_mean, running_var
                assert torch.equal(rm, running_mean) and torch.equal(rv, running_var)
            ref = (xd - mean.reshape(shp)) / torch.sqrt(var_b.reshape(shp) + eps) \
                * weight.detach().reshape(shp) + bias.detach().reshape(shp)
            assert torch.allclose(ref, y.detach(), rtol=0, atol=1e-12)
            return y, {"running_mean_after": rm, "running_var_after": rv}

        attrs = {"eps": eps, "momentum": momentum, "training": training}
        return run_case(name, op, attrs, inputs, fn, ["x", "weight", "bias"])

    fam.add(name, build)


def gen_batchnorm():
    fam = Family("batchnorm.json")
    make_bn(fam, "batchnorm1d_NCL_train", "batchnorm1d", (2, 4, 10), 1e-5, 0.1, True)
    make_bn(fam, "batchnorm1d_NCL_train_eps1e-3_mom0.3", "batchnorm1d", (2, 6, 7), 1e-3, 0.3, True)
    make_bn(fam, "batchnorm1d_NCL_L1_train", "batchnorm1d", (2, 3, 1), 1e-5, 0.1, True)
    make_bn(fam, "batchnorm1d_NC_N2_train", "batchnorm1d", (2, 5), 1e-5, 0.1, True)
    make_bn(fam, "batchnorm1d_NC_N6_train", "batchnorm1d", (6, 4), 1e-5, 0.1, True)
    make_bn(fam, "batchnorm1d_NCL_eval", "batchnorm1d", (2, 4, 10), 1e-5, 0.1, False)
    make_bn(fam, "batchnorm1d_NC_eval", "batchnorm1d", (3, 5), 1e-3, 0.1, False)
    make_bn(fam, "batchnorm2d_train", "batchnorm2d", (2, 3, 5, 6), 1e-5, 0.1, True)
    make_bn(fam, "batchnorm2d_train_eps1e-3_mom0.3", "batchnorm2d", (2, 4, 4, 4), 1e-3, 0.3, True)
    make_bn(fam, "batchnorm2d_eval", "batchnorm2d", (2, 3, 5, 6), 1e-5, 0.1, False)
    return fam


# --------------------------------------------------------------------------
# losses
# --------------------------------------------------------------------------

def gen_loss():
    fam = Family("loss.json")

    def ce_case(name, N, K, scale, ls, reduction):
        def build():
            inputs = {"x": randn(N, K, scale=scale), "target": torch.randint(0, K, (N,))}

            def fn(x, target):
                y = F.cross_entropy(x, target, reduction=reduction, label_smoothing=ls)
                # documented label-smoothing formula
                lp = F.log_softmax(x.detach(), dim=1)
                per = (1 - ls) * (-lp.gather(1, target[:, None])[:, 0]) + ls * (-lp.mean(dim=1))
                ref = per.mean() if reduction == "mean" else per.sum()
                assert torch.allclose(ref, y.detach(), rtol=0, atol=1e-12)
                return y

            attrs = {"reduction": reduction, "labelSmoothing": ls}
            return run_case(name, "cross_entropy", attrs, inputs, fn, ["x"], scalar_dy=True)

        fam.add(name, build)

    ce_case("cross_entropy_N4_K5_mean", 4, 5, 1.0, 0.0, "mean")
    ce_case("cross_entropy_N6_K10_mean", 6, 10, 2.0, 0.0, "mean")
    ce_case("cross_entropy_N4_K5_ls0.1_mean", 4, 5, 1.0, 0.1, "mean")
    ce_case("cross_entropy_N6_K10_ls0.1_mean", 6, 10, 2.0, 0.1, "mean")
    ce_case("cross_entropy_N3_K4_sum", 3, 4, 1.0, 0.0, "sum")
    ce_case("cross_entropy_N4_K6_large_logits_mean", 4, 6, 40.0, 0.0, "mean")

    def nll_case(name, N, K, reduction):
        def build():
            inputs = {"x": F.log_softmax(randn(N, K, scale=1.5), dim=1),
                      "target": torch.randint(0, K, (N,))}
            fn = lambda x, target: F.nll_loss(x, target, reduction=reduction)
            return run_case(name, "nll", {"reduction": reduction}, inputs, fn, ["x"],
                            scalar_dy=True)

        fam.add(name, build)

    nll_case("nll_N4_K5_mean", 4, 5, "mean")
    nll_case("nll_N6_K3_mean", 6, 3, "mean")
    nll_case("nll_N3_K4_sum", 3, 4, "sum")

    def reg_case(name, op, shape, scale, fn, attrs):
        def build():
            inputs = {"x": randn(*shape), "target": randn(*shape, scale=scale)}
            return run_case(name, op, attrs, inputs, fn, ["x"], scalar_dy=True)

        fam.add(name, build)

    reg_case("mse_N4_D3", "mse", (4, 3), 1.0, lambda x, target: F.mse_loss(x, target),
             {"reduction": "mean"})
    reg_case("mse_N2_C3_L5", "mse", (2, 3, 5), 1.0, lambda x, target: F.mse_loss(x, target),
             {"reduction": "mean"})
    reg_case("mse_N4_D3_sum", "mse", (4, 3), 1.0,
             lambda x, target: F.mse_loss(x, target, reduction="sum"), {"reduction": "sum"})
    reg_case("l1_N4_D3", "l1", (4, 3), 1.0, lambda x, target: F.l1_loss(x, target),
             {"reduction": "mean"})
    reg_case("l1_N2_C3_L5", "l1", (2, 3, 5), 1.0, lambda x, target: F.l1_loss(x, target),
             {"reduction": "mean"})
    for delta in (1.0, 0.5):
        for shape in [(4, 3), (2, 3, 5)]:
            reg_case("huber_delta%s_%s" % (delta, "x".join(map(str, shape))), "huber", shape, 1.5,
                     lambda x, target, delta=delta: F.huber_loss(x, target, delta=delta),
                     {"reduction": "mean", "delta": delta})

    def logcosh(x, target):
        return torch.log(torch.cosh(x - target)).mean()

    reg_case("logcosh_N4_D3", "logcosh", (4, 3), 1.5, logcosh, {"reduction": "mean"})
    reg_case("logcosh_N2_C3_L5", "logcosh", (2, 3, 5), 2.0, logcosh, {"reduction": "mean"})

    def bce_case(name, shape, soft):
        def build():
            t = torch.rand(*shape, dtype=DT) if soft else torch.randint(0, 2, shape).to(DT)
            inputs = {"x": randn(*shape, scale=2.0), "target": t}
            fn = lambda x, target: F.binary_cross_entropy_with_logits(x, target)
            return run_case(name, "bce_with_logits", {"reduction": "mean"}, inputs, fn, ["x"],
                            scalar_dy=True)

        fam.add(name, build)

    bce_case("bce_with_logits_N4_D3_hard", (4, 3), False)
    bce_case("bce_with_logits_N6_soft", (6,), True)
    return fam


# --------------------------------------------------------------------------
# linear / matmul
# --------------------------------------------------------------------------

def gen_linear():
    fam = Family("linear.json")

    def lin_case(name, xshape, out, bias):
        def build():
            inp = xshape[-1]
            inputs = {"x": randn(*xshape), "w": randn(out, inp, scale=0.5)}
            if bias:
                inputs["b"] = randn(out, scale=0.5)
            fn = lambda x, w, b=None: F.linear(x, w, b)
            return run_case(name, "linear", {"bias": bias}, inputs, fn, list(inputs.keys()))

        fam.add(name, build)

    lin_case("linear_N2_in5_out3", (2, 5), 3, True)
    lin_case("linear_N4_in6_out6", (4, 6), 6, True)
    lin_case("linear_N2_in4_out3_nobias", (2, 4), 3, False)
    lin_case("linear_N2_T5_in4_out3", (2, 5, 4), 3, True)
    lin_case("linear_N2_T3_in6_out2_nobias", (2, 3, 6), 2, False)
    lin_case("linear_N1_in1_out4", (1, 1), 4, True)

    def mm_case(name, ashape, bshape):
        def build():
            inputs = {"a": randn(*ashape), "b": randn(*bshape)}
            fn = lambda a, b: torch.matmul(a, b)
            return run_case(name, "matmul", {}, inputs, fn, ["a", "b"])

        fam.add(name, build)

    mm_case("matmul_3x4_4x2", (3, 4), (4, 2))
    mm_case("matmul_batched_2x3x4_2x4x5", (2, 3, 4), (2, 4, 5))
    mm_case("matmul_broadcast_2x1x3x4_5x4x2", (2, 1, 3, 4), (5, 4, 2))
    mm_case("matmul_broadcast_3x4_2x4x5", (3, 4), (2, 4, 5))
    mm_case("matmul_broadcast_2x3x3x4_4x2", (2, 3, 3, 4), (4, 2))
    return fam


# --------------------------------------------------------------------------
# activations
# --------------------------------------------------------------------------

def gen_activations():
    fam = Family("activations.json")
    acts = [
        ("relu", {}, lambda x: F.relu(x), 2.0),
        ("relu6", {}, lambda x: F.relu6(x), 4.0),
        ("sigmoid", {}, lambda x: torch.sigmoid(x), 3.0),
        ("tanh", {}, lambda x: torch.tanh(x), 2.0),
        ("leaky_relu", {"negativeSlope": 0.01}, lambda x: F.leaky_relu(x, 0.01), 2.0),
        ("softmax", {"axis": -1}, lambda x: F.softmax(x, dim=-1), 2.0),
        ("log_softmax", {"axis": -1}, lambda x: F.log_softmax(x, dim=-1), 2.0),
    ]
    for op, attrs, fn, scale in acts:
        for shape in [(2, 7), (2, 3, 5)]:
            name = "%s_%s" % (op, "x".join(map(str, shape)))

            def build(op=op, attrs=attrs, fn=fn, scale=scale, shape=shape, name=name):
                inputs = {"x": randn(*shape, scale=scale)}
                if op == "relu6":  # centre at 3 so both clamps are exercised
                    inputs["x"] = inputs["x"] + 3.0
                    # make sure all three regions (<0, (0,6), >6) are hit
                    v = inputs["x"]
                    assert (v < 0).any() and ((v > 0) & (v < 6)).any() and (v > 6).any(), name
                return run_case(name, op, attrs, inputs, fn, ["x"])

            fam.add(name, build)
    for op in ("softmax", "log_softmax"):
        name = "%s_2x6_large_values" % op

        def build(op=op, name=name):
            inputs = {"x": randn(2, 6, scale=60.0)}
            f = (lambda x: F.softmax(x, dim=-1)) if op == "softmax" else \
                (lambda x: F.log_softmax(x, dim=-1))
            return run_case(name, op, {"axis": -1}, inputs, f, ["x"])

        fam.add(name, build)
    return fam


# --------------------------------------------------------------------------

def main():
    fams = [gen_conv(), gen_pool(), gen_batchnorm(), gen_loss(), gen_linear(), gen_activations()]
    total = 0
    for fam in fams:
        path, size = fam.write()
        total += size
        counts = {}
        for c in fam.cases:
            counts[c["op"]] = counts.get(c["op"], 0) + 1
        print("%-40s %8.1f KB  %s" % (os.path.relpath(path, REPO), size / 1024.0,
                                      ", ".join("%s=%d" % kv for kv in counts.items())))
    print("total %.1f KB" % (total / 1024.0))


if __name__ == "__main__":
    if not torch.__version__:
        sys.exit("torch not available")
    main()
