import { expect } from 'chai';
import { ConfigError, createGateway, gatewaySettingsFrom, readEnvConfig } from '@secure-mcp-gateway/core';
import auditOtel from '@secure-mcp-gateway/plugin-audit-otel';

describe('audit.failClosed', function () {
  it('stops start-up, naming the option, when only a non-durable sink (audit-otel) is configured', async function () {
    const error = await createGateway({ servers: {}, audit: { failClosed: true }, plugins: [auditOtel()] }).then(() => undefined, (caught: unknown) => caught);
    expect(error).to.be.instanceOf(ConfigError);
    expect((error as Error).message).to.include('audit.failClosed').and.include('durable audit sink').and.include('only forward events');
  });

  it('stops start-up when no audit sink is configured at all', async function () {
    const error = await createGateway({ servers: {}, audit: { failClosed: true }, plugins: [] }).then(() => undefined, (caught: unknown) => caught);
    expect((error as Error).message).to.include('audit.failClosed').and.include('no audit sink is configured');
  });

  it('is read from AUDIT_FAIL_CLOSED by the shipped config, off by default', function () {
    expect(gatewaySettingsFrom(readEnvConfig({ AUDIT_FAIL_CLOSED: 'true' })).audit).to.deep.equal({ failClosed: true });
    expect(gatewaySettingsFrom(readEnvConfig({})).audit).to.deep.equal({ failClosed: false });
    expect(() => readEnvConfig({ AUDIT_FAIL_CLOSED: 'sometimes' })).to.throw(/^AUDIT_FAIL_CLOSED: must be true or false/);
  });
});
