/**
 * A quantisation plan: the precisions a quantised network uses, produced by fixed-precision QAT
 * (uniform bits) and by the mixed-precision search's export, consumed by `quantize` and the
 * integer engine. Keyed by module path (the conv / linear layer, e.g. "3.body.0").
 *
 * Validation names the layer and the field at fault so a bad plan fails before any work.
 */

/** Weight precisions the integer engine can deploy (0 = pruned channel). */
export const WEIGHT_BITS: readonly number[] = [0, 2, 3, 4, 5, 6, 7, 8];
/** Activation precisions (unsigned codes stored in bytes). */
export const ACTIVATION_BITS: readonly number[] = [2, 3, 4, 5, 6, 7, 8];
/** Default candidate precisions of a search. */
export const DEFAULT_CANDIDATES: readonly number[] = [2, 4, 8];

export interface LayerPlan {
  /** One precision per output channel; 0 prunes the channel. */
  wBits: number[];
  /** Precision of the layer's output activation quantiser (ignored for the network output layer). */
  aBits: number;
}

export interface QuantPlan {
  /** Precision of the (signed) network-input quantiser. */
  inputBits: number;
  layers: Record<string, LayerPlan>;
}

/** What validation needs to know about one quantisable layer of the model. */
export interface PlanLayerInfo {
  path: string;
  outChannels: number;
  /** The layer produces the network output (its channels may never be pruned). */
  isOutput: boolean;
}

/** Reject a precision list that is empty, has duplicates or unsupported values (search candidates). */
export function checkCandidates(what: string, candidates: readonly number[], kind: 'weight' | 'activation'): void {
  const allowed = kind === 'weight' ? WEIGHT_BITS : ACTIVATION_BITS;
  if (candidates.length === 0) throw new Error(`${what}: the candidate ${kind} precision set is empty; give at least one of ${allowed.join(', ')} bits`);
  const bad = candidates.filter((b) => !allowed.includes(b));
  if (bad.length > 0) throw new Error(`${what}: unknown ${kind} precision ${bad.join(', ')} bits; supported: ${allowed.join(', ')}`);
  if (new Set(candidates).size !== candidates.length) throw new Error(`${what}: duplicate ${kind} precisions in [${candidates.join(', ')}]`);
}

function checkOne(where: string, b: unknown, kind: 'weight' | 'activation'): void {
  const allowed = kind === 'weight' ? WEIGHT_BITS : ACTIVATION_BITS;
  if (typeof b !== 'number' || !allowed.includes(b)) {
    throw new Error(`${where}: unknown ${kind} precision ${JSON.stringify(b)}; supported: ${allowed.join(', ')} bits`);
  }
}

/** Check a plan against the model's quantisable layers; throws naming the first problem (and how many more). */
export function validatePlan(plan: QuantPlan, layers: readonly PlanLayerInfo[], source = 'quantisation plan'): void {
  const problems: string[] = [];
  const tryCheck = (f: () => void) => {
    try {
      f();
    } catch (e) {
      problems.push((e as Error).message);
    }
  };
  tryCheck(() => checkOne(`${source}: inputBits`, plan.inputBits, 'activation'));
  const known = new Map(layers.map((l) => [l.path, l]));
  for (const path of Object.keys(plan.layers)) {
    if (!known.has(path)) problems.push(`${source}: layer '${path}' is not a quantisable layer of the model (known: ${[...known.keys()].join(', ')})`);
  }
  for (const l of layers) {
    const lp = plan.layers[l.path];
    const where = `${source}: layer '${l.path}'`;
    if (lp === undefined) {
      problems.push(`${where} has no entry (every conv / linear layer needs wBits and aBits)`);
      continue;
    }
    if (!Array.isArray(lp.wBits) || lp.wBits.length !== l.outChannels) {
      problems.push(`${where}: wBits has ${Array.isArray(lp.wBits) ? lp.wBits.length : 'no'} entries but the layer has ${l.outChannels} output channels`);
    } else {
      lp.wBits.forEach((b, c) => tryCheck(() => checkOne(`${where} channel ${c}`, b, 'weight')));
      if (l.isOutput && lp.wBits.some((b) => b === 0)) problems.push(`${where} produces the network output; its channels cannot be pruned (0 bits)`);
      if (!l.isOutput && lp.wBits.every((b) => b === 0)) problems.push(`${where}: every channel is pruned (0 bits); remove the layer instead`);
    }
    if (!l.isOutput) tryCheck(() => checkOne(`${where} aBits`, lp.aBits, 'activation'));
  }
  if (problems.length > 0) {
    throw new Error(`${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''}: ${problems.slice(1, 4).join('; ')})` : ''}`);
  }
}

/** A uniform plan (fixed-precision QAT, e.g. w8a8) for the given layers. */
export function uniformPlan(layers: readonly PlanLayerInfo[], wBits: number, aBits: number, inputBits = aBits): QuantPlan {
  const plan: QuantPlan = { inputBits, layers: {} };
  for (const l of layers) plan.layers[l.path] = { wBits: new Array<number>(l.outChannels).fill(wBits), aBits };
  validatePlan(plan, layers, `uniform plan w${wBits}a${aBits}`);
  return plan;
}

/** Parse a plan from JSON text (e.g. a search export), checking its shape; model-level checks come from validatePlan. */
export function parsePlan(text: string, source: string): QuantPlan {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`${source}: not valid JSON (${(e as Error).message})`);
  }
  const o = raw as Partial<QuantPlan>;
  if (typeof o !== 'object' || o === null || typeof o.inputBits !== 'number' || typeof o.layers !== 'object' || o.layers === null) {
    throw new Error(`${source}: a quantisation plan is {"inputBits": number, "layers": {"<module path>": {"wBits": [...], "aBits": number}}}`);
  }
  return { inputBits: o.inputBits, layers: o.layers as Record<string, LayerPlan> };
}
