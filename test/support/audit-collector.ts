import { definePlugin, type AuditEvent, type GatewayPlugin } from '@secure-mcp-gateway/core';

export interface AuditCollector {
  plugin: GatewayPlugin;
  events: AuditEvent[];
}

/** An audit sink plugin that keeps every event in memory, for tests that assert what was audited. */
export function auditCollector(name = 'audit-collector'): AuditCollector {
  const events: AuditEvent[] = [];
  const plugin = definePlugin<object>({ name, setup: (context) => context.hooks.audit((event) => void events.push(event)) })();
  return { plugin, events };
}
