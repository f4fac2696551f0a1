import type { TenantsFile } from '../../protocol/api/tenantPolicy';
import { SquadServer } from '../http/squadServer';
import { TokenRegistry } from '../http/tokenRegistry';
import { ClusterRuns } from './clusterRuns';
import type { RunPolicy } from '../trust/runPolicy';
import type { SharedStores } from './sharedStores';

export interface ClusterServerConfig {
  stores: SharedStores;
  workspace: string;
  host: string;
  port: number;
  version: string;
  tenants?: TenantsFile;
  allowedOrigins?: readonly string[];
  /** The server token every API server of the deployment shares (`SQUAD_TOKEN`); default: a fresh one. */
  token?: string;
  log?: (line: string) => void;
  policy?: RunPolicy;
}

export interface RunningClusterServer {
  url: string;
  token: string;
  runs: ClusterRuns;
  close(): Promise<void>;
}

/** The API server of the scale-out: the same HTTP API, stream and web app, over the shared stores. */
export async function composeClusterServer(config: ClusterServerConfig): Promise<RunningClusterServer> {
  const runs = new ClusterRuns({ stores: config.stores, workspace: config.workspace, ...(config.tenants ? { tenants: config.tenants } : {}), ...(config.policy ? { policy: config.policy } : {}) });
  const tokens = new TokenRegistry(config.token, config.stores.tokens);
  const server = await SquadServer.listen({
    host: config.host,
    port: config.port,
    manager: runs,
    tokens,
    version: config.version,
    allowedOrigins: config.allowedOrigins ?? [],
    log: config.log ?? (() => {}),
    workspace: config.workspace,
  });
  return { url: server.url, token: tokens.serverToken, runs, close: () => server.close() };
}
