"""PLiNIO half of the params-cost parity check (the tsdnas half, and the comparison, is costParity.ts).

On the kit's ECGNet (input (1, 96)) wrapped as PIT(model, input_shape=(1, 96), cost=params,
discrete_cost=True), exactly as scripts/run_pit.py does, and for every mask state of
costParity.masks.json: set the NAS parameters (alpha of each conv's out_features_masker, beta of
its timestep_masker, gamma of its dilation_masker), evaluate `pit.cost`, backward, and write the
cost, the per-layer cost terms, the binarised masks and the `.grad` of every NAS parameter to a JSON
that costParity.ts compares with tsdnas.

Index mapping (checked by costParity.ts against PLiNIO's own buffers, dumped here): PLiNIO's tensors
are indexed like tsdnas's, so alpha[c], beta[j] and gamma[i] are copied index for index:
  - alpha[c] is channel c on both sides; both keep the LAST channel (C-1) alive.
  - beta: PLiNIO's theta_beta = C_beta . beta_ka with C_beta = triu(ones)^T (theta_j = sum_{i<=j})
    and the keep-alive flipped to index K-1: tsdnas's theta_j = sum_{i<=j} |beta_i|, beta_{K-1} = 1.
    Tap j is PyTorch's weight index j on both sides (j = K-1 multiplies the most recent input).
  - gamma: PLiNIO's C_gamma[j, i] = [j mod 2^i == 0] (its flip is commented out) with the
    keep-alive flipped to gamma_{L-1}; tsdnas's is [i <= min(v2(K-1-j), L-1)], gamma_{L-1} = 1.
    They are the same matrix when 2^(L-1) divides K-1, i.e. K = 2^n + 1: ECGNet's K = 9 (L = 4)
    and K = 17 (L = 5). (For other K, e.g. 8, PLiNIO anchors the dilation grid at the oldest tap
    and tsdnas at the most recent one, and the gamma masks would differ.)

Run (single thread, about a second):
  PYTHONPATH=/work/shared/peers/plinio/plinio /usr/bin/python3 bench/plinio/costParity.py
Options: --masks FILE (default costParity.masks.json next to this file), --out FILE (default
/tmp/costParity.plinio.json), --write-masks (regenerate the masks file from the rules below, then run).
"""
import argparse
import json
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
KIT = os.environ.get('PLINIO_KIT', '/work/shared/peers/plinio')
sys.path.insert(0, os.path.join(KIT, 'scripts'))

from common import ECGNet  # noqa: E402
from plinio.methods import PIT  # noqa: E402
from plinio.cost import params  # noqa: E402
from plinio.graph.inspection import shapes_dict  # noqa: E402

# Conv layers of ECGNet: name, PLiNIO module path, tsdnas module path, Cout, K, L (dilation gates).
LAYERS = [
    ('conv1', 'b1.1', '0.0', 32, 9, 4),
    ('conv2', 'b2.1', '1.0', 32, 9, 4),
    ('conv3', 'b3.1', '2.0', 64, 17, 5),
    ('conv4', 'b4.1', '3.0', 64, 17, 5),
]
FC = ('fc', 'fc', '6')


# ----------------------------------------------------------------------------- mask states
def state_a():
    """alpha_c = 0.2 when (c + l) % 3 == 0 else 1 (l = 1..4); beta drops the oldest taps of every
    layer; gamma gives dilation 1, 2, 4, 2."""
    beta_low = {1: (1, 0.3), 2: (3, 0.1), 3: (8, 0.05), 4: (4, 0.1)}   # (oldest taps dropped, value)
    gamma = {1: [], 2: [0.2], 3: [0.1, 0.3], 4: [0.3]}                 # leading gates (rest 1)
    out = {}
    for l, (name, _, _, c, k, g) in enumerate(LAYERS, 1):
        r, v = beta_low[l]
        out[name] = dict(
            alpha=[0.2 if (ch + l) % 3 == 0 else 1.0 for ch in range(c)],
            beta=[v if j < r else 1.0 for j in range(k)],
            gamma=gamma[l] + [1.0] * (g - len(gamma[l])))
    return out


def state_b():
    """Negative values (theta = |.|), values other than 1, a layer (conv3) with only its keep-alive
    channel left, dilation 2 / 1 / 8 / 2 and receptive fields 3 / 8 / 5 / 15 taps."""
    out = {}
    for l, (name, _, _, c, k, g) in enumerate(LAYERS, 1):
        if l == 3:
            alpha = [0.05 * (-1) ** ch for ch in range(c)]
        else:
            alpha = [-0.3 if (2 * ch + l) % 5 == 0 else (-0.9 if ch % 4 == 1 else 0.7) for ch in range(c)]
        if l == 1:
            beta = [-0.07 if j < 6 else 0.8 for j in range(k)]
        elif l == 2:
            beta = [-0.45] + [0.6] * (k - 1)
        elif l == 3:
            beta = [0.03 if j < 12 else -0.9 for j in range(k)]
        else:
            beta = [0.2 if j < 2 else -0.7 for j in range(k)]
        gamma = {1: [-0.2, 0.9, 0.9, 0.9], 2: [1.0] * 4, 3: [0.1, 0.1, 0.2, 0.8, 0.8],
                 4: [0.45, -0.6, 0.7, 0.7, 0.7]}[l]
        out[name] = dict(alpha=alpha, beta=beta, gamma=gamma)
    return out


