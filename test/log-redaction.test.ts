/**
 * What the gateway cannot know is a secret but must not write down: a plugin's or a library's error quoting a
 * password or a URL with credentials reaches neither the operational log nor the audit trail as it was.
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { definePlugin, redactCredentialsIn } from '@secure-mcp-gateway/core';
import { everythingStdio } from './support/backends.js';
import { httpJson } from './support/client.js';
import type { RunningGateway } from './support/gateway.js';
import { watchForSecretLeaks } from './support/secret-leak-watch.js';

describe('redaction of credentials the gateway never resolved', function () {
  const leaks = watchForSecretLeaks();
  const password = leaks.secret(`pw-${randomBytes(8).toString('hex')}`);
  const urlPassword = leaks.secret(`up-${randomBytes(8).toString('hex')}`);
  const failure = `cannot reach the policy store postgres://policy:${urlPassword}@db:5432/rules (user=policy password=${password})`;
  let gateway: RunningGateway;

  const brokenPolicy = definePlugin<object>({
    name: 'broken-policy',
    setup(context) {
      context.hooks.authorize((input) => {
        if (input.action === 'tools/call') throw new Error(failure);
        return undefined;
      });
    },
  });

  before(async function () {
    gateway = await leaks.startGateway({ servers: { everything: everythingStdio() }, plugins: [brokenPolicy()] });
  });

  after(async function () {
    await gateway?.stop();
    leaks.stop();
  });

  it('keeps them out of the log and the audit event of the failed call, which still say what failed', async function () {
    const response = await httpJson(`${gateway.url}/mcp/invoke?mcp_server=everything`, { method: 'POST', body: { tool_name: 'echo', parameters: { message: 'x' } } });
    leaks.record(response.body);
    expect(response.status).to.equal(500);
    await gateway.gateway.flushAudit();
    const event = leaks.audit.events.find((e) => e.event_type === 'tool_call' && e.outcome === 'error');
    expect(event?.error).to.equal('plugin "broken-policy" failed in hook "authorize": cannot reach the policy store postgres://[REDACTED]@db:5432/rules (user=policy password=[REDACTED])');
    expect(leaks.counts().logLines).to.be.greaterThan(0);
    expect(leaks.leaksOf()).to.deep.equal([]);
  });

  it('leaves ordinary prose alone', function () {
    expect(redactCredentialsIn('invalid token: expired; see https://example.org/docs')).to.equal('invalid token: expired; see https://example.org/docs');
    expect(redactCredentialsIn('api_key="a b" token=xyz&secret=1')).to.equal('api_key=[REDACTED] token=[REDACTED]&secret=[REDACTED]');
  });
});
