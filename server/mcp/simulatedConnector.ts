import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { SimulatedServerConfig } from '../../protocol/squad/toolServer';
import { connectReplica } from './mcpClient';
import type { ReplicaConnector } from './replicaConnection';
import { simulatedServer } from './simulatedServer';

/** A replica that is an in-process simulated server, over the SDK's linked in-memory transports. */
export function simulatedConnector(name: string, config: SimulatedServerConfig): ReplicaConnector {
  return {
    describe: 'simulated',
    measured: false,
    async connect(signal, timeoutMs) {
      const server = simulatedServer(name, config);
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      await server.connect(serverSide);
      const connection = await connectReplica(clientSide, {
        signal,
        timeoutMs,
        pid: () => null,
        explain: (error) => (error instanceof Error ? error.message : String(error)),
      });
      return {
        ...connection,
        close: async () => {
          await connection.close();
          await server.close().catch(() => {});
        },
      };
    },
  };
}
