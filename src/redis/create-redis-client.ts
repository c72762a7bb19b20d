// The ioredis client the Redis stores create from a URL: it fails a command at once while Redis is
// down (no offline queue, one retry) and within `commandTimeoutMs` when Redis is slow, so the
// caller decides what an outage means; and it reconnects in the background for as long as it lives.
import { Redis } from 'ioredis';

/**
 * Creates a fail-fast, self-reconnecting client.
 * @example
 * const client = createFailFastClient('redis://127.0.0.1:6379', 200);
 */
export function createFailFastClient(url: string, commandTimeoutMs: number): Redis {
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: commandTimeoutMs,
    connectTimeout: 2_000,
    // Back off up to 2 s between reconnection attempts.
    retryStrategy: (attempt) => Math.min(attempt * 50, 2_000),
  });
  // Outages reach the caller as failed commands; without a listener ioredis would print every
  // reconnection error.
  client.on('error', () => {});
  return client;
}

/** Quits a client politely when it is connected, else drops its connection; never throws. */
export async function closeClient(client: Redis): Promise<void> {
  try {
    if (client.status === 'ready') await client.quit();
    else client.disconnect();
  } catch {
    client.disconnect();
  }
}
