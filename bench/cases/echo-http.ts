/**
 * The gateway's own cost: an SDK echo server over Streamable HTTP, called by the SDK client directly, through a bare
 * SDK pass-through (the floor for any SDK-based proxy) and through the gateway (`echo__echo`), taking turns in one
 * run. Backend, pass-through and gateway each run in their own process.
 */
import { defineCase } from '../lib/bench-case.js';
import { compareTargets } from '../lib/compare.js';
import { standardPlan } from '../lib/plans.js';
import { connectHttpClient, echoCall, startEchoBackends, startGatewayProcess, startSdkProxy } from '../lib/processes.js';
import { callsServed, latencyTable, processTable, targetChecks, throughputTable } from '../lib/report.js';

export default defineCase({
  name: 'echo-http',
  description: 'echo over Streamable HTTP: SDK client → backend directly, → bare SDK proxy → backend, → gateway → backend',
  async run({ options, log, defer }) {
    const backends = await startEchoBackends([0]);
    defer(() => backends.stop());
    const backendUrl = backends.info.urls[0]!;
    const proxy = await startSdkProxy(backendUrl);
    defer(() => proxy.stop());
    const gateway = await startGatewayProcess({
      servers: { echo: { type: 'streamable-http', url: backendUrl, timeout: 30 } },
      ...(options.profileDir ? { profileDir: options.profileDir } : {}),
    });
    defer(() => gateway.stop());
    const [direct, viaProxy, viaGateway] = await Promise.all([connectHttpClient(backendUrl), connectHttpClient(proxy.info.url), connectHttpClient(gateway.info.mcpUrl)]);
    for (const client of [direct, viaProxy, viaGateway]) defer(() => client.close());

    const idle = await Promise.all([backends.stats(), proxy.stats(), gateway.stats()]);
    const comparison = await compareTargets(
      { label: 'direct', call: echoCall(direct, 'echo') },
      [{ label: 'sdk-proxy', call: echoCall(viaProxy, 'echo') }, { label: 'gateway', call: echoCall(viaGateway, 'echo__echo') }],
      standardPlan(options),
      log,
    );
    const after = await Promise.all([backends.stats(), proxy.stats(), gateway.stats()]);
    const served = (label: string) => callsServed(comparison, label);
    const processes = [
      // The backend serves every target's calls.
      { label: 'backend', idle: idle[0], after: after[0], calls: served('direct') + served('sdk-proxy') + served('gateway') },
      { label: 'sdk-proxy', idle: idle[1], after: after[1], calls: served('sdk-proxy') },
      { label: 'gateway', idle: idle[2], after: after[2], calls: served('gateway') },
    ];
    const gatewayResult = comparison.subjects.find((s) => s.label === 'gateway')!;
    return {
      tables: [
        latencyTable('echo over Streamable HTTP — latency', comparison),
        throughputTable('echo over Streamable HTTP — throughput (calls/s)', comparison),
        processTable('processes (each a child of the bench; the gateway built with createGateway, no plugins)', processes),
      ],
      checks: targetChecks('echo-http', gatewayResult),
      data: { comparison, processes },
    };
  },
});
