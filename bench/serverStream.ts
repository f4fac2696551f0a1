import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { composeServer } from '../server/http/composeServer';
import { SquadClient } from '../server/http/squadClient';
import { STREAM_PATH, STREAM_PROTOCOL } from '../server/http/streamServer';
import { loopSquadYaml } from './ours';
import { streamMessageText } from '../protocol/api/streamMessageText';

export interface StreamBenchRow {
  clients: number;
  /** Events of the run (each delivered once to every client). */
  events: number;
  /** Events delivered to all clients together, per second of wall time, engine running. */
  eventsPerSecond: number;
  wallMs: number;
  /** `lagged` frames: times a client fell back to the journal. */
  lagged: number;
}

/**
 * Events per second delivered over the WebSocket stream to `clients` clients while the engine runs
 * the planner → worker → checker loop (`rounds` rounds, about 20 events a round). The server is the
 * real one on 127.0.0.1; the clients are raw `ws` clients in the same process, so the figure is a
 * lower bound (they share the CPU with the server). Target: ≥ 10,000 events/s to 10 clients.
 *
 *   const rows = [await benchServerStream({ clients: 1 }), await benchServerStream({ clients: 10 })];
 */
export async function benchServerStream(options: { clients: number; rounds?: number; timeoutMs?: number }): Promise<StreamBenchRow> {
  const dir = await mkdtemp(join(tmpdir(), 'squad-bench-stream-'));
  const server = await composeServer({ workspace: dir, host: '127.0.0.1', port: 0, version: 'bench', writeServerFile: false });
  const client = new SquadClient(server.url, server.token);
  const sockets: WebSocket[] = [];
  try {
    const run = await client.startRun({ source: loopSquadYaml(options.rounds ?? 1500), path: 'bench-loop.squad.yaml', seed: 1, paused: true });
    const counts: number[] = [];
    let lagged = 0;
    const ends: Promise<void>[] = [];
    const readies: Promise<void>[] = [];
    for (let i = 0; i < options.clients; i++) {
      const ws = new WebSocket(`${server.url.replace('http', 'ws')}${STREAM_PATH}`, [STREAM_PROTOCOL], { headers: { authorization: `Bearer ${server.token}` } });
      sockets.push(ws);
      counts.push(0);
      let ready!: () => void;
      readies.push(new Promise((r) => (ready = r)));
      ends.push(
        new Promise((resolve, reject) => {
          ws.on('message', (data) => {
            const frame: unknown = JSON.parse(streamMessageText(data));
            if (!isRecord(frame)) return;
            if (frame.type === 'events' && Array.isArray(frame.events)) {
              counts[i]! += frame.events.length;
              ready();
            } else if (frame.type === 'lagged') lagged += 1;
            else if (frame.type === 'end') resolve();
            else if (frame.type === 'error') reject(new Error(String(frame.error)));
          });
          ws.on('error', reject);
        }),
      );
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      ws.send(JSON.stringify({ type: 'subscribe', id: 's', run: run.id }));
    }
    await Promise.all(readies); // every client has the run's first events: the rest comes live
    const started = performance.now();
    await client.control(run.id, 'resume');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(ends), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('stream bench timed out')), options.timeoutMs ?? 120_000)))]);
    clearTimeout(timer);
    const wallMs = performance.now() - started;
    const events = (await client.run(run.id)).lastSeq;
    if (counts.some((c) => c !== events)) throw new Error(`a client got ${counts.join('/')} of ${events} events`);
    return { clients: options.clients, events, eventsPerSecond: Math.round((events * options.clients) / (wallMs / 1000)), wallMs: Math.round(wallMs), lagged };
  } finally {
    for (const ws of sockets) ws.terminate();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
