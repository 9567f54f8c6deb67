/**
 * A relative `file` (or AUDIT_LOG_FILE) is resolved from the config file's directory, as the servers file is, so a
 * gateway started from another working directory writes where its config says.
 */
import { access, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { createGateway, loadConfig } from '@secure-mcp-gateway/core';
import { auditEmitter, sampleToolCall } from '../../../test/support/audit-emitter.js';

const CONFIG = (options: string) =>
  `logging: { level: error }\nserver: { host: 127.0.0.1, port: 0 }\nplugins:\n  - package: "@secure-mcp-gateway/plugin-audit-file"\n    options: ${options}\n`;

describe('audit-file: a relative file path', function () {
  let dir: string;
  let configDir: string;

  beforeEach(async function () {
    dir = await mkdtemp(join(tmpdir(), 'audit-file-relative-'));
    configDir = join(dir, 'config');
    await mkdir(configDir);
  });

  afterEach(async function () {
    delete process.env['AUDIT_LOG_FILE'];
    await rm(dir, { recursive: true, force: true });
  });

  /** Loads the config file as `mcp-gateway start --config` does (the working directory stays elsewhere) and writes one event. */
  async function writeOneEvent(options: string): Promise<void> {
    const file = join(configDir, 'gateway.config.yaml');
    await writeFile(file, CONFIG(options));
    const config = await loadConfig({ explicitPath: file });
    const emitter = auditEmitter();
    const gateway = await createGateway({ ...config, plugins: [emitter.plugin, ...config.plugins] });
    await gateway.start();
    emitter.emit(sampleToolCall(1));
    await gateway.stop();
  }

  it('is resolved from the config file\'s directory, not the working directory', async function () {
    expect(process.cwd()).not.to.equal(configDir);
    await writeOneEvent('{ file: logs/audit.jsonl }');
    const line = JSON.parse(await readFile(join(configDir, 'logs', 'audit.jsonl'), 'utf8')) as Record<string, unknown>;
    expect(line).to.include({ request_id: 'req-1' });
    const inWorkingDir = await access(join(process.cwd(), 'logs', 'audit.jsonl')).then(() => true, () => false);
    expect(inWorkingDir, 'a file in the working directory').to.equal(false);
  });

  it('from AUDIT_LOG_FILE too', async function () {
    process.env['AUDIT_LOG_FILE'] = 'from-env.jsonl';
    await writeOneEvent('{}');
    expect(await readFile(join(configDir, 'from-env.jsonl'), 'utf8')).to.include('"request_id":"req-1"');
  });
});
