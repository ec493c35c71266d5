"""Runs the PLiNIO side-by-side kit (../shared/peers/plinio) on one dataset and seed, for
bench/plinioSideBySide.ts. The kit knows ECG200 and EOG; this adds ECG5000 (UCR, 1 channel,
5 classes, the ECG200 seed network with a 5-way head) by giving the kit's run loop our own
loader and model factory, and `--splits <file>`: the exact train / validation (/ test) rows the
tsdnas side uses. Nothing of the kit is copied: it is imported from KIT/scripts.

  KIT=../shared/peers/plinio ANCHOR=<work dir> UCR_DIR=../shared/data/ucr \
  PYTHONPATH=$KIT/plinio /usr/bin/python3 bench/plinio/run_peer.py \
      --dataset ECG5000 --seed 0 --mask-lr 2e-2 --lambdas 1e-6,1e-5 --tag side \
      --splits <work dir>/data/splits.json

--splits: JSON `{"train": [...], "val": [...], "test"?: [...]}` (0-based rows of the _TRAIN.tsv
file; the kit's `train_idx` / `val_idx` are accepted too). `test` is for a dataset without a
test file (ECG5000, which must have it); ECG200 / EOG test on their _TEST.tsv files. Without
--splits ECG200 / EOG use the kit's own stratified split (= its splits_*.json files).

The warm-up cache of the kit ($ANCHOR/ckpt) is kept per splits file (a sub-directory named by
its hash), so runs with other rows never reuse it; --fresh-warmup drops the cached warm-up of
this dataset and seed first (so the run's CPU time includes the warm-up). --epochs W,S,F
shortens the kit's 40 / 60 / 30 epochs for trials (its own warm-up cache; every record says
which epochs it ran in `epochs`).

One JSON line per run is appended to $ANCHOR/runs/<tag>.jsonl (the kit's record format, plus
`splits` = {file, sha1, n_train, n_val, n_test}).
"""
import argparse
import hashlib
import json
import os
import sys

KIT = os.environ.get('KIT', os.path.join(os.path.dirname(__file__), '..', '..', '..', 'shared', 'peers', 'plinio'))
sys.path.insert(0, os.path.join(KIT, 'scripts'))

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import common  # noqa: E402
import run_pit  # noqa: E402

KIT_DATASETS = ('ECG200', 'EOG')


def read_splits(path):
    """The rows of a splits file, as sorted-as-given int lists; checks they are disjoint."""
    with open(path) as f:
        s = json.load(f)
    rows = {}
    for key, alias in (('train', 'train_idx'), ('val', 'val_idx'), ('test', 'test_idx')):
        v = s.get(key, s.get(alias))
        if v is None:
            if key != 'test':
                sys.exit(f'{path}: no "{key}" (or "{alias}") list of rows')
            continue
        if not all(isinstance(i, int) and i >= 0 for i in v):
            sys.exit(f'{path}: "{key}" must be a list of 0-based row numbers')
        rows[key] = list(v)
    seen = set()
    for key, v in rows.items():
        dup = seen.intersection(v)
        if dup or len(set(v)) != len(v):
            sys.exit(f'{path}: row {sorted(dup or [i for i in v if v.count(i) > 1])[0]} appears twice (in "{key}")')
        seen.update(v)
    return rows


def ucr_train_file(name):
    """The training file(s) of a dataset as (labels, N x C x L values), standardised as the kit does."""
    if name == 'EOG':
        yh, xh = common._load_tsv(f'{common.DATA}/EOGHorizontalSignal/EOGHorizontalSignal_TRAIN.tsv')
        yv, xv = common._load_tsv(f'{common.DATA}/EOGVerticalSignal/EOGVerticalSignal_TRAIN.tsv')
        assert np.array_equal(yh, yv), 'H/V label mismatch'
        y, x = yh, np.stack([xh, xv], axis=1)
    else:
        y, x = common._load_tsv(f'{common.DATA}/{name}/{name}_TRAIN.tsv')
        x = x[:, None, :]
    return y, common._standardise(x)


