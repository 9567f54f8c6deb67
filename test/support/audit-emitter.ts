import { randomUUID } from 'node:crypto';
import { definePlugin, type AuditEvent, type GatewayPlugin, type PluginContext } from '@secure-mcp-gateway/core';

export interface AuditEmitter {
  plugin: GatewayPlugin;
  /** Emits through the gateway's audit bus, as the core does (redaction included); available once set up. */
  emit(event: Parameters<PluginContext<object>['emitAudit']>[0]): void;
}

/** A plugin that lets a test emit audit events straight into the gateway's audit bus, to drive sinks in bulk. */
export function auditEmitter(name = 'audit-emitter'): AuditEmitter {
  let context: PluginContext<object> | undefined;
  const plugin = definePlugin<object>({ name, setup: (c) => void (context = c) })();
  return {
    plugin,
    emit(event) {
      if (!context) throw new Error('auditEmitter used before the gateway set it up');
      context.emitAudit(event);
    },
  };
}

/** A tool_call event with every field set, numbered so a test can check order and loss. */
export function sampleToolCall(index: number, extra: Partial<AuditEvent> = {}): Omit<AuditEvent, 'timestamp'> {
  return {
    id: randomUUID(),
    event_type: 'tool_call',
    request_id: `req-${index}`,
    principal: { sub: 'user-1', username: 'alice', roles: ['mcp-user'] },
    client: { address: '127.0.0.1', user_agent: 'audit-test' },
    session_id: 'session-1',
    channel: 'mcp',
    server: 'echo',
    tool: 'echo',
    arguments: { message: `call ${index}` },
    outcome: 'success',
    duration_ms: 1.5,
    result_size: 42,
    ...extra,
  };
}
