/**
 * server-everything's `echo` over stdio: the SDK client spawning it directly vs the SDK client → gateway (Streamable
 * HTTP) → server-everything spawned by the gateway. Shows what putting an HTTP gateway in front of a stdio server costs.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { everythingStdio } from '../../test/support/backends.js';
import { defineCase } from '../lib/bench-case.js';
import { compareTargets } from '../lib/compare.js';
import { standardPlan } from '../lib/plans.js';
import { connectHttpClient, echoCall, startGatewayProcess } from '../lib/processes.js';
import { callsServed, latencyTable, processTable, targetChecks, throughputTable } from '../lib/report.js';

const echoed = (message: string) => `Echo: ${message}`;

export default defineCase({
  name: 'echo-stdio',
  description: 'server-everything echo over stdio: SDK client → server directly vs SDK client → gateway (HTTP) → server (stdio)',
  async run({ options, log, defer }) {
    const server = everythingStdio();
    const gateway = await startGatewayProcess({ servers: { everything: server }, ...(options.profileDir ? { profileDir: options.profileDir } : {}) });
    defer(() => gateway.stop());
    const direct = new Client({ name: 'bench-client', version: '1.0.0' });
    await direct.connect(new StdioClientTransport({ command: server.command!, args: server.args!, stderr: 'ignore' }));
    defer(() => direct.close());
    const through = await connectHttpClient(gateway.info.mcpUrl);
    defer(() => through.close());

    const idle = await gateway.stats();
    const comparison = await compareTargets(
      { label: 'direct', call: echoCall(direct, 'echo', echoed) },
      [{ label: 'gateway', call: echoCall(through, 'everything__echo', echoed) }],
      standardPlan(options),
      log,
    );
    const after = await gateway.stats();
    const processes = [{ label: 'gateway', idle, after, calls: callsServed(comparison, 'gateway') }];
    return {
      tables: [
        latencyTable('server-everything echo over stdio — latency', comparison),
        throughputTable('server-everything echo over stdio — throughput (calls/s)', comparison),
        processTable('gateway process (server-everything runs as its child)', processes),
      ],
      checks: targetChecks('echo-stdio', comparison.subjects[0]!),
      data: { comparison, processes },
    };
  },
});
