import type { RunDetail, RunInfo, RunState } from '../../protocol/api/runInfo';
import { TERMINAL_STATES } from '../../protocol/api/runInfo';
import { ApiRequestError, type SquadClient, type StreamClient } from './squadClient';

export interface Spike {
  /** Tenant 1 sends `factor` times its share … */
  factor: number;
  /** … from this wall time into the load, or once this fraction of the runs has started. */
  at: { ms: number } | { fraction: number };
}

export interface LoadPlan {
  runs: number;
  concurrency: number;
  tenants: string[];
  spike: Spike | null;
  source: string;
  path: string;
  profile: string;
  seed: number;
  /** No run starts after this much wall time; runs in flight then get as long again to end. */
  maxMs: number;
  /**
   * The squad has replicated agents: each finished run's accounting is fetched for per-instance
   * figures (one more request per run, so only when there is something to report).
   */
  instances?: boolean;
}

/** One instance of a replicated agent in one run: turns taken and time busy in model and tool calls. */
export interface InstanceSample {
  turns: number;
  busyMs: number;
}

export interface RunSample {
  tenant: string;
  state: RunState;
  /** During the spike (tenant 1's extra runs and everyone else's alike). */
  inSpike: boolean;
  /** Refused at the door (HTTP 429) rather than run. */
  refusedAtStart: boolean;
  virtualMs: number;
  wallMs: number;
  queuedMs: number;
  costUsd: number;
  rateLimit: RunInfo['rateLimit'];
  /** By instance name (`financials#2`), when the plan asks for instances. */
  instances?: Record<string, InstanceSample>;
}

export interface LoadProgress {
  started: number;
  done: number;
  inFlight: number;
  refused: number;
}

/**
 * Drives a server with `plan.runs` runs: a closed loop that keeps `concurrency` runs in flight,
 * spread over the tenants by smooth weighted round robin, with tenant 1's weight and in-flight share
 * multiplied during a spike. Completion comes from one `subscribe.tenant` stream per tenant (run
 * frames only), not from polling. Every loop is bounded in count (`runs`) and time (`maxMs`).
 */
export async function driveLoad(client: SquadClient, plan: LoadPlan, onProgress: (p: LoadProgress) => void = () => {}, signal?: AbortSignal): Promise<{ samples: RunSample[]; wallMs: number }> {
  const stream = await client.stream();
  const ended = new Map<string, RunInfo>();
  const waiting = new Map<string, (info: RunInfo) => void>();
  stream.onFrame((frame) => {
    if (frame.type !== 'run' || !TERMINAL_STATES.includes(frame.run.state)) return;
    const waiter = waiting.get(frame.run.id);
    if (waiter) {
      waiting.delete(frame.run.id);
      waiter(frame.run);
    } else ended.set(frame.run.id, frame.run);
  });
  await subscribeAll(stream, plan.tenants);

  const started0 = performance.now();
  const weights = plan.tenants.map(() => 1);
  const credit = plan.tenants.map(() => 0);
  const samples: RunSample[] = [];
  const progress: LoadProgress = { started: 0, done: 0, inFlight: 0, refused: 0 };
  let spiking = false;
  const spikeDue = (): boolean => plan.spike !== null && ('ms' in plan.spike.at ? performance.now() - started0 >= plan.spike.at.ms : progress.started >= plan.spike.at.fraction * plan.runs);
  const capacity = (): number => (spiking && plan.spike ? Math.round(plan.concurrency + ((plan.spike.factor - 1) * plan.concurrency) / plan.tenants.length) : plan.concurrency);
  /** Smooth weighted round robin (as in nginx): deterministic and evenly interleaved. */
  const nextTenant = (): number => {
    let best = 0;
    const total = weights.reduce((a, b) => a + b, 0);
    for (let i = 0; i < weights.length; i++) {
      credit[i]! += weights[i]!;
      if (credit[i]! > credit[best]!) best = i;
    }
    credit[best]! -= total;
    return best;
  };

  const inFlight = new Set<Promise<void>>();
  const one = async (i: number, tenant: string, inSpike: boolean): Promise<void> => {
    let info: RunInfo;
    try {
      info = await client.startRun({ source: plan.source, path: plan.path, profile: plan.profile, seed: plan.seed + i, tenant });
    } catch (error) {
      if (!(error instanceof ApiRequestError) || error.status !== 429) throw error;
      progress.refused += 1;
      samples.push({ tenant, state: 'refused', inSpike, refusedAtStart: true, virtualMs: 0, wallMs: 0, queuedMs: 0, costUsd: 0, rateLimit: { waits: 0, waitMs: 0, refusals: 0 } });
      return;
    }
    const final = ended.get(info.id) ?? (await new Promise<RunInfo>((resolve) => waiting.set(info.id, resolve)));
    ended.delete(info.id);
    const instances = plan.instances && final.state !== 'refused' ? instancesOf(await client.run(info.id)) : undefined;
    samples.push({
      tenant,
      state: final.state,
      inSpike,
      refusedAtStart: false,
      virtualMs: final.virtualMs,
      wallMs: final.wallMs ?? 0,
      queuedMs: final.queuedMs ?? 0,
      costUsd: final.usage.costUsd,
      rateLimit: final.rateLimit,
      ...(instances ? { instances } : {}),
    });
  };

  try {
    for (let i = 0; i < plan.runs; i++) {
      if (signal?.aborted || performance.now() - started0 > plan.maxMs) break;
      if (!spiking && spikeDue()) {
        spiking = true;
        weights[0] = plan.spike!.factor;
      }
      while (inFlight.size >= capacity()) await Promise.race(inFlight);
      const t = nextTenant();
      const task = one(i, plan.tenants[t]!, spiking).finally(() => {
        inFlight.delete(task);
        progress.done += 1;
        progress.inFlight = inFlight.size;
        onProgress(progress);
      });
      inFlight.add(task);
      progress.started += 1;
      progress.inFlight = inFlight.size;
      onProgress(progress);
    }
    await withTimeout(Promise.all(inFlight), plan.maxMs, 'runs in flight did not end in time');
  } finally {
    await stream.close();
  }
  return { samples, wallMs: performance.now() - started0 };
}

async function subscribeAll(stream: StreamClient, tenants: string[]): Promise<void> {
  const pending = new Set(tenants.map((_, i) => `load-${i}`));
  await new Promise<void>((resolve, reject) => {
    const stop = stream.onFrame((frame) => {
      if (frame.type === 'error') reject(new Error(`stream: ${frame.error}`));
      if (frame.type === 'subscribed') pending.delete(frame.id);
      if (pending.size === 0) {
        stop();
        resolve();
      }
    });
    tenants.forEach((tenant, i) => stream.send({ type: 'subscribe.tenant', id: `load-${i}`, tenant, events: false }));
  });
}

async function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** The instances of replicated agents in a run's accounting (their names carry `#`). */
function instancesOf(detail: RunDetail): Record<string, InstanceSample> {
  const out: Record<string, InstanceSample> = {};
  for (const [name, a] of Object.entries(detail.agents)) {
    if (name.includes('#')) out[name] = { turns: a.turns, busyMs: a.modelMs + a.toolMs };
  }
  return out;
}
