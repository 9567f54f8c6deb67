/**
 * OAuth 2.0 Protected Resource Metadata (RFC 9728), so MCP clients discover where to get a token (MCP authorization
 * spec). The root document describes the whole gateway; path-suffixed ones describe `/mcp` and each
 * `/servers/<name>/mcp`, with `resource` equal to that endpoint's URL as RFC 9728 §3.3 requires.
 */
import { Router, type Response } from 'express';
import type { BackendView } from '@secure-mcp-gateway/core';
import type { ResolvedOptions } from './options.js';

export const METADATA_PATH = '/.well-known/oauth-protected-resource';

export interface ProtectedResourceMetadata {
  resource: string;
  authorization_servers: string[];
  scopes_supported?: string[];
  bearer_methods_supported: string[];
  resource_name?: string;
  resource_documentation?: string;
}

export function metadataFor(resource: string, options: ResolvedOptions): ProtectedResourceMetadata {
  const settings = options.resourceMetadata;
  const scopes = settings.scopesSupported ?? options.requiredScopes;
  return {
    resource,
    authorization_servers: settings.authorizationServers ?? [options.issuer],
    ...(scopes.length ? { scopes_supported: scopes } : {}),
    bearer_methods_supported: ['header'],
    resource_name: settings.resourceName,
    ...(settings.documentation ? { resource_documentation: settings.documentation } : {}),
  };
}

export function resourceMetadataRouter(publicUrl: string, options: ResolvedOptions, backends: BackendView): Router {
  const router = Router();
  const send = (res: Response, resource: string) => {
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.setHeader('Access-Control-Allow-Origin', '*'); // public metadata; browser-based MCP clients read it
    res.json(metadataFor(resource, options));
  };
  router.get(METADATA_PATH, (_req, res) => send(res, publicUrl));
  router.get(`${METADATA_PATH}/mcp`, (_req, res) => send(res, `${publicUrl}/mcp`));
  router.get(`${METADATA_PATH}/servers/:name/mcp`, (req, res, next) => {
    const name = String(req.params['name']);
    if (!backends.get(name)) return next();
    send(res, `${publicUrl}/servers/${encodeURIComponent(name)}/mcp`);
  });
  return router;
}
