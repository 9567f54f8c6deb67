import { mkdir, readdir, readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import auditFile, { auditFile as namedAuditFile } from '@secure-mcp-gateway/plugin-audit-file';
import { auditEmitter, sampleToolCall } from '../../../test/support/audit-emitter.js';
import { httpJson } from '../../../test/support/client.js';
import { startGateway } from '../../../test/support/gateway.js';
import { waitFor } from '../../../test/support/wait.js';

/** Every JSON line of every file in `dir` except the rotation bookkeeping (dot files). */
async function readLines(dir: string): Promise<Array<Record<string, unknown>>> {
  const files = (await readdir(dir)).filter((file) => !file.startsWith('.'));
  const lines: Array<Record<string, unknown>> = [];
  for (const file of files) {
    for (const line of (await readFile(join(dir, file), 'utf8')).split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
  }
  return lines;
}

describe('audit-file plugin', function () {
  let dir: string;

  beforeEach(async function () {
    dir = await mkdtemp(join(tmpdir(), 'audit-file-'));
  });

  afterEach(async function () {
    await rm(dir, { recursive: true, force: true });
  });

  it('exports the factory as default and named', function () {
    expect(auditFile).to.equal(namedAuditFile);
    expect(auditFile().name).to.equal('audit-file');
  });

  it('writes each event as one JSON line, in order, and has it on disk once the gateway stops', async function () {
    const emitter = auditEmitter();
    const file = join(dir, 'audit.jsonl');
    const gateway = await startGateway({ servers: {}, plugins: [emitter.plugin, auditFile({ file })] });
    const sent = Array.from({ length: 200 }, (_, i) => sampleToolCall(i));
    for (const event of sent) emitter.emit(event);
    await gateway.stop();
    const lines = await readLines(dir);
    expect(lines.map((line) => line['id'])).to.deep.equal(sent.map((event) => event.id));
    expect(lines[7]).to.deep.include({ event_type: 'tool_call', request_id: 'req-7', tool: 'echo', outcome: 'success' });
    expect(lines[7]!['timestamp']).to.match(/^\d{4}-\d\d-\d\dT/);
  });

  it('loses no line across many size rotations', async function () {
    this.timeout(20_000);
    const emitter = auditEmitter();
    const gateway = await startGateway({ servers: {}, plugins: [emitter.plugin, auditFile({ file: join(dir, 'audit.jsonl'), rotation: { maxSize: '20k' } })] });
    const sent = Array.from({ length: 5000 }, (_, i) => sampleToolCall(i));
    for (const [index, event] of sent.entries()) {
      emitter.emit(event);
      if (index % 500 === 0) await gateway.gateway.flushAudit(); // let rotations happen while events keep coming
    }
    await gateway.stop();
    const files = (await readdir(dir)).filter((name) => !name.startsWith('.'));
    expect(files.length, 'rotated files').to.be.greaterThan(10);
    const ids = (await readLines(dir)).map((line) => line['id']);
    expect(ids).to.have.length(5000);
    expect(new Set(ids)).to.deep.equal(new Set(sent.map((event) => event.id)));
  });

  it('takes the file from AUDIT_LOG_FILE when the option is absent', async function () {
    const file = join(dir, 'from-env.jsonl');
    process.env['AUDIT_LOG_FILE'] = file;
    try {
      const emitter = auditEmitter();
      const gateway = await startGateway({ servers: {}, plugins: [emitter.plugin, auditFile()] });
      emitter.emit(sampleToolCall(1));
      await gateway.stop();
      expect((await readFile(file, 'utf8')).trim().split('\n')).to.have.length(1);
    } finally {
      delete process.env['AUDIT_LOG_FILE'];
    }
  });

  it('copies each line to standard output when AUDIT_TO_STDOUT is "true"', async function () {
    process.env['AUDIT_TO_STDOUT'] = 'true';
    const written: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    try {
      const emitter = auditEmitter();
      const gateway = await startGateway({ servers: {}, plugins: [emitter.plugin, auditFile({ file: join(dir, 'audit.jsonl') })] });
      // Captured, not printed, while the event is written.
      process.stdout.write = ((chunk: string | Uint8Array) => written.push(String(chunk)) > 0) as typeof process.stdout.write;
      const event = sampleToolCall(1);
      emitter.emit(event);
      await gateway.gateway.flushAudit();
      await gateway.stop();
      process.stdout.write = write;
      const lines = written.join('').split('\n').filter((line) => line.includes(event.id));
      expect(lines).to.have.length(1);
      expect(JSON.parse(lines[0]!)).to.deep.include({ id: event.id, request_id: 'req-1' });
      expect((await readFile(join(dir, 'audit.jsonl'), 'utf8')).trim().split('\n')).to.have.length(1);
    } finally {
      process.stdout.write = write;
      delete process.env['AUDIT_TO_STDOUT'];
    }
  });

  it('refuses bad options at start-up, naming the field', async function () {
    const error = await startGateway({ servers: {}, plugins: [auditFile({ rotation: { maxSize: 'huge' } })] }).then(() => undefined, (e: Error) => e);
    expect(error?.message).to.match(/rotation\/maxSize|rotation\.maxSize/);
  });

  it('with audit.failClosed, refuses calls while its directory cannot be written, and serves again once the file can be opened anew', async function () {
    const logs = join(dir, 'logs');
    const file = join(logs, 'audit.jsonl');
    const emitter = auditEmitter();
    const gateway = await startGateway({ servers: {}, audit: { failClosed: true }, plugins: [emitter.plugin, auditFile({ file })] });
    try {
      const config = () => httpJson(`${gateway.url}/config`, { headers: { 'x-request-id': 'admin-read' } });
      expect((await config()).status).to.equal(200);
      // Root ignores permissions: the directory is replaced by a plain file instead.
      await rm(logs, { recursive: true });
      await writeFile(logs, 'not a directory');
      await waitFor(async () => (await config()).status === 503, 'calls to be refused', 5_000);
      const refused = await config();
      expect(refused.body.message).to.include('audit-file: the audit file cannot be written').and.include('audit.failClosed');
      const health = await httpJson(`${gateway.url}/health`);
      expect(health.status).to.equal(503);
      expect(health.body.plugins['audit-file'].status).to.equal('degraded');
      expect(health.body.audit_sink_failures['audit-file'].count, 'each refusal was handed to the sink').to.be.at.least(1);
      await rm(logs);
      await mkdir(logs);
      await waitFor(async () => (await config()).status === 200, 'calls to be served again', 5_000);
      const after = sampleToolCall(1);
      emitter.emit(after);
      await waitFor(async () => (await readFile(file, 'utf8').catch(() => '')).includes(after.id!), 'the next event in the new file', 5_000);
    } finally {
      await gateway.stop();
    }
  });

});
