/**
 * BullMQ for `tsdnas sweep --queue` and `tsdnas worker --queue`, loaded only there (a dynamic
 * import: the rest of the CLI, the library and the browser bundle never load it), with the Redis
 * connection options of a checked --queue address and a first connection that gives up with a
 * clear message instead of retrying silently.
 */

import type { QueueAddress } from './queueUrl.js';

export type Bull = typeof import('bullmq');

export async function loadBullmq(option: string): Promise<Bull> {
  try {
    return await import('bullmq');
  } catch (e) {
    throw new Error(`${option} needs the bullmq and ioredis packages (dependencies of tsdnas), which did not load (${(e as Error).message}); reinstall tsdnas (npm install)`);
  }
}

/** ioredis options for BullMQ (BullMQ turns off per-request retries on its blocking connections itself). */
export function connectionOptions(a: QueueAddress) {
  return {
    host: a.host, port: a.port, db: a.db,
    ...(a.username !== undefined ? { username: a.username } : {}),
    ...(a.password !== undefined ? { password: a.password } : {}),
    ...(a.tls ? { tls: {} } : {}),
  };
}

interface Connectable {
  waitUntilReady(): Promise<unknown>;
  on(event: 'error', listener: (e: Error) => void): unknown;
}

/** Resolves once `c` reached Redis; rejects after `seconds` naming the address, the option and the last connection error. */
export async function whenReady(c: Connectable, a: QueueAddress, option: string, seconds: number): Promise<void> {
  let last = '';
  c.on('error', (e) => { last = e.message; });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      c.waitUntilReady(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${option} ${a.shown}: no Redis answered within ${seconds} s${last === '' ? '' : ` (${last})`}; start redis-server there (or fix the address), and check that this machine can reach it`)), seconds * 1000);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
