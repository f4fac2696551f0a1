import type { TenantsFile } from '../../protocol/api/tenantPolicy';
import { DEFAULT_TENANT } from '../../protocol/api/tenantId';
import { SquadMetrics } from '../http/metrics';
import { storesFleet } from '../http/metricsStores';
import { ProbeReadiness } from '../http/readiness';
import { SquadServer } from '../http/squadServer';
import { StoresFleetInfo } from '../http/storesFleetInfo';
import { TokenRegistry } from '../http/tokenRegistry';
import { TenantRegistry } from '../tenants/tenantRegistry';
import { ClusterRuns } from './clusterRuns';
import type { RunPolicy } from '../trust/runPolicy';
import type { SharedStores } from './clusterStores';

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
  /** `--trusted-proxy` and `--public-url` (see trustedProxy.ts). */
  trustedProxies?: readonly string[];
  publicUrls?: readonly string[];
  /** `SQUAD_METRICS_TOKEN`: may read `/metrics` only. */
  metricsToken?: string;
}

export interface RunningClusterServer {
  url: string;
  token: string;
  runs: ClusterRuns;
  metrics: SquadMetrics;
  /** Not ready from now on (`/readyz` 503): the balancer stops sending requests while the server drains. */
  drain(): void;
  close(): Promise<void>;
}

/**
 * The API server of the scale-out: the same HTTP API, stream and web app, over the shared stores.
 * `/readyz` checks the store (PostgreSQL answers, its migrations at this version's); `/metrics` and
 * the Fleet view read the fleet from the shared queue, ledger and journals, so every API server
 * reports the same fleet-wide figures whichever worker runs what.
 */
export async function composeClusterServer(config: ClusterServerConfig): Promise<RunningClusterServer> {
  const { stores } = config;
  const runs = new ClusterRuns({ stores, workspace: config.workspace, ...(config.tenants ? { tenants: config.tenants } : {}), ...(config.policy ? { policy: config.policy } : {}) });
  await runs.watch();
  const tokens = new TokenRegistry(config.token, stores.tokens);
  const registry = new TenantRegistry(config.tenants ? { config: config.tenants } : {});
  const budgetOf = (id: string): number => registry.get(id).policy.dailyBudgetUsd;
  const configured = (): { id: string; dailyBudgetUsd: number }[] => [...new Set([DEFAULT_TENANT, ...Object.keys(config.tenants?.tenants ?? {})])].map((id) => ({ id, dailyBudgetUsd: budgetOf(id) }));
  const metrics = new SquadMetrics(storesFleet(stores.queue, stores.ledger, configured, { budgetOf }));
  const readiness = new ProbeReadiness({ store: () => stores.ready() });
  const fleet = new StoresFleetInfo({ queue: stores.queue, journals: stores.journals, ledger: stores.ledger, tenants: configured, budgetOf });
  const server = await SquadServer.listen({
    host: config.host,
    port: config.port,
    manager: runs,
    tokens,
    version: config.version,
    allowedOrigins: config.allowedOrigins ?? [],
    log: config.log ?? (() => {}),
    workspace: config.workspace,
    trustedProxies: config.trustedProxies ?? [],
    publicUrls: config.publicUrls ?? [],
    ...(config.tenants ? { tenants: config.tenants } : {}),
    ops: { readiness, metrics, fleet: (tenant) => fleet.snapshot(tenant), ...(config.metricsToken === undefined ? {} : { metricsToken: config.metricsToken }) },
  });
  return {
    url: server.url,
    token: tokens.serverToken,
    runs,
    metrics,
    drain: () => readiness.drain(),
    close: () => {
      readiness.drain();
      return server.close();
    },
  };
}
