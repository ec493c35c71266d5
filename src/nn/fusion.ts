/**
 * Layer fusion in containers: a Sequential runs an exact Conv1d / Conv2d followed by an exact
 * ReLU as one conv op with a fused ReLU (`activation: 'relu'`) — the same values and gradients,
 * without the pre-activation tensor, the separate ReLU passes or their copies (docs/kernels.md).
 *
 * The fused op is recorded in the conv's module scope and the ReLU module records nothing, so
 * code that reads the graph module by module (tracing for PIT, quantisation, ONNX) runs with
 * fusion off; `withoutLayerFusion` does that, and `setLayerFusion(false)` turns it off globally
 * (e.g. to compare).
 */

let enabled = true;

export function layerFusionEnabled(): boolean {
  return enabled;
}

/** Turn Conv → ReLU fusion in containers on or off for the whole process (default on). */
export function setLayerFusion(on: boolean): void {
  enabled = on;
}

/** Run `fn` with layer fusion off (every module records its own ops), restoring the setting after. */
export function withoutLayerFusion<T>(fn: () => T): T {
  const prev = enabled;
  enabled = false;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}
