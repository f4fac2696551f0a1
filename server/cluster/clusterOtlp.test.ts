import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SquadClient } from '../http/squadClient';
import { freshDatabase } from '../store/testing/freshDatabase';
import { startCli } from './testing/cliProcess';
import { until, useClusterFixture } from './testing/clusterFixture';
import { slowPairSquad } from './testing/slowModelServer';

/**
 * `--otlp` with `--store`: the spans of a run are exported by the worker that executes it (it holds
 * the run's events as they happen; an API server only reads journals). `serve --store … --otlp URL`
 * passes the endpoint to the workers it starts. Checked against a local OTLP/HTTP receiver, as the
 * embedded server's test (otel/otlpExport.test.ts) is: one trace per run, its root span named after
 * the squad with the run's id, a `chat` span per model call.
 */
const fx = useClusterFixture(20, 'squad-otlp-');

const AnyValue = z.object({ stringValue: z.string().optional(), intValue: z.union([z.string(), z.number()]).optional() });
const Span = z.object({ traceId: z.string(), name: z.string(), attributes: z.array(z.object({ key: z.string(), value: AnyValue })).default([]) });
const OtlpRequest = z.object({ resourceSpans: z.array(z.object({ scopeSpans: z.array(z.object({ spans: z.array(Span) })) })) });
type Span = z.infer<typeof Span>;

const attr = (span: Span, key: string): string | undefined => span.attributes.find((a) => a.key === key)?.value.stringValue;

let receiver: Server | null = null;
afterAll(async () => {
  await new Promise((r) => (receiver ? receiver.close(r) : r(undefined)));
});

describe('--otlp with --store', () => {
  it("exports each run's spans from the worker that runs it, one trace per run", async () => {
    const spans: Span[] = [];
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        for (const rs of OtlpRequest.parse(JSON.parse(body)).resourceSpans) for (const ss of rs.scopeSpans) spans.push(...ss.spans);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => receiver!.listen(0, '127.0.0.1', r));
    const otlp = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/v1/traces`;

    const url = await freshDatabase(fx.cluster.url, 'cluster_otlp');
    const token = 'cluster-otlp-test-token-0123456789';
    const api = startCli(['serve', '--workers', '1', '--workspace', fx.workspace, '--otlp', otlp], { SQUAD_STORE: url, SQUAD_TOKEN: token });
    fx.processes.push(api);
    const client = new SquadClient((await api.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/))[1]!, token);
    await api.waitFor(/squad worker \S+ on .*traces to http/);
    const ids: string[] = [];
    for (let seed = 1; seed <= 2; seed++) ids.push((await client.startRun({ source: slowPairSquad(fx.model.url), seed, profile: 'local' })).id);
    await until(async () => (await Promise.all(ids.map((id) => client.run(id)))).every((r) => r.state === 'completed'), 60_000, 'both runs completed');
    await api.stop(); // SIGTERM: the worker stops and sends its last spans before it exits

    for (const id of ids) {
      const root = spans.find((s) => s.name === 'squad.run slow-pair' && attr(s, 'squad.run.id') === id);
      expect(root, `the root span of ${id}`).toBeDefined();
      const trace = spans.filter((s) => s.traceId === root!.traceId);
      // The slow pair makes three model calls a run (planner, worker, planner): a chat span each.
      expect(trace.filter((s) => attr(s, 'gen_ai.operation.name') === 'chat')).toHaveLength(3);
    }
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(ids.length);
  }, 120_000);
});
