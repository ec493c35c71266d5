"""PyTorch peer of bench/zoo.ts: times one training step of every zoo entry.

Reads {"entries": [...], "threads": [1, 2], "minTime": s, "minSteps": n} on stdin (see
bench/zoo/entries.ts), builds each tsdnas.architecture/1 file as torch.nn modules with tsdnas's
semantics (src/nn/serialize.ts), and prints one JSON object on stdout:
{"torch": version, "plinio": null | why not, "results": {id: {"params": n, "ms": {"1": ms, ...}}
| {"params": n, "missing": why}}}.

Search rows (mode "pit" / "mps") use PLiNIO's PIT / MPS the way the kit's scripts/run_pit.py
does (loss + lambda * model.cost); without PLiNIO they report why they have no time.
Run with Debian's /usr/bin/python3 and PYTHONPATH=/work/shared/peers/plinio/plinio.
"""
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

try:
    from plinio.methods import PIT
    from plinio.methods.mps import MPS, MPSType, get_default_qinfo
    from plinio.cost import params as plinio_params, params_bit
    PLINIO_MISSING = None
except Exception as e:  # any import failure only takes the search rows away
    PLINIO_MISSING = f'PLiNIO does not import: {type(e).__name__}: {e}'


def pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


class Residual(nn.Module):
    """tsdnas Residual: post(body(x) + (shortcut(x) or x))."""

    def __init__(self, body, shortcut, post):
        super().__init__()
        self.body, self.shortcut, self.post = body, shortcut, post

    def forward(self, x):
        y = self.body(x) + (x if self.shortcut is None else self.shortcut(x))
        return y if self.post is None else self.post(y)


def conv1d(n):
    k, d, p = n['k'], n['dilation'], n['padding']
    conv = lambda pad: nn.Conv1d(n['cin'], n['cout'], k, stride=n['stride'], padding=pad, dilation=d,
                                 groups=n['groups'], bias=n['bias'])
    # Causal and asymmetric paddings as an explicit pad + an unpadded conv (the PLiNIO kit's form).
    if p == 'causal':
        return nn.Sequential(nn.ConstantPad1d(((k - 1) * d, 0), 0.0), conv(0))
    if isinstance(p, list) and p[0] != p[1]:
        return nn.Sequential(nn.ConstantPad1d((p[0], p[1]), 0.0), conv(0))
    return conv(p[0] if isinstance(p, list) else p)  # int, 'same' or 'valid'


def conv2d(n):
    p = n['padding']
    conv = lambda pad: nn.Conv2d(n['cin'], n['cout'], pair(n['k']), stride=pair(n['stride']), padding=pad,
                                 dilation=pair(n['dilation']), groups=n['groups'], bias=n['bias'])
    if isinstance(p, list) and len(p) == 4:  # tsdnas [top, bottom, left, right]; ZeroPad2d takes (l, r, t, b)
        t, b, l, r = p
        return nn.Sequential(nn.ZeroPad2d((l, r, t, b)), conv(0))
    return conv(p if isinstance(p, str) else pair(p))


def pool(cls, o):
    k = o['kernel']
    kw = dict(stride=o.get('stride', k), padding=o.get('padding', 0))
    if 'Avg' in cls.__name__:
        kw['count_include_pad'] = o.get('countIncludePad', True)
    return cls(k if isinstance(k, int) else tuple(k), **kw)


def build(n, nd):
    """A torch module for an ArchNode; nd = spatial dims of the input (1 or 2), for GlobalAvgPool."""
    t = n['type']
    sub = lambda c: None if c is None else build(c, nd)
    if t == 'Sequential':
        return nn.Sequential(*[build(c, nd) for c in n['layers']])
    if t == 'Residual':
        return Residual(sub(n['body']), sub(n['shortcut']), sub(n['post']))
    if t == 'Conv1d':
        return conv1d(n)
    if t == 'Conv2d':
        return conv2d(n)
    if t == 'Linear':
        return nn.Linear(n['in'], n['out'], bias=n['bias'])
    if t in ('BatchNorm1d', 'BatchNorm2d'):
        return getattr(nn, t)(n['features'], eps=n['eps'], momentum=n['momentum'], affine=n['affine'])
    if t in ('MaxPool1d', 'AvgPool1d', 'MaxPool2d', 'AvgPool2d'):
        return pool(getattr(nn, t), n['opts'])
    if t == 'GlobalAvgPool':  # mean over the spatial axes: [N, C, ...] -> [N, C]
        return nn.Sequential(nn.AdaptiveAvgPool1d(1) if nd == 1 else nn.AdaptiveAvgPool2d(1), nn.Flatten(1))
    if t == 'Flatten':
        return nn.Flatten(n['startAxis'])
    if t == 'ConstantPad1d':
        return nn.ConstantPad1d((n['left'], n['right']), n['value'])
    if t == 'Dropout':
        return nn.Dropout(n['p'])
    if t == 'LeakyReLU':
        return nn.LeakyReLU(n['slope'])
    simple = {'ReLU': nn.ReLU, 'ReLU6': nn.ReLU6, 'Sigmoid': nn.Sigmoid, 'Tanh': nn.Tanh, 'Identity': nn.Identity}
    if t in simple:
        return simple[t]()
    raise ValueError(f'torch_zoo: no torch module for layer type {t!r}')


