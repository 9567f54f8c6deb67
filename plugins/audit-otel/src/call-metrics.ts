import type { Attributes, Counter, Histogram, Meter } from '@opentelemetry/api';
import type { AuditEvent } from '@secure-mcp-gateway/core';
import { errorType, isRequestEvent, methodOf } from './event-attributes.js';
import * as sc from './semconv.js';

/** Calls, errors and a duration histogram, per server and tool. Only low-cardinality attributes: no ids, no users. */
export class CallMetrics {
  private readonly calls: Counter;
  private readonly errors: Counter;
  private readonly duration: Histogram;

  constructor(meter: Meter) {
    this.calls = meter.createCounter('mcp_gateway.calls', { description: 'Operations the gateway handled, by event type, server, tool and outcome', unit: '{call}' });
    this.errors = meter.createCounter('mcp_gateway.errors', { description: 'Operations that failed or were denied', unit: '{call}' });
    this.duration = meter.createHistogram(sc.METRIC_MCP_SERVER_OPERATION_DURATION, {
      description: 'Duration of MCP operations handled by the gateway',
      unit: 's',
      advice: { explicitBucketBoundaries: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300] },
    });
  }

  record(event: AuditEvent): void {
    if (!isRequestEvent(event)) return;
    const attributes: Attributes = { [sc.ATTR_GATEWAY_EVENT_TYPE]: event.event_type, [sc.ATTR_GATEWAY_OUTCOME]: event.outcome };
    const method = methodOf(event);
    if (method) attributes[sc.ATTR_MCP_METHOD_NAME] = method;
    if (event.server) attributes[sc.ATTR_GATEWAY_SERVER] = event.server;
    if (event.tool) attributes[sc.ATTR_GEN_AI_TOOL_NAME] = event.tool;
    if (event.outcome !== 'success') attributes[sc.ATTR_ERROR_TYPE] = errorType(event);
    this.calls.add(1, attributes);
    if (event.outcome !== 'success') this.errors.add(1, attributes);
    if (event.duration_ms !== undefined) this.duration.record(event.duration_ms / 1000, attributes);
  }
}
