import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ServerFrame } from '../../protocol/api/streamFrame';
import type { RunEvent } from '../../protocol/runEvent';
import { composeServer, type RunningServer, type ServerConfig } from './composeServer';
import { SquadClient, type StreamClient } from './squadClient';

/** Test support: the real server on a free 127.0.0.1 port, in a temporary workspace holding the sample. */
export interface TestServer {
  server: RunningServer;
  client: SquadClient;
  workspace: string;
  url: string;
  token: string;
  /** Closes the server and removes the workspace. */
  dispose(): Promise<void>;
}

export const SAMPLE = resolve(__dirname, '../../samples/credit-memo/credit-memo.squad.yaml');
export const SAMPLE_FILE = 'credit-memo.squad.yaml';

export async function startTestServer(config: Partial<ServerConfig> = {}): Promise<TestServer> {
  const workspace = await mkdtemp(join(tmpdir(), 'squad-server-'));
  await copyFile(SAMPLE, join(workspace, SAMPLE_FILE));
  const server = await composeServer({ workspace, host: '127.0.0.1', port: 0, version: 'test', shutdownGraceMs: 2000, ...config });
  return {
    server,
    client: new SquadClient(server.url, server.token),
    workspace,
    url: server.url,
    token: server.token,
    dispose: async () => {
      await server.close();
      await rm(workspace, { recursive: true, force: true });
    },
  };
}

/** Collects one subscription's events until its `end` frame (or `stopAfter` events); bounded by `timeoutMs`. */
export function collect(stream: StreamClient, id: string, options: { stopAfter?: number; timeoutMs?: number } = {}): Promise<{ events: RunEvent[]; frames: ServerFrame[]; ended: boolean }> {
  const events: RunEvent[] = [];
  const frames: ServerFrame[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`subscription ${id}: no end after ${events.length} events`));
    }, options.timeoutMs ?? 15_000);
    const stop = stream.onFrame((frame) => {
      if (!('id' in frame) || frame.id !== id) return;
      frames.push(frame);
      if (frame.type === 'events') events.push(...frame.events);
      if (frame.type === 'error') {
        clearTimeout(timer);
        stop();
        reject(new Error(`subscription ${id}: ${frame.error}`));
        return;
      }
      const done = frame.type === 'end' || (options.stopAfter !== undefined && events.length >= options.stopAfter);
      if (done) {
        clearTimeout(timer);
        stop();
        resolve({ events, frames, ended: frame.type === 'end' });
      }
    });
  });
}

/** Waits until `predicate` holds, polling the event loop; fails after `timeoutMs` (a bound, not a measurement). */
export async function until(predicate: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!(await predicate())) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
