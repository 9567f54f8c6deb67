import type { BackendRegistry } from '../backends/backend-registry.js';
import type { BackendStatus } from '../hooks.js';
import type { AuditBus } from './audit-bus.js';

/**
 * Records a `server_status` event whenever a backend's status changes (up, down, disabled), so the audit trail
 * shows when a server was unavailable and why. Returns the unsubscribe function.
 */
export function auditServerStatus(registry: BackendRegistry, audit: AuditBus): () => void {
  const last = new Map<string, BackendStatus>();
  return registry.onChange(() => {
    const seen = new Set<string>();
    for (const { name, status } of registry.snapshots()) {
      seen.add(name);
      const previous = last.get(name);
      if (previous === status) continue;
      last.set(name, status);
      // A server still connecting has no news yet; its first real status (up or down) is the event.
      if (status === 'connecting' && previous === undefined) continue;
      const error = status === 'down' ? registry.lastError(name) : undefined;
      audit.emit({
        event_type: 'server_status',
        outcome: status === 'down' ? 'error' : 'success',
        server: name,
        ...(error ? { error } : {}),
        details: { status, ...(previous ? { previous } : {}) },
      });
    }
    for (const name of last.keys()) if (!seen.has(name)) last.delete(name);
  });
}
