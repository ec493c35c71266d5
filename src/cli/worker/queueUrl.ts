/**
 * The Redis address of `--queue redis://host:port[/db]` (sweep coordinator and `tsdnas worker`)
 * and the queue name of `--queue-name`, checked before anything runs: a typo is a usage error
 * naming the option, not a connection that retries forever.
 */

import { UsageError } from '../args.js';

export interface QueueAddress {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls: boolean;
  /** The URL without its password, for messages and logs. */
  shown: string;
}

export const DEFAULT_QUEUE_NAME = 'tsdnas-sweep';

const FORM = 'redis://host:port[/db] (or rediss:// for TLS; user:password@ before the host when Redis asks for them)';

export function parseQueueUrl(text: string, option = '--queue'): QueueAddress {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`${option} ${text}: not a valid URL (a host, and a port from 1 to 65535); give ${FORM}`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new UsageError(`${option} ${text}: the scheme must be redis:// or rediss://, not ${url.protocol}//; give ${FORM}`);
  if (url.hostname === '') throw new UsageError(`${option} ${text}: no host; give ${FORM}`);
  const port = url.port === '' ? 6379 : Number(url.port);
  if (port < 1) throw new UsageError(`${option} ${text}: port ${port} is not a port from 1 to 65535; give ${FORM}`);
  const path = url.pathname.replace(/^\//, '');
  if (!/^\d*$/.test(path)) throw new UsageError(`${option} ${text}: '/${path}' is not a database number; give ${FORM}`);
  const db = path === '' ? 0 : Number(path);
  if (url.search !== '' || url.hash !== '') throw new UsageError(`${option} ${text}: remove '${url.search}${url.hash}'; give ${FORM}`);
  const shown = `${url.protocol}//${url.hostname}:${port}/${db}`;
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port, db, tls: url.protocol === 'rediss:', shown,
    ...(url.username !== '' ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password !== '' ? { password: decodeURIComponent(url.password) } : {}),
  };
}

/** A BullMQ queue name: Redis key material, so no ':' (BullMQ's separator) and nothing a shell mangles. */
export function checkQueueName(name: string, option = '--queue-name'): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(name)) throw new UsageError(`${option} '${name}': use letters, digits, '.', '_' and '-' (starting with a letter or digit, at most 100), e.g. ${DEFAULT_QUEUE_NAME}`);
  return name;
}