def write_masks(path):
    doc = dict(
        description='Mask states of the params-cost parity check (costParity.py / costParity.ts). '
                    'Values are copied index for index into both libraries (same convention, see '
                    'costParity.py). State "init": the masks as the conversion creates them (every '
                    'alpha, beta, gamma = 1).',
        layers=[dict(name=n, plinio=p, tsdnas=t, cout=c, k=k, gates=g) for n, p, t, c, k, g in LAYERS]
        + [dict(name=FC[0], plinio=FC[1], tsdnas=FC[2], cout=2, note='output layer: frozen on both sides')],
        states=[
            dict(name='init', rule='initial values', masks=None),
            dict(name='A', rule=' '.join(state_a.__doc__.split()), masks=state_a()),
            dict(name='B', rule=' '.join(state_b.__doc__.split()), masks=state_b()),
        ])
    with open(path, 'w') as f:
        json.dump(doc, f, indent=1)
        f.write('\n')


# ----------------------------------------------------------------------------- the check
def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--masks', default=os.path.join(HERE, 'costParity.masks.json'))
    ap.add_argument('--out', default='/tmp/costParity.plinio.json')
    ap.add_argument('--write-masks', action='store_true')
    args = ap.parse_args()
    torch.set_num_threads(1)
    if args.write_masks:
        write_masks(args.masks)
    with open(args.masks) as f:
        doc = json.load(f)

    torch.manual_seed(0)
    pit = PIT(ECGNet(), input_shape=(1, 96), cost=params, discrete_cost=True)
    mods = dict(pit.seed.named_modules())
    nas = dict(pit.named_nas_parameters())
    # Which NAS tensor is which: seed.<layer>.out_features_masker.alpha / timestep_masker.beta /
    # dilation_masker.gamma (fc's alpha belongs to a PITFrozenFeaturesMasker: requires_grad False).
    kinds = {}
    for name, plin, _, _, _, _ in LAYERS:
        kinds[name] = dict(alpha=nas[f'seed.{plin}.out_features_masker.alpha'],
                           beta=nas[f'seed.{plin}.timestep_masker.beta'],
                           gamma=nas[f'seed.{plin}.dilation_masker.gamma'])
    fc_alpha = nas.get('seed.fc.out_features_masker.alpha')
    assert fc_alpha is None or not fc_alpha.requires_grad
    listed = set(map(id, nas.values()))
    covered = set(id(t) for d in kinds.values() for t in d.values()) | ({id(fc_alpha)} if fc_alpha is not None else set())
    assert listed == covered, 'a NAS parameter is not mapped to a layer'

    # The masks' structure as PLiNIO builds it (costParity.ts checks tsdnas's against it).
    structure = {}
    for name, plin, _, _, _, _ in LAYERS:
        m = mods[plin]
        structure[name] = dict(
            beta_c=m.timestep_masker._c_beta.tolist(), beta_keep_alive=m.timestep_masker._keep_alive.tolist(),
            gamma_c=m.dilation_masker._c_gamma.tolist(), gamma_keep_alive=m.dilation_masker._keep_alive.tolist(),
            alpha_keep_alive=m.out_features_masker._keep_alive.tolist())

    # Per-layer terms of pit.cost, the way PIT._get_single_cost sums them (params is shared: one
    # term per unique layer).
    def layer_terms():
        out = {}
        for lname, node, layer in pit._unique_leaf_modules:
            if lname not in pit._cost_fn_map:
                continue
            v = layer.get_modified_vars() if hasattr(layer, 'get_modified_vars') else dict(vars(layer))
            v.update(shapes_dict(node))
            val = float(pit._cost_fn_map[lname](v))
            if val != 0.0 or hasattr(layer, 'get_modified_vars'):
                key = next((n for n, p, _, _, _, _ in LAYERS if p == lname), 'fc' if lname == 'fc' else lname)
                cin = v.get('in_channels', v.get('in_features'))
                cout = v.get('out_channels', v.get('out_features'))
                k = v.get('kernel_size', (None,))[0] if 'kernel_size' in v else None
                out[key] = dict(cost=val, cin=float(cin), cout=float(cout), k=None if k is None else float(k))
        return out

    results = []
    for st in doc['states']:
        with torch.no_grad():
            if st['masks'] is None:
                for d in kinds.values():
                    for t in d.values():
                        assert bool((t == 1.0).all()), 'initial masks are not all 1'
            else:
                for name, d in kinds.items():
                    for kind, t in d.items():
                        t.copy_(torch.tensor(st['masks'][name][kind], dtype=torch.float32))
        for t in nas.values():
            t.grad = None
        cost = pit.cost
        cost.backward()
        terms = layer_terms()
        layers = {}
        for name, plin, _, _, _, _ in LAYERS:
            m = mods[plin]
            layers[name] = dict(
                grad={kind: t.grad.tolist() for kind, t in kinds[name].items()},
                channel_mask=m.features_mask.tolist(), time_mask=m.time_mask.tolist(),
                **terms[name])
        layers['fc'] = dict(grad=None, **terms['fc'])
        results.append(dict(name=st['name'], cost=float(cost), layers=layers))

        print(f'state {st["name"]}: PLiNIO params cost {float(cost):.0f}')
        for name, l in layers.items():
            g = l['grad']
            gs = '' if g is None else '  grad sums ' + ' '.join(f'{k} {sum(v):.0f}' for k, v in g.items())
            kk = '' if l['k'] is None else f' k {l["k"]:.0f}'
            print(f'  {name:5s} cin {l["cin"]:.0f} cout {l["cout"]:.0f}{kk}: {l["cost"]:.0f}{gs}')

    with open(args.out, 'w') as f:
        json.dump(dict(source='PLiNIO PIT(cost=params, discrete_cost=True) on ECGNet (1, 96)',
                       torch=torch.__version__, masks=os.path.basename(args.masks),
                       structure=structure, states=results), f)
    print(f'wrote {args.out}')


if __name__ == '__main__':
    main()
