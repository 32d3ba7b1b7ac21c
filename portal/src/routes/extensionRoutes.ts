/**
 * Serves a self-hosted extension for IT's force-install policy (`keybound portal --extension-dir
 * DIR`, DIR written by `keybound extension pack`): `/extension/updates.xml`, which browsers poll
 * for updates, and `/extension/keybound.crx`. Only these two names are served, read at request
 * time (a re-pack is live without a restart); nothing else in DIR is reachable.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Request, type Response, Router } from 'express';

const FILES: Record<string, { name: string; type: string }> = {
  '/updates.xml': { name: 'updates.xml', type: 'application/xml; charset=utf-8' },
  // The type Chrome expects for an off-store CRX download.
  '/keybound.crx': { name: 'keybound.crx', type: 'application/x-chrome-extension' },
};

export function extensionRoutes(extensionDir: string): Router {
  const router = Router();
  router.get(Object.keys(FILES), async (req: Request, res: Response) => {
    const file = FILES[req.path];
    if (!file) return;
    const body = await readFile(join(extensionDir, file.name)).catch(() => undefined);
    if (!body) {
      res.status(404).json({ error: { code: 'ERR_NOT_FOUND', message: `No ${file.name} packed for this portal yet` } });
      return;
    }
    res.set('Content-Type', file.type).set('Cache-Control', 'no-cache').set('X-Content-Type-Options', 'nosniff');
    res.send(body);
  });
  return router;
}
