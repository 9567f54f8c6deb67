import { metrics, trace, type Meter, type Tracer } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { ResolvedOtelOptions } from './options.js';

const SCOPE = '@secure-mcp-gateway/plugin-audit-otel';

export interface Telemetry {
  tracer: Tracer;
  meter: Meter;
  /** Exports what is buffered and closes the exporters. */
  shutdown(): Promise<void>;
}

/**
 * With an endpoint: the plugin's own SDK providers and OTLP/HTTP exporters (the host's global providers are left
 * alone). Without: the global providers, so a host program that set up OpenTelemetry gets the spans in its pipeline.
 */
export function createTelemetry(options: ResolvedOtelOptions, version: string): Telemetry {
  if (!options.endpoint) {
    return { tracer: trace.getTracer(SCOPE, version), meter: metrics.getMeter(SCOPE, version), shutdown: async () => undefined };
  }
  const base = options.endpoint.replace(/\/+$/, '');
  const headers = options.headers ?? {};
  const resource = resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName, [ATTR_SERVICE_VERSION]: version });
  const tracerProvider = new BasicTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${base}/v1/traces`, headers }))] });
  const meterProvider = new MeterProvider({
    resource,
    readers: [new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter({ url: `${base}/v1/metrics`, headers }), exportIntervalMillis: options.metricIntervalMs })],
  });
  return {
    tracer: tracerProvider.getTracer(SCOPE, version),
    meter: meterProvider.getMeter(SCOPE, version),
    shutdown: async () => {
      await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
    },
  };
}
