import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { resolve } from 'node:path';
import { loadBureauData } from '../samples/mcp/credit-bureau/bureauData';
import { createCreditBureauServer } from '../samples/mcp/credit-bureau/creditBureauServer';
import { seededRandom } from '../server/engine/randomSource';
import { connectReplica } from '../server/mcp/mcpClient';
import type { ReplicaConnector } from '../server/mcp/replicaConnection';
import { ReplicaPool } from '../server/mcp/replicaPool';
import { POLICY_DEFAULTS } from '../server/mcp/toolServerPolicy';

export interface PoolOverheadRow {
  /** `in-process`: both sides over the SDK's in-memory transport; `stdio`: the bureau as a child process. */
  transport: 'in-process' | 'stdio';
  calls: number;
  directUsPerCall: number;
  poolUsPerCall: number;
  /** What the pool adds to one call: routing, slots, fault draws, result parsing and rendering. */
  addedUsPerCall: number;
}

const ARGS = { company: 'Harbor Freight Logistics LLC' };
const ROUNDS = 5;

/**
 * Pool overhead per call at zero injected latency against a direct SDK client call to the same
 * server (target: < 100 µs added). Rounds alternate direct and pooled calls and the median round
 * counts, so neither side always runs warm or right after the other's garbage.
 *
 *   const rows = await benchMcpPoolOverhead({ calls: 2000 });   // one row per transport
 */
export async function benchMcpPoolOverhead(options: { calls?: number } = {}): Promise<PoolOverheadRow[]> {
  const calls = options.calls ?? 2000;
  return [await measure('in-process', calls, inProcessConnector()), await measure('stdio', Math.min(calls, 1000), stdioConnector())];
}

async function measure(transport: PoolOverheadRow['transport'], calls: number, connector: ReplicaConnector): Promise<PoolOverheadRow> {
  const signal = new AbortController().signal;
  const direct = await connector.connect(signal, 15_000);
  const pool = new ReplicaPool({
    server: 'bureau',
    connectors: [connector],
    policy: { simulate: false, replicas: 1, latency: undefined, errorRate: 0, dropRate: 0, hangRate: 0, coldStartMs: 0, concurrency: Infinity, ...POLICY_DEFAULTS },
    random: seededRandom(1),
    timing: 'real',
  });
  try {
    await pool.start(signal);
    const directRound = async (): Promise<number> => {
      const began = performance.now();
      for (let i = 0; i < calls; i++) await direct.client.callTool({ name: 'credit_score', arguments: ARGS });
      return ((performance.now() - began) * 1000) / calls;
    };
    const poolRound = async (): Promise<number> => {
      const began = performance.now();
      for (let i = 0; i < calls; i++) {
        const r = await pool.call('credit_score', ARGS, i, signal);
        if (!r.ok) throw new Error(`pooled call failed: ${r.content}`);
      }
      return ((performance.now() - began) * 1000) / calls;
    };
    await directRound();
    await poolRound();
    const d: number[] = [];
    const p: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      d.push(await directRound());
      p.push(await poolRound());
    }
    const directUs = median(d);
    const poolUs = median(p);
    return { transport, calls, directUsPerCall: directUs, poolUsPerCall: poolUs, addedUsPerCall: poolUs - directUs };
  } finally {
    await pool.close();
    await direct.close();
  }
}

function inProcessConnector(): ReplicaConnector {
  const data = loadBureauData();
  return {
    describe: 'credit bureau (in process)',
    measured: true,
    async connect(signal, timeoutMs) {
      const server = createCreditBureauServer(data);
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      await server.connect(serverSide);
      return connectReplica(clientSide, { signal, timeoutMs, pid: () => null, explain: String });
    },
  };
}

/** The SDK's own stdio transport, for the direct side to be exactly "a direct SDK client call". */
function stdioConnector(): ReplicaConnector {
  const script = resolve(__dirname, '../dist/credit-bureau.js');
  return {
    describe: `node ${script}`,
    measured: true,
    async connect(signal, timeoutMs) {
      const transport = new StdioClientTransport({ command: process.execPath, args: [script], stderr: 'ignore' });
      return connectReplica(transport, { signal, timeoutMs, pid: () => transport.pid, explain: String });
    },
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
