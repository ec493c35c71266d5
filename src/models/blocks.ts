/** Reusable blocks of the seed networks: conv + BatchNorm + activation, residual basic blocks. */

import type { Rng } from '../tensor/rng.js';
import { Conv1d, Conv2d } from '../nn/layers/conv.js';
import { BatchNorm1d, BatchNorm2d } from '../nn/layers/batchnorm.js';
import { ReLU } from '../nn/layers/simple.js';
import { Residual, Sequential } from '../nn/layers/containers.js';
import type { Padding1d } from '../autograd/ops/conv.js';

export interface Conv1dBlockOptions {
  dilation?: number;
  stride?: number;
  padding?: Padding1d;
  rng?: Rng;
}

/** Conv1d (causal by default, as the TCN masks expect) → BatchNorm1d → ReLU. */
export function conv1dBnRelu(cin: number, cout: number, k: number, o: Conv1dBlockOptions = {}): Sequential {
  return new Sequential(
    new Conv1d(cin, cout, k, { dilation: o.dilation, stride: o.stride, padding: o.padding ?? 'causal', rng: o.rng }),
    new BatchNorm1d(cout),
    new ReLU(),
  );
}

export function conv2dBnRelu(cin: number, cout: number, k: number, stride = 1, groups = 1, rng?: Rng, bias = true): Sequential {
  return new Sequential(
    new Conv2d(cin, cout, k, { stride, padding: (k - 1) >> 1, groups, bias, rng }),
    new BatchNorm2d(cout),
    new ReLU(),
  );
}

/** ResNet basic block: two 3×3 conv+BN with a (1×1 conv+BN when shapes change) shortcut, then ReLU. */
export function basicBlock(cin: number, cout: number, stride: number, rng?: Rng): Residual {
  const body = new Sequential(
    new Conv2d(cin, cout, 3, { stride, padding: 1, bias: false, rng }),
    new BatchNorm2d(cout),
    new ReLU(),
    new Conv2d(cout, cout, 3, { padding: 1, bias: false, rng }),
    new BatchNorm2d(cout),
  );
  const shortcut = stride !== 1 || cin !== cout
    ? new Sequential(new Conv2d(cin, cout, 1, { stride, bias: false, rng }), new BatchNorm2d(cout))
    : null;
  return new Residual(body, shortcut, new ReLU());
}
