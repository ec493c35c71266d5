/**
 * STM32H7 (Cortex-M7 at 480 MHz) running CMSIS-NN int8 kernels. There is no public per-layer
 * model; this one is derived from how the kernels work and calibrated to a published ratio
 * (docs/hardware.md gives the derivation):
 *  - arm_convolve_s8 expands two output positions into q15 im2col columns and multiplies them
 *    with two filter rows at a time using SMLAD (2 MACs per instruction); with the loads,
 *    sign-extensions and loop overhead that is ≈ 1 MAC/cycle in the inner kernel;
 *  - im2col: ≈ 3 cycles per copied element (load, widen to q15 with the input offset, store,
 *    padding checks);
 *  - requantisation and store: ≈ 10 cycles per output value (doubling high multiply, rounding
 *    shift, offset, clamp, store);
 *  - ≈ 1000 cycles per call (argument checks, buffer set-up, loop prologues);
 *  - depthwise convolutions have no SIMD reuse across output channels: ≈ 0.5 MAC/cycle;
 *  - fully connected layers stream weights once: ≈ 1 MAC/cycle, no im2col.
 * On the test conv of docs/design.md#reference-values (16→16, 3×3, 32×32) this gives 2,966,504 cycles = 0.80 MAC/cycle,
 * 19.6× the GAP8 model's 151,296 cycles: the published PULP-NN (GAP8) vs CMSIS-NN (STM32H7)
 * ratio. Power: ≈ 0.39 W at 480 MHz (≈ 0.25 mA/MHz at 3.3 V, run mode from flash, caches on).
 */

import { mcuTarget } from './mcu.js';

export const STM32H7_MODEL = {
  convMacPerCycle: 1.0,
  depthwiseMacPerCycle: 0.5,
  linearMacPerCycle: 1.0,
  im2colCycles: 3,
  outputCycles: 10,
  callCycles: 1000,
} as const;

export const stm32h7 = mcuTarget({
  name: 'stm32h7',
  description: 'STM32H7 (Cortex-M7, 480 MHz) with CMSIS-NN int8 kernels, ≈0.8 MAC/cycle on convs, 0.39 W',
  clockHz: 480e6,
  powerW: 0.39,
  nativeBits: 8,
  macPerCycle: STM32H7_MODEL.convMacPerCycle,
  depthwiseMacPerCycle: STM32H7_MODEL.depthwiseMacPerCycle,
  linearMacPerCycle: STM32H7_MODEL.linearMacPerCycle,
  im2colCycles: STM32H7_MODEL.im2colCycles,
  outputCycles: STM32H7_MODEL.outputCycles,
  callCycles: STM32H7_MODEL.callCycles,
  // arm_convolve_s8 keeps two q15 im2col columns.
  im2col: { columns: 2, bytesPerElement: 2 },
});
