import { timingSafeEqual } from 'node:crypto';
import { sha256Bytes } from '../engine/sha256';
import type { IncomingMessage } from 'node:http';
import type express from 'express';
import type { FleetInfo } from '../../protocol/api/fleetInfo';
import type { SquadMetrics } from './metrics';
import type { Readiness } from './readiness';
import type { TokenRegistry } from './tokenRegistry';

export interface OpsDeps {
  version: string;
  readiness: Readiness;
  /** Absent: no `/metrics` (404). */
  metrics?: SquadMetrics;
  /** The server token (and tenant tokens, refused for metrics); absent on a worker. */
  tokens?: TokenRegistry;
  /** `SQUAD_METRICS_TOKEN`: may read `/metrics` and nothing else. */
  metricsToken?: string;
  /** `GET /api/fleet` (mounted with the API, behind its token): the Fleet view's snapshot for a scope. */
  fleet?: (tenant: string | null) => Promise<FleetInfo> | FleetInfo;
}

/**
 * `/healthz` (liveness: the process answers), `/readyz` (readiness: the store is reachable, its
 * migrations are applied, the process is not shutting down; 503 with each check otherwise) and
 * `/metrics` (Prometheus text; the server token or the metrics token, never a tenant's, which must
 * not see other tenants' spend).
 *
 * `admit` is the request gate's `checkProbe`: probes and scrapers address a pod by its IP, so an IP
 * address passes as `Host` here (a DNS-rebinding name still does not), and a page of another site
 * (a foreign `Origin`) is refused. `/metrics` needs a bearer token besides.
 */
export function mountOpsRoutes(app: express.Express, deps: OpsDeps, admit: (req: IncomingMessage) => { ok: true } | { ok: false; field: string; message: string }): void {
  const metricsDigest = deps.metricsToken === undefined ? null : sha256Bytes(deps.metricsToken);
  const refuseForeign = (req: express.Request, res: express.Response): boolean => {
    const verdict = admit(req);
    if (verdict.ok) return false;
    res.status(403).json({ error: verdict.message, field: verdict.field });
    return true;
  };
  app.get('/healthz', (req, res) => {
    if (refuseForeign(req, res)) return;
    res.set('Cache-Control', 'no-store').json({ ok: true, version: deps.version });
  });
  app.get('/readyz', async (req, res) => {
    if (refuseForeign(req, res)) return;
    const report = await deps.readiness.check();
    res
      .set('Cache-Control', 'no-store')
      .status(report.ok ? 200 : 503)
      .json(report);
  });
  app.get('/metrics', async (req, res) => {
    if (refuseForeign(req, res)) return;
    if (!deps.metrics) {
      res.status(404).json({ error: 'no metrics on this process' });
      return;
    }
    const bearer = /^Bearer ([A-Za-z0-9_-]{16,128})$/.exec(req.headers.authorization?.trim() ?? '')?.[1];
    const scope = bearer === undefined ? null : deps.tokens?.scopeOfToken(bearer);
    const isMetricsToken = bearer !== undefined && metricsDigest !== null && timingSafeEqual(sha256Bytes(bearer), metricsDigest);
    if (!isMetricsToken && !scope) {
      res.status(401).set('WWW-Authenticate', 'Bearer realm="squad-metrics"').json({ error: 'missing or unknown bearer token (the server token or SQUAD_METRICS_TOKEN)', field: 'Authorization' });
      return;
    }
    if (!isMetricsToken && scope && scope.tenant !== null) {
      res.status(403).json({ error: 'a tenant token cannot read the metrics of every tenant', field: 'Authorization' });
      return;
    }
    res
      .set('Cache-Control', 'no-store')
      .type(deps.metrics.contentType)
      .send(await deps.metrics.text());
  });
}
