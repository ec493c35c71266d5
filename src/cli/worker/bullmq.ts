/**
 * BullMQ for `tsdnas sweep --queue` and `tsdnas worker --queue`, loaded only there (a dynamic
 * import: the rest of the CLI, the library and the browser bundle never load it), with the Redis
 * connection options of a checked --queue address, and a first contact that gives up with a
 * clear message: BullMQ's own clients retry forever, and cannot even be closed, while no Redis
 * has answered yet.
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

/** One PING on a client that never retries (and so ends by itself); the error when it fails. */
async function ping(a: QueueAddress, seconds: number): Promise<string | null> {
  const { Redis } = await import('ioredis');
  const client = new Redis({ ...connectionOptions(a), lazyConnect: true, connectTimeout: seconds * 1000, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  // The socket's own error (ECONNREFUSED, ENOTFOUND, a wrong password) says more than connect's "Connection is closed".
  let cause = '';
  client.on('error', (e: Error) => { cause ||= e.message; });
  try {
    await client.connect();
    await client.ping();
    return null;
  } catch (e) {
    return cause || (e as Error).message;
  } finally {
    client.disconnect();
  }
}

/**
 * Resolves once Redis at `a` answers; tries every second for `seconds` (a Redis that is still
 * starting), saying once that it waits; then rejects naming the option, the address and the error.
 */
export async function reachRedis(a: QueueAddress, option: string, seconds: number, say: (line: string) => void): Promise<void> {
  const until = Date.now() + seconds * 1000;
  for (let said = false; ;) {
    const error = await ping(a, Math.min(10, seconds));
    if (error === null) return;
    if (Date.now() >= until) throw new Error(`${option} ${a.shown}: no Redis answered within ${seconds} s (${error}); start redis-server there (or fix the address; a password goes in the URL as redis://:password@host:port), and check that this machine can reach it`);
    if (!said) say(`${option} ${a.shown}: no Redis answers yet (${error}); trying for ${seconds} s`);
    said = true;
    await new Promise((r) => setTimeout(r, 1000));
  }
}
