import type { HealthReport } from '../plugin.js';
import type { AppDeps } from './app.js';

export interface HealthBody {
  status: 'healthy' | 'degraded' | 'unhealthy';
  auth_enabled: boolean;
  servers: Record<string, { status: string; tools: number }>;
  plugins: Record<string, { status: string; detail?: string }>;
  audit_sink_failures: Record<string, { count: number }>;
  /** With audit.failClosed: whether calls are refused now because no durable sink can accept events. */
  audit_fail_closed?: { refusing: boolean; detail?: string };
}

/**
 * Public (load balancers and Docker call it): per-backend and per-plugin status, no error text or config.
 * A backend that is down degrades the gateway; only a plugin reporting `down`, or audit.failClosed refusing calls,
 * makes it unhealthy (503), so a load balancer takes the gateway out of rotation.
 */
export async function healthReport(deps: Pick<AppDeps, 'registry' | 'plugins' | 'audit' | 'authenticator' | 'auditGate'>): Promise<HealthBody> {
  const servers: HealthBody['servers'] = {};
  for (const backend of deps.registry.snapshots()) servers[backend.name] = { status: backend.status, tools: backend.tools.length };
  const plugins: HealthBody['plugins'] = {};
  for (const [plugin, checks] of deps.plugins.health) {
    const reports: HealthReport[] = await Promise.all(checks.map(async (check) => {
      try {
        return await check();
      } catch {
        return { status: 'down' as const, detail: 'health check failed' };
      }
    }));
    const worst = reports.find((r) => r.status === 'down') ?? reports.find((r) => r.status === 'degraded') ?? reports[0]!;
    plugins[plugin] = { status: worst.status, ...(worst.detail ? { detail: worst.detail } : {}) };
  }
  const failures = Object.fromEntries(Object.entries(deps.audit.sinkFailures()).map(([sink, { count }]) => [sink, { count }]));
  const refusing = deps.auditGate.closedReason();
  const pluginDown = Object.values(plugins).some((p) => p.status === 'down') || refusing !== undefined;
  const degraded = Object.values(servers).some((s) => s.status === 'down') || Object.values(plugins).some((p) => p.status === 'degraded');
  return {
    status: pluginDown ? 'unhealthy' : degraded ? 'degraded' : 'healthy',
    auth_enabled: deps.authenticator.enabled,
    servers,
    plugins,
    audit_sink_failures: failures,
    ...(deps.auditGate.enabled ? { audit_fail_closed: { refusing: refusing !== undefined, ...(refusing ? { detail: refusing } : {}) } } : {}),
  };
}
