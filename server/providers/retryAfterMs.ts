/**
 * The wait a provider asks for before the next attempt, in ms, from its response headers, or null.
 * `retry-after-ms` (OpenAI, Azure) is the precise one; `retry-after` is seconds or an HTTP date (RFC
 * 9110 §10.2.3). A wait that is negative, unparsable or absurd (over an hour) is ignored: the engine's
 * own backoff then decides.
 */
export function retryAfterMs(headers: Headers | undefined, now: number = Date.now()): number | null {
  if (!headers) return null;
  const ms = headers.get('retry-after-ms');
  if (ms !== null) {
    const n = Number(ms);
    if (Number.isFinite(n) && n >= 0 && n <= MAX_WAIT_MS) return Math.ceil(n);
  }
  const after = headers.get('retry-after');
  if (after === null) return null;
  const trimmed = after.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    const n = Number(trimmed) * 1000;
    return n <= MAX_WAIT_MS ? Math.ceil(n) : null;
  }
  // An HTTP date names its weekday and month; anything else (a negative number, junk) is no wait.
  if (!/[A-Za-z]/.test(trimmed)) return null;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  const wait = date - now;
  return wait >= 0 && wait <= MAX_WAIT_MS ? Math.ceil(wait) : wait < 0 ? 0 : null;
}

const MAX_WAIT_MS = 60 * 60 * 1000;