def median_ms(step, min_time, min_steps):
    step()  # warm-up
    ts = []
    end = time.perf_counter() + min_time
    while len(ts) < min_steps or time.perf_counter() < end:
        t0 = time.perf_counter()
        step()
        ts.append((time.perf_counter() - t0) * 1000)
    ts.sort()
    return ts[len(ts) // 2]


def make_step(e):
    """(parameter count of the plain net, one-step closure) for an entry."""
    with open(e['file']) as f:
        model = build(json.load(f)['architecture'], len(e['input']) - 1)
    n_params = sum(p.numel() for p in model.parameters())
    g = torch.Generator().manual_seed(5)
    x = torch.rand((e['batch'], *e['input']), generator=g) * 2 - 1
    if e['classes'] == 1:  # regression head (temponet): mean squared error, as tsdnas does for 1 output
        y, loss_fn = torch.randn((e['batch'], 1), generator=g), F.mse_loss
    else:
        y, loss_fn = torch.randint(0, e['classes'], (e['batch'],), generator=g), F.cross_entropy
    mode, lam = e['mode'], e.get('lambda', 0.0)
    if mode != 'plain' and PLINIO_MISSING is not None:
        return n_params, PLINIO_MISSING
    shape = tuple(e['input'])
    if mode == 'pit':
        net = PIT(model, input_shape=shape, cost=plinio_params, discrete_cost=True)
        cost_scale = 1.0
    elif mode == 'mps':
        qinfo = get_default_qinfo(w_precision=tuple(e['wBits']), a_precision=tuple(e['aBits']))
        qinfo['input_default']['search_precision'] = (e['inputBits'],)  # tsdnas: one fixed-precision input quantiser
        net = MPS(model, input_shape=shape, qinfo=qinfo, w_search_type=MPSType.PER_CHANNEL, cost=params_bit,
                  hard_softmax=e['sampling'] == 'hard')
        cost_scale = 1 / 8  # PLiNIO counts bits, tsdnas's 'size' cost bytes: the same term
    else:
        net = model
    if mode == 'plain':
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        extra = None
    else:
        # Like tsdnas's searchOptimizers: one Adam, weights at 1e-3, masks at their own rate.
        opt = torch.optim.Adam([{'params': list(net.net_parameters()), 'lr': 1e-3},
                                {'params': list(net.nas_parameters()), 'lr': e['maskLr'], 'weight_decay': 0}])
        extra = lambda: lam * cost_scale * net.cost
    net.train()

    def step():
        opt.zero_grad()
        loss = loss_fn(net(x), y)
        if extra is not None:
            loss = loss + extra()
        loss.backward()
        opt.step()
    return n_params, step


def main():
    cfg = json.load(sys.stdin)
    # Library chatter (PLiNIO prints while converting) goes to stderr; stdout carries only the JSON.
    real_stdout, sys.stdout = sys.stdout, sys.stderr
    out = {'torch': torch.__version__, 'plinio': PLINIO_MISSING, 'results': {}}
    steps = {}
    for e in cfg['entries']:
        try:
            steps[e['id']] = make_step(e)
        except Exception as err:  # one broken entry must not hide the others' times
            steps[e['id']] = (None, f'{type(err).__name__}: {err}')
    for n in cfg['threads']:
        torch.set_num_threads(n)
        for e in cfg['entries']:
            params, step = steps[e['id']]
            r = out['results'].setdefault(e['id'], {'params': params, 'ms': {}})
            if isinstance(step, str):
                r['missing'] = step
            else:
                r['ms'][str(n)] = median_ms(step, cfg['minTime'], cfg['minSteps'])
    json.dump(out, real_stdout)


if __name__ == '__main__':
    main()
