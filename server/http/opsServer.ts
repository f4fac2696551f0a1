import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { HostPolicy } from './hostPolicy';
import { mountOpsRoutes, type OpsDeps } from './opsRoutes';
import { RequestGate } from './requestGate';

/**
 * A worker's health port (`squad worker --health-port N`, SQUAD_HEALTH_PORT): `/healthz`, `/readyz`
 * and `/metrics` and nothing else, for the kubelet's probes, the image's HEALTHCHECK and Prometheus.
 * Same rules as the API's: any IP address or loopback name as `Host`, no foreign `Origin`, a bearer
 * token (the metrics token) for `/metrics`.
 */
export class OpsServer {
  private constructor(
    private readonly http: Server,
    readonly url: string,
  ) {}

  static async listen(o: { host: string; port: number } & OpsDeps): Promise<OpsServer> {
    const app = express();
    app.disable('x-powered-by');
    const http = createServer(app);
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(o.port, o.host, () => {
        http.off('error', reject);
        resolve();
      });
    });
    const address = http.address() as AddressInfo;
    const gate = new RequestGate(new HostPolicy({ host: o.host, port: address.port }));
    mountOpsRoutes(app, o, (req) => gate.checkProbe(req));
    app.use((_req, res) => {
      res.status(404).json({ error: 'a health port serves /healthz, /readyz and /metrics only' });
    });
    const host = o.host.includes(':') ? `[${o.host}]` : o.host;
    return new OpsServer(http, `http://${host}:${address.port}`);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
  }
}
