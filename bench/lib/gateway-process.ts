/**
 * Child process: a gateway built with `createGateway` (via the test helper), so the bench can measure its own RSS
 * and CPU apart from the client's and the backends'. Its config is `servers` plus, optionally, what a config module
 * exports (plugins cannot cross a process boundary as JSON, so they are built here).
 */
import { pathToFileURL } from 'node:url';
import type { GatewayConfigInput, ServerConfigInput } from '@secure-mcp-gateway/core';
import { startGateway } from '../../test/support/gateway.js';
import { serveChild } from './child-protocol.js';

export interface GatewayProcessParams {
  servers: Record<string, ServerConfigInput>;
  /** Path or file URL of a module whose `exportName` (default `gatewayConfig`) returns the rest of the config. */
  configModule?: string;
  exportName?: string;
  /** Passed to that function (JSON). */
  options?: unknown;
}

export type GatewayConfigFactory = (options: unknown) => GatewayConfigInput | Promise<GatewayConfigInput>;

await serveChild(async ({ servers, configModule, exportName, options }: GatewayProcessParams) => {
  let base: GatewayConfigInput = {};
  if (configModule) {
    const url = configModule.startsWith('file:') ? configModule : pathToFileURL(configModule).href;
    const factory = (await import(url) as Record<string, unknown>)[exportName ?? 'gatewayConfig'];
    if (typeof factory !== 'function') throw new Error(`${configModule} does not export a function "${exportName ?? 'gatewayConfig'}"`);
    base = await (factory as GatewayConfigFactory)(options);
  }
  const running = await startGateway({ ...base, servers: { ...(typeof base.servers === 'object' ? base.servers : {}), ...servers } });
  return { info: { url: running.url, mcpUrl: running.mcpUrl }, stop: () => running.stop() };
});
