import type { ResolvedOptions } from './options.js';

/** What the browser app reads from `<basePath>/config.json` before anything else. Public: no secrets in it. */
export interface UiConfig {
  title: string;
  base_path: string;
  /** The API base; null means the origin the UI was loaded from. */
  gateway_url: string | null;
  auth_enabled: boolean;
  oidc: { authority: string; client_id: string; scope: string } | null;
  admin_role: string;
  audit_poll_seconds: number;
}

export function uiConfig(options: ResolvedOptions): UiConfig {
  return {
    title: options.title,
    base_path: options.basePath,
    gateway_url: options.gatewayUrl ?? null,
    auth_enabled: options.oidc !== undefined,
    oidc: options.oidc ? { authority: options.oidc.authority, client_id: options.oidc.clientId, scope: options.oidc.scope } : null,
    admin_role: options.adminRole,
    audit_poll_seconds: options.auditPollSeconds,
  };
}

/**
 * The page may talk only to the gateway and the identity provider, load only its own files, and be framed only by
 * itself (the silent-renewal callback runs in a hidden frame).
 */
export function contentSecurityPolicy(options: ResolvedOptions): string {
  const origins = (...urls: Array<string | undefined>) => urls.filter((url): url is string => url !== undefined).map((url) => new URL(url).origin);
  const connect = ["'self'", ...origins(options.gatewayUrl, options.oidc?.authority)];
  const frames = ["'self'", ...origins(options.oidc?.authority)];
  return [
    "default-src 'self'",
    `connect-src ${connect.join(' ')}`,
    `frame-src ${frames.join(' ')}`,
    "img-src 'self' data: blob:",
    "media-src 'self' data: blob:",
    "style-src 'self'",
    "script-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'self'",
  ].join('; ');
}
