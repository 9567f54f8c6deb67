/**
 * Serves the built browser app: hashed assets with long caching, `config.json`, and `index.html` for every other
 * path under the base (client-side routes such as `/ui/tools` or `/ui/callback`), with a `<base href>` so relative
 * asset URLs resolve from any depth.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import express, { type NextFunction, type Request, type Response, Router } from 'express';
import { ConfigError, NotFoundError } from '@secure-mcp-gateway/core';
import type { ResolvedOptions } from './options.js';
import { contentSecurityPolicy, uiConfig } from './ui-config.js';

export function staticAppRouter(appDir: string, options: ResolvedOptions): Router {
  const indexFile = join(appDir, 'index.html');
  if (!existsSync(indexFile)) {
    throw new ConfigError(`the web UI is not built (${indexFile} is missing): run "npm run build" in the repository root`);
  }
  const base = options.basePath;
  const indexHtml = readFileSync(indexFile, 'utf8').replace('<head>', `<head>\n    <base href="${base}/">`);
  const configBody = JSON.stringify(uiConfig(options));
  const csp = contentSecurityPolicy(options);

  const router = Router();
  router.use(base, (_req: Request, res: Response, next: NextFunction) => {
    res.set({ 'content-security-policy': csp, 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'x-frame-options': 'SAMEORIGIN' });
    next();
  });
  router.get(`${base}/config.json`, (_req, res) => {
    res.set('cache-control', 'no-store').type('application/json').send(configBody);
  });
  router.use(`${base}/assets`, express.static(join(appDir, 'assets'), { index: false, immutable: true, maxAge: '365d' }));
  router.use(`${base}/assets`, (req: Request) => {
    throw new NotFoundError(`no UI asset ${req.path}`);
  });
  router.use(base, express.static(appDir, { index: false, fallthrough: true }));
  const sendIndex = (_req: Request, res: Response) => {
    res.set('cache-control', 'no-cache').type('html').send(indexHtml);
  };
  router.get(base, (req, res) => (req.originalUrl.split('?')[0] === base ? res.redirect(301, `${base}/`) : sendIndex(req, res)));
  router.get(`${base}/{*path}`, sendIndex);
  return router;
}
