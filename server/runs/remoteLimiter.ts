import type { MessagePort } from 'node:worker_threads';
import type { FromThreadMessage, ToThreadMessage } from '../../protocol/runThreadMessage';
import type { RateLimiterPort } from '../tenants/rateLimitedProvider';
import { RateLimitRefusedError } from '../tenants/tenantLimiter';

/**
 * A run thread's port to its tenant's rate limiter, which lives on the HTTP thread (shared by every
 * run of the tenant, on any thread). `admit` asks and resolves with the wait, or rejects with the
 * same `RateLimitRefusedError` the limiter threw there, so the engine journals the same refusal.
 */
export class RemoteLimiter implements RateLimiterPort {
  private next = 1;
  private readonly pending = new Map<number, { resolve: (waitMs: number) => void; reject: (error: Error) => void }>();

  constructor(private readonly port: MessagePort) {}

  admit(estimatedTokens: number, now: number): Promise<number> {
    const req = this.next++;
    const message: FromThreadMessage = { kind: 'admit', req, estimate: estimatedTokens, at: now };
    return new Promise<number>((resolve, reject) => {
      this.pending.set(req, { resolve, reject });
      this.port.postMessage(message);
    });
  }

  settle(estimatedTokens: number, usedTokens: number, now: number): void {
    const message: FromThreadMessage = { kind: 'settle', estimate: estimatedTokens, used: usedTokens, at: now };
    this.port.postMessage(message);
  }

  /** The HTTP thread's answer to an `admit`. */
  answer(m: Extract<ToThreadMessage, { kind: 'admitted' | 'refused' }>): void {
    const waiting = this.pending.get(m.req);
    if (!waiting) return;
    this.pending.delete(m.req);
    if (m.kind === 'admitted') waiting.resolve(m.waitMs);
    else waiting.reject(new RateLimitRefusedError(m.tenant, m.limit, m.waitMs, m.maxWaitMs));
  }
}
