import type express from 'express';
import { LayoutWriteSchema, SquadFileQuerySchema, SquadFileWriteSchema } from '../../protocol/api/workspaceFiles';
import type { Scope } from '../runs/runManager';
import { HttpError, parseWire } from './httpError';
import type { WorkspaceFiles } from './workspaceFiles';

/**
 * `/api/files` and `/api/layouts`: the browser editor's access to squad files. Reading needs any
 * token; writing needs the server's own token, since a tenant token is for running squads, not for
 * changing them.
 */
export function mountWorkspaceFileRoutes(app: express.Express, files: WorkspaceFiles, scope: (req: express.Request) => Scope): void {
  const writer = (req: express.Request): void => {
    if (scope(req).tenant !== null) throw new HttpError(403, 'only the server token can change squad files');
  };
  app.get('/api/files', async (_req, res) => {
    res.json({ files: await files.list() });
  });
  app.get('/api/files/content', async (req, res) => {
    const query = parseWire(SquadFileQuerySchema, { ...req.query }, 'query');
    res.json(await files.read(query.path));
  });
  app.put('/api/files/content', async (req, res) => {
    writer(req);
    const body = parseWire(SquadFileWriteSchema, req.body ?? {}, 'file write');
    res.json(await files.write(body.path, body.text, body.baseVersion));
  });
  app.get('/api/layouts', async (req, res) => {
    const query = parseWire(SquadFileQuerySchema, { ...req.query }, 'query');
    res.json({ layout: await files.readLayout(query.path) });
  });
  app.put('/api/layouts', async (req, res) => {
    writer(req);
    const body = parseWire(LayoutWriteSchema, req.body ?? {}, 'layout');
    await files.writeLayout(body.path, body.layout);
    res.json({});
  });
}
