/**
 * The binarisation threshold of every architecture mask: a mask value θ keeps its channel or tap
 * when θ > MASK_THRESHOLD. One constant for the methods (PIT's straight-through step, its
 * alive-channel and kept-tap readers) and the search machinery (budgets, learning-rate rules), so
 * that "alive" means the same everywhere.
 */

export const MASK_THRESHOLD = 0.5;
