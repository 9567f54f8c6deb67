import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGateway } from '@secure-mcp-gateway/core';
import fileCredentials from '@secure-mcp-gateway/plugin-file-credentials';
import { readSecretFile, watchSecretFile } from '../src/secret-file.js';
import { waitFor } from '../../../test/support/wait.js';

describe('file-credentials: reading and watching a secret file', function () {
  let dir: string;

  before(async function () {
    dir = await mkdtemp(join(tmpdir(), 'file-credentials-'));
  });

  after(async function () {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the first line, trimmed, whatever the line endings', async function () {
    const file = join(dir, 'crlf');
    await writeFile(file, '\t s3cret \r\nsecond\r\n');
    expect(await readSecretFile(file)).to.equal('s3cret');
  });

  it('names the path and the reason, never the content', async function () {
    await writeFile(join(dir, 'blank'), '   \nnot-the-secret\n');
    for (const [path, reason] of [[join(dir, 'missing'), 'does not exist'], [dir, 'is a directory'], [join(dir, 'blank'), 'is empty']] as const) {
      const error = await readSecretFile(path).then(() => undefined, (failure: Error) => failure);
      expect(error?.message).to.include(path).and.include(reason).and.not.include('not-the-secret');
    }
  });

  it('reports a change of the first line once, and ignores writes that keep it', async function () {
    const file = join(dir, 'watched');
    await writeFile(file, 'one\n');
    let changes = 0;
    const stop = watchSecretFile(file, 'one', 0, () => changes++);
    try {
      await writeFile(file, 'one\na comment added below\n');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(changes).to.equal(0);
      await writeFile(file, 'two\n');
      await waitFor(() => changes === 1, 'the change to be reported');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(changes).to.equal(1);
    } finally {
      stop();
    }
  });

  it('falls back to polling, and stops reporting once unsubscribed', async function () {
    const file = join(dir, 'polled');
    await writeFile(file, 'a\n');
    let changes = 0;
    const stop = watchSecretFile(file, 'changed-before-watching', 100, () => changes++);
    await waitFor(() => changes === 1, 'the poll to see a different value');
    stop();
    await writeFile(file, 'b\n');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(changes).to.equal(1);
  });

  it('refuses a polling interval that would spin (between 0 and 1 second) at start-up', async function () {
    const error = await createGateway({ servers: {}, plugins: [fileCredentials({ pollIntervalSeconds: 0.001 })] }).then(() => undefined, (failure: Error) => failure);
    expect(error?.message).to.match(/plugins\.file-credentials\.pollIntervalSeconds/);
  });
});
