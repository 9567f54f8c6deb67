import { createServer, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { metrics, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { MeterProvider, MetricReader, type Histogram } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import auditOtel, { auditOtel as namedAuditOtel } from '@secure-mcp-gateway/plugin-audit-otel';
import { auditEmitter, sampleToolCall } from '../../../test/support/audit-emitter.js';
import { startHttpBackend, type HttpBackend } from '../../../test/support/backends.js';
import { httpJson } from '../../../test/support/client.js';
import { startGateway, type RunningGateway } from '../../../test/support/gateway.js';
import { waitFor } from '../../../test/support/wait.js';

/** A metric reader the test collects from on demand. */
class TestMetricReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

const SECRET = 'sk-otel-test-secret-4242';

describe('audit-otel plugin', function () {
  const spans = new InMemorySpanExporter();
  const reader = new TestMetricReader();
  let backend: HttpBackend;
  let gateway: RunningGateway;
  let emitter: ReturnType<typeof auditEmitter>;

  before(async function () {
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }));
    metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
    backend = await startHttpBackend((server: McpServer) => {
      server.registerTool('echo', { inputSchema: { text: z.string(), api_key: z.string().optional() } }, async ({ text }) => ({ content: [{ type: 'text', text }] }));
      server.registerTool('fail', {}, async () => ({ isError: true, content: [{ type: 'text', text: 'broken' }] }));
    }, { record: false });
    emitter = auditEmitter();
    gateway = await startGateway({ servers: { echo: { type: 'streamable-http', url: backend.url } }, plugins: [emitter.plugin, auditOtel()] });
  });

  after(async function () {
    await gateway?.stop();
    await backend?.stop();
    trace.disable();
    metrics.disable();
  });

  beforeEach(() => spans.reset());

  it('exports the factory as default and named', function () {
    expect(auditOtel).to.equal(namedAuditOtel);
  });

  it('makes a SERVER span per call with a CLIENT child for the backend call, in the caller\'s trace, without arguments', async function () {
    const traceId = randomUUID().replaceAll('-', '');
    const response = await httpJson(`${gateway.url}/mcp/invoke?mcp_server=echo`, {
      body: { tool_name: 'echo', parameters: { text: 'hi', api_key: SECRET } },
      headers: { traceparent: `00-${traceId}-${'1'.repeat(16)}-01`, 'user-agent': 'otel-test' },
    });
    expect(response.status).to.equal(200);
    await gateway.gateway.flushAudit();
    const finished = spans.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
    const server = finished.find((span) => span.kind === SpanKind.SERVER)!;
    const client = finished.find((span) => span.kind === SpanKind.CLIENT)!;
    expect(server.name).to.equal('tools/call echo__echo');
    expect(server.attributes).to.deep.include({
      'mcp.method.name': 'tools/call', 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'echo',
      'mcp_gateway.server': 'echo', 'mcp_gateway.outcome': 'success', 'user_agent.original': 'otel-test', 'mcp_gateway.channel': 'rest',
    });
    expect(client.name).to.equal('tools/call echo');
    expect(client.parentSpanContext?.spanId).to.equal(server.spanContext().spanId);
    expect(server.status.code).to.equal(SpanStatusCode.UNSET);
    expect(JSON.stringify(finished.map((span) => span.attributes))).to.not.include(SECRET).and.not.include('"hi"');
  });

  it('marks failed calls as errors and counts calls, errors and durations per server and tool', async function () {
    await httpJson(`${gateway.url}/mcp/invoke?mcp_server=echo`, { body: { tool_name: 'fail' } });
    await httpJson(`${gateway.url}/mcp/invoke?mcp_server=echo`, { body: { tool_name: 'echo', parameters: { text: 'a' } } });
    await gateway.gateway.flushAudit();
    const failed = spans.getFinishedSpans().find((span) => span.kind === SpanKind.SERVER && span.name === 'tools/call echo__fail')!;
    expect(failed.status.code).to.equal(SpanStatusCode.ERROR);
    expect(failed.attributes['error.type']).to.equal('error');

    const { resourceMetrics } = await reader.collect();
    const all = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
    const points = (name: string) => all.find((metric) => metric.descriptor.name === name)!.dataPoints;
    const forTool = (name: string, tool: string) => points(name).filter((point) => point.attributes['gen_ai.tool.name'] === tool && point.attributes['mcp_gateway.event_type'] === 'tool_call');
    expect(forTool('mcp_gateway.errors', 'fail').reduce((sum, point) => sum + (point.value as number), 0)).to.equal(1);
    expect(forTool('mcp_gateway.calls', 'echo').reduce((sum, point) => sum + (point.value as number), 0)).to.be.at.least(2);
    const durations = forTool('mcp.server.operation.duration', 'echo');
    expect(durations[0]!.attributes['mcp_gateway.server']).to.equal('echo');
    expect((durations[0]!.value as Histogram).count).to.be.at.least(2);
    expect(JSON.stringify(all.map((metric) => metric.dataPoints.map((point) => point.attributes)))).to.not.match(/user\.id|request_id|audit_event_id/);
  });

  it('puts a broadcast\'s per-target calls under the broadcast\'s span', async function () {
    const parent = sampleToolCall(0, { event_type: 'broadcast', tool: 'broadcast__search', server: undefined, duration_ms: 30 });
    emitter.emit(sampleToolCall(1, { parent_id: parent.id, server: 'a', tool: 'search', duration_ms: 10 }));
    emitter.emit(sampleToolCall(2, { parent_id: parent.id, server: 'b', tool: 'search', outcome: 'error', error: 'timeout', duration_ms: 25 }));
    emitter.emit(parent);
    await gateway.gateway.flushAudit();
    const finished = spans.getFinishedSpans();
    const root = finished.find((span) => span.name === 'tools/call broadcast__search')!;
    const children = finished.filter((span) => span.parentSpanContext?.spanId === root.spanContext().spanId);
    expect(children.map((span) => span.attributes['mcp_gateway.server']).sort()).to.deep.equal(['a', 'b']);
    expect(children.every((span) => span.kind === SpanKind.CLIENT)).to.equal(true);
    expect(children.find((span) => span.attributes['mcp_gateway.server'] === 'b')!.status).to.deep.equal({ code: SpanStatusCode.ERROR, message: 'timeout' });
  });

  it('sends spans and metrics over OTLP/HTTP when given an endpoint', async function () {
    const received: Array<{ path: string; body: string }> = [];
    const collector: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({ path: req.url ?? '', body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    try {
      const endpoint = `http://127.0.0.1:${(collector.address() as { port: number }).port}`;
      const exporting = await startGateway({ servers: { echo: { type: 'streamable-http', url: backend.url } }, plugins: [auditOtel({ endpoint, serviceName: 'gw-under-test' })] });
      await httpJson(`${exporting.url}/mcp/invoke?mcp_server=echo`, { body: { tool_name: 'echo', parameters: { text: 'x', api_key: SECRET } } });
      await exporting.stop(); // flushes both exporters
      await waitFor(() => received.some((r) => r.path === '/v1/traces') && received.some((r) => r.path === '/v1/metrics'), 'OTLP exports');
      const traces = received.filter((r) => r.path === '/v1/traces').map((r) => r.body).join('');
      expect(traces).to.include('gw-under-test').and.include('tools/call echo__echo');
      expect(received.map((r) => r.body).join('')).to.not.include(SECRET);
    } finally {
      collector.closeAllConnections();
      await new Promise<void>((resolve) => collector.close(() => resolve()));
    }
  });
});
