/**
 * Recycled float32 storage for the arrays a training step creates and drops: the gradients that
 * `backward` creates and consumes within one call, and the activations a Sequential passes
 * between its own layers once backward has used them.
 *
 * Why: a fresh multi-megabyte typed array costs about ten times its copy (the engine maps new
 * zeroed pages, faults them in on first touch and unmaps them after a GC: 1.25 ms against
 * 0.13 ms for 8 MB here, docs/kernels.md), and a training step of the reference TCN allocated
 * ≈ 100 MB of them.
 *
 * Safety, without manual dispose: an array goes back to the free lists only when nothing outside
 * the engine can reach it —
 *  - arrays allocated while `backward` runs (an arena is open), except the leaves' `.grad`s;
 *  - activations a Sequential marked as internal (made by one of its layers, consumed only by the
 *    next one, both of classes known not to keep or alias them; src/nn/layers/containers.ts),
 *    once a backward without `retainGraph` has run the nodes that read them (freeing the graph,
 *    which was their last holder).
 * An arena that ends in an exception recycles nothing. Any float32 allocation may then take a
 * free array of its exact length (zero-filled, as `allocate` promises).
 */

/** Arrays below this many elements are cheap to allocate: not pooled. */
export const POOL_MIN_ELEMENTS = 1 << 14;
/** Upper bound on the bytes kept in the free lists (beyond it, returned arrays are left to the GC). */
export const POOL_MAX_BYTES = 256 * 2 ** 20;

const freeLists = new Map<number, Float32Array[]>();
/** Arrays on a free list: an arena that ends never returns one twice (nested arenas can both hold it). */
const onFreeList = new WeakSet<Float32Array>();
let freeBytes = 0;
let enabled = true;
/** Arrays the pool had to create (none free of that length): steady-state training should need none. */
let freshArrays = 0;
/** Arrays to recycle when the innermost open arena ends (arenas nest: a backward inside a custom backward). */
const arenas: Set<Float32Array>[] = [];
/** Activations that only their producing and consuming layers (and the graph) ever saw. */
const internal = new WeakSet<object>();

/** Turn recycling on or off (default on); off also drops the free lists. For A/B measurements. */
export function setBufferPooling(on: boolean): void {
  enabled = on;
  if (!on) clearBufferPool();
}

/**
 * A zeroed float32 array of n elements: a free one of that length when there is one, else a new
 * one when an arena is open (so that it is recorded); null means "allocate normally".
 */
export function takePooledFloat32(n: number): Float32Array | null {
  if (n < POOL_MIN_ELEMENTS || !enabled) return null;
  const arena = arenas[arenas.length - 1];
  let a = freeLists.get(n)?.pop();
  if (a !== undefined) {
    onFreeList.delete(a);
    freeBytes -= a.byteLength;
    a.fill(0);
  } else if (arena !== undefined) {
    a = new Float32Array(n);
    freshArrays++;
  } else return null;
  arena?.add(a);
  return a;
}

function giveBack(a: Float32Array): void {
  if (onFreeList.has(a) || freeBytes + a.byteLength > POOL_MAX_BYTES) return;
  onFreeList.add(a);
  let list = freeLists.get(a.length);
  if (list === undefined) freeLists.set(a.length, (list = []));
  list.push(a);
  freeBytes += a.byteLength;
}

/** Record that `a` is a Sequential-internal activation (see the module comment). */
export function markInternalActivation(a: unknown): void {
  if (enabled && a instanceof Float32Array && a.length >= POOL_MIN_ELEMENTS) internal.add(a);
}

/**
 * Called by backward for the output and inputs of a node it has run and freed: an internal
 * activation among them is recycled when the open arena ends successfully.
 */
export function releaseIfInternal(a: unknown): void {
  const arena = arenas[arenas.length - 1];
  if (arena === undefined || !(a instanceof Float32Array) || !internal.has(a)) return;
  internal.delete(a);
  arena.add(a);
}

/**
 * Run `fn` with an arena open: large float32 arrays `allocate` hands out meanwhile are recorded,
 * and when `fn` returns, all of them (and the activations passed to releaseIfInternal) go back to
 * the free lists except those in `escaping()` (evaluated after `fn`, e.g. the leaves' gradients).
 * If `fn` throws, nothing is recycled (the arrays are left to the GC), so a half-finished pass can
 * never alias later data.
 */
export function withRecyclingArena<T>(fn: () => T, escaping: () => Iterable<unknown>): T {
  const arena = new Set<Float32Array>();
  arenas.push(arena);
  let result: T;
  try {
    result = fn();
  } finally {
    arenas.pop();
  }
  for (const e of escaping()) if (e instanceof Float32Array) arena.delete(e);
  if (enabled) for (const a of arena) giveBack(a);
  return result;
}

/** How many arrays the pool has had to create since start (tests: a steady training step needs none or few). */
export function pooledFreshArrays(): number {
  return freshArrays;
}

/** Bytes currently kept in the free lists (for tests and memory reports). */
export function pooledBytes(): number {
  return freeBytes;
}

/** Drop every free list (tests; or to hand the memory back to the GC). */
export function clearBufferPool(): void {
  for (const list of freeLists.values()) for (const a of list) onFreeList.delete(a);
  freeLists.clear();
  freeBytes = 0;
}
