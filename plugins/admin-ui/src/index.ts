/**
 * admin-ui: the gateway's web UI under `/ui`. The app's files and `config.json` are public; every API call the app
 * makes carries the signed-in user's bearer token and is authenticated, authorized and audited by the gateway.
 */
import { fileURLToPath } from 'node:url';
import { definePlugin } from '@secure-mcp-gateway/core';
import { optionsSchema, type AdminUiOptions, type ResolvedOptions } from './options.js';
import { staticAppRouter } from './static-app.js';

export type { AdminUiOptions, OidcOptions } from './options.js';
export type { UiConfig } from './ui-config.js';

/** Where `vite build` writes the app (see app/vite.config.ts). */
const APP_DIR = fileURLToPath(new URL('./app/', import.meta.url));

export const adminUi = definePlugin<AdminUiOptions>({
  name: 'admin-ui',
  optionsSchema,
  setup(context) {
    const options = context.options as ResolvedOptions;
    context.addRoutes(staticAppRouter(APP_DIR, options), { auth: 'none' });
    context.logger.info(`web UI at ${context.gateway.publicUrl}${options.basePath}/ (${options.oidc ? `login with ${options.oidc.authority}` : 'no login: the oidc option is not set'})`);
  },
});

export default adminUi;
