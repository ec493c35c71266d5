/**
 * The outputs of a multi-seed sweep above its seed directories: the aggregate front (mean, spread
 * and every seed's value per point) and its summary on stdout.
 */

export function writeSeedsOutputs(top: string, runs: { seed: number; dir: string }[]): { json: string; csv: string } {
  throw new Error(`writeSeedsOutputs: not wired yet (${top}, ${runs.length} runs)`);
}

export function printSeedsSummary(json: string): void {
  console.log(json);
}
