/**
 * audit-otel: OpenTelemetry spans and metrics for every gateway operation, made from the audit events (so they carry
 * exactly what the audit trail does: names, ids, outcomes and durations, never arguments or secrets). Sends them
 * over OTLP/HTTP when given an endpoint, otherwise to the global providers of the host program.
 */
import { definePlugin } from '@secure-mcp-gateway/core';
import { CallMetrics } from './call-metrics.js';
import { optionsSchema, type AuditOtelOptions, type ResolvedOtelOptions } from './options.js';
import { SpanRecorder } from './span-recorder.js';
import { createTelemetry } from './telemetry-sdk.js';

export type { AuditOtelOptions } from './options.js';

export const auditOtel = definePlugin<AuditOtelOptions>({
  name: 'audit-otel',
  optionsSchema,
  setup(context) {
    const options = context.options as ResolvedOtelOptions;
    const telemetry = createTelemetry(options, context.gateway.version);
    const spans = new SpanRecorder(telemetry.tracer, options.recordUser);
    const metrics = new CallMetrics(telemetry.meter);
    context.hooks.audit((event) => {
      spans.record(event);
      metrics.record(event);
    });
    context.onStop(async () => {
      spans.close();
      await telemetry.shutdown();
    });
    context.logger.info(options.endpoint ? `OpenTelemetry export to ${new URL(options.endpoint).origin}` : 'OpenTelemetry through the global providers');
  },
});

export default auditOtel;