def load_with_splits(name, rows):
    """The kit's data with the train / validation (/ test) rows of a splits file.

    ECG200 / EOG: the kit's own loader (labels, standardisation, test file); its train and
    validation parts are put back in file order and re-split by the file's rows.
    ECG5000: the training file only (labels 1..5 → 0..4, per-series standardisation as the
    kit's _standardise); the test rows come from the splits file."""
    t = lambda a: torch.tensor(a, dtype=torch.float32)
    if name in KIT_DATASETS:
        if 'test' in rows:
            sys.exit(f'{name} tests on its _TEST.tsv file: the splits file must not list "test" rows')
        d = common.load_dataset(name)
        n = len(d['train_idx']) + len(d['val_idx'])
        x = torch.empty((n,) + tuple(d['Xtr'].shape[1:]), dtype=torch.float32)
        y = torch.empty(n, dtype=torch.int64)
        x[d['train_idx']], y[d['train_idx']] = d['Xtr'], d['Ytr']
        x[d['val_idx']], y[d['val_idx']] = d['Xva'], d['Yva']
        Xte, Yte = d['Xte'], d['Yte']
    else:
        if 'test' not in rows:
            sys.exit(f'{name} has only a training file: the splits file must list the "test" rows')
        ylab, xs = ucr_train_file(name)
        n = xs.shape[0]
        x, y = t(xs), torch.tensor(ylab.astype(np.int64) - 1)
        Xte, Yte = x[rows['test']], y[rows['test']]
    used = [i for v in rows.values() for i in v]
    if max(used) >= n:
        sys.exit(f'splits: row {max(used)} is out of range (the training file has {n} rows)')
    if name in KIT_DATASETS and len(used) != n:
        sys.exit(f'splits: train + val hold {len(used)} rows, the training file {n}')
    tr, va = rows['train'], rows['val']
    return dict(Xtr=x[tr], Ytr=y[tr], Xva=x[va], Yva=y[va], Xte=Xte, Yte=Yte, train_idx=tr, val_idx=va,
                n_classes=int(y.max() + 1), input_shape=tuple(x.shape[1:]))


def make(name):
    if name in KIT_DATASETS:
        return common.make_model(name)
    net = common.ECGNet()
    net.fc = nn.Linear(64, 5)
    return net


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--dataset', required=True, choices=[*KIT_DATASETS, 'ECG5000'])
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--lambdas', required=True)
    ap.add_argument('--mask-lr', type=float, default=2e-2)
    ap.add_argument('--tag', required=True)
    ap.add_argument('--baseline', action='store_true')
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--splits', help='JSON file of train / val (/ test) rows of the _TRAIN.tsv file')
    ap.add_argument('--fresh-warmup', action='store_true', help="drop this dataset and seed's cached warm-up first")
    ap.add_argument('--epochs', help='warm-up,search,fine-tune epochs instead of the kit\'s 40,60,30 (short trials only)')
    a = ap.parse_args()
    if a.epochs is not None:
        w, s, f = (int(v) for v in a.epochs.split(','))
        run_pit.WARMUP_EPOCHS, run_pit.SEARCH_EPOCHS, run_pit.FT_EPOCHS = w, s, f
    torch.set_num_threads(a.threads)
    run_pit.make_model = make
    os.makedirs(f'{common.ROOT}/runs', exist_ok=True)
    if a.splits is None:
        if a.dataset not in KIT_DATASETS:
            sys.exit(f'{a.dataset} has no test file: give --splits with "train", "val" and "test" rows')
        d = common.load_dataset(a.dataset)
        split_info = dict(file=None, sha1=None)
    else:
        rows = read_splits(a.splits)
        d = load_with_splits(a.dataset, rows)
        with open(a.splits, 'rb') as f:
            sha = hashlib.sha1(f.read()).hexdigest()
        split_info = dict(file=os.path.abspath(a.splits), sha1=sha)
        # The kit caches the warm-up under run_pit.ROOT/ckpt: one cache per splits file.
        run_pit.ROOT = os.path.join(common.ROOT, f'warmup-{sha[:12]}')
    if a.epochs is not None:
        # A shortened trial must never reuse (or leave) a protocol warm-up.
        run_pit.ROOT = os.path.join(run_pit.ROOT, f'epochs-{a.epochs.replace(",", "-")}')
    split_info.update(n_train=int(d['Ytr'].shape[0]), n_val=int(d['Yva'].shape[0]), n_test=int(d['Yte'].shape[0]))
    if a.fresh_warmup:
        for ext in ('pt', 'json'):
            p = f'{run_pit.ROOT}/ckpt/{a.dataset}_seed{a.seed}_warmup.{ext}'
            if os.path.exists(p):
                os.remove(p)
    split_p = f'{common.ROOT}/splits_{a.dataset}.json'
    if a.splits is None and not os.path.exists(split_p):
        with open(split_p, 'w') as f:
            json.dump(dict(train_idx=d['train_idx'], val_idx=d['val_idx'], note='0-based rows of _TRAIN.tsv'), f)
    warm, info = run_pit.get_warmup(a.dataset, d, a.seed)
    env = common.env_info() if 'onnx' in sys.modules or _has_onnx() else {'torch': torch.__version__}
    out = f'{common.ROOT}/runs/{a.tag}.jsonl'

    def emit(rec):
        rec['env'] = env
        rec['splits'] = split_info
        rec['epochs'] = dict(warmup=run_pit.WARMUP_EPOCHS, search=run_pit.SEARCH_EPOCHS, finetune=run_pit.FT_EPOCHS)
        with open(out, 'a') as f:
            f.write(json.dumps(rec) + '\n')
    if a.baseline:
        emit(run_pit.run_baseline(a.dataset, d, a.seed, warm, info, a.tag))
    for lam in [float(x) for x in a.lambdas.split(',') if x]:
        emit(run_pit.run_one(a.dataset, d, a.seed, lam, a.mask_lr, warm, info, a.tag))


def _has_onnx():
    try:
        import onnx  # noqa: F401
        return True
    except ImportError:
        return False


if __name__ == '__main__':
    main()
