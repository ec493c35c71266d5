/**
 * How a tsdnas thread or process loads a CLI module: under tsx (running the .ts sources) the new
 * thread or process registers tsx's loader first; from the built package it imports the .js
 * directly. Shared by the interruptible command thread, the sweep task thread and the worker
 * processes of a parallel sweep.
 */

/** Source for `new Worker(…, { eval: true })` that imports `entryUrl` (a file: URL). */
export function threadLoader(entryUrl: string): string {
  return entryUrl.endsWith('.ts')
    ? `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(entryUrl)}); })`
    : `import(${JSON.stringify(entryUrl)})`;
}

/** The URL of sibling module `name` (without extension) of `fromUrl`, in the same form (.ts sources or built .js). */
export function siblingUrl(fromUrl: string, name: string): string {
  const ext = fromUrl.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`${name}${ext}`, fromUrl).href;
}

/** node options for a child process running `entryUrl`: tsx's loader when it is a .ts source. */
export function childExecArgv(entryUrl: string): string[] {
  const own = process.execArgv.filter((a) => !a.startsWith('--inspect'));
  if (!entryUrl.endsWith('.ts') || own.some((a) => a.includes('tsx'))) return own;
  return [...own, '--import', import.meta.resolve('tsx')];
}
