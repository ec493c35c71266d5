/** The `js` reference backend: every kernel contract in plain, commented loops. */

import type { Backend, KernelSet } from '../contracts.js';
import { binary, reluGrad, unary } from './elementwise.js';
import { reduce, sumOuterInner } from './reduce.js';
import { gemm } from './gemm.js';
import { convBackward, convBackwardInput, convBackwardWeight, convForward } from './conv.js';
import { fakeQuant, mixedPactBackward, mixedPactForward } from './quant.js';
import { batchNormBackward, batchNormForward } from './batchnorm.js';
import { avgPoolBackward, avgPoolForward, maxPoolBackward, maxPoolForward } from './pool.js';

export const jsKernels: KernelSet = {
  unary, reluGrad, binary, reduce, sumOuterInner, gemm, convForward, convBackwardInput, convBackwardWeight, convBackward,
  maxPoolForward, maxPoolBackward, avgPoolForward, avgPoolBackward, fakeQuant,
  batchNormForward, batchNormBackward, mixedPactForward, mixedPactBackward,
};

export const jsBackend: Backend = { name: 'js', kernels: jsKernels };
