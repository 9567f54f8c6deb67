/**
 * The operators' bundle, checked without a Docker engine (none runs here): `docker compose config` validates and
 * resolves docker-compose.yml; the Dockerfile, Makefile and .env.example are checked for what operators rely on.
 * Every variable of .env.example is read by the env-driven config, and copying it as is must not break start-up.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { readEnvConfig } from '@secure-mcp-gateway/core';

const run = promisify(execFile);
const ROOT = new URL('..', import.meta.url).pathname;
const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');

/** `docker compose` when the plugin is installed, else the standalone `docker-compose`; fails clearly when neither is. */
async function composeConfig(): Promise<string> {
  const attempts: Array<[string, string[]]> = [['docker', ['compose', 'config']], ['docker-compose', ['config']]];
  const failures: string[] = [];
  for (const [command, args] of attempts) {
    try {
      return (await run(command, args, { cwd: ROOT, timeout: 30_000, env: { PATH: process.env['PATH'] ?? '' } })).stdout;
    } catch (error) {
      const { stderr, message } = error as { stderr?: string; message: string };
      if (stderr && /docker-compose\.yml|invalid|yaml/i.test(stderr)) throw new Error(`${command} ${args.join(' ')} rejected the compose file:\n${stderr}`);
      failures.push(`${command} ${args.join(' ')}: ${(stderr || message).trim().split('\n')[0]}`);
    }
  }
  throw new Error(`no Docker Compose CLI to validate docker-compose.yml (install the docker compose plugin or docker-compose):\n${failures.join('\n')}`);
}

/** KEY=value lines, comments and blanks skipped. */
function parseDotenv(text: string): Record<string, string> {
  const entries = text.split('\n').filter((line) => /^[A-Z][A-Z0-9_]*=/.test(line)).map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]);
  return Object.fromEntries(entries);
}

interface ComposeService {
  image?: string;
  ports?: Array<string | { published: number | string; target: number }>;
  healthcheck?: { test: unknown };
  depends_on?: Record<string, { condition: string }>;
  environment?: Record<string, string>;
  volumes?: Array<string | { source: string; target: string }>;
}

describe('operators\' bundle: compose, Dockerfile, Makefile, .env.example', function () {
  let services: Record<string, ComposeService>;

  before(async function () {
    services = (parseYaml(await composeConfig()) as { services: Record<string, ComposeService> }).services;
  });

  it('docker compose config accepts the file: gateway, Keycloak, PostgreSQL and a demo backend, each health-checked', function () {
    expect(Object.keys(services).sort()).to.deep.equal(['demo-backend', 'gateway', 'keycloak', 'postgres']);
    for (const [name, service] of Object.entries(services)) expect(service.healthcheck?.test, `${name} health check`).to.not.equal(undefined);
    const published = (service: ComposeService) => (service.ports ?? []).map((port) => (typeof port === 'string' ? port : `${port.published}:${port.target}`));
    expect(published(services['gateway']!)).to.include.members(['8000:8000', '5173:8000']);
    expect(published(services['keycloak']!).join()).to.include('8080:8080');
    expect(published(services['postgres']!).join()).to.include('5432:5432');
  });

  it('starts in order: PostgreSQL, then Keycloak and the backend, then the gateway, each waiting for health', function () {
    expect(services['keycloak']!.depends_on).to.deep.equal({ postgres: { condition: 'service_healthy' } });
    expect(services['gateway']!.depends_on).to.deep.equal({
      postgres: { condition: 'service_healthy' }, keycloak: { condition: 'service_healthy' }, 'demo-backend': { condition: 'service_healthy' },
    });
  });

  it('wires the services together: PostgreSQL users and databases, the realm import, the gateway\'s variables', function () {
    expect(services['postgres']!.environment).to.include({ POSTGRES_USER: 'mcp_user', POSTGRES_PASSWORD: 'mcp_password', POSTGRES_DB: 'mcp_gateway' });
    expect(read('docker/postgres/init-databases.sh')).to.include('CREATE DATABASE keycloak');
    expect(services['keycloak']!.environment).to.include({ KC_DB_URL: 'jdbc:postgresql://postgres:5432/keycloak' });
    const keycloakVolumes = JSON.stringify(services['keycloak']!.volumes);
    expect(keycloakVolumes).to.include('/keycloak').and.include('/opt/keycloak/data/import');
    const gatewayEnv = services['gateway']!.environment!;
    expect(gatewayEnv).to.include({ HOST: '0.0.0.0', AUTH_ENABLED: 'true', KEYCLOAK_INTERNAL_URL: 'http://keycloak:8080', DATABASE_URL: 'postgresql://mcp_user:mcp_password@postgres:5432/mcp_gateway' });
    const servers = parseYaml(read('docker/gateway/mcp_servers.yaml')) as { servers: Record<string, { url?: string }> };
    expect(servers.servers['everything']?.url).to.equal('http://demo-backend:3001/mcp');
    // The compose environment must itself be a valid gateway environment.
    expect(() => readEnvConfig(gatewayEnv)).to.not.throw();
  });

  it('builds a small, non-root, health-checked image in stages', function () {
    const dockerfile = read('Dockerfile');
    expect(dockerfile.match(/^FROM /gm)).to.have.length(2);
    expect(dockerfile).to.match(/^USER node$/m).and.match(/^HEALTHCHECK /m).and.include('npm prune --omit=dev');
    // examples/ is not in the build context, so the image compiles the core and plugins by name, not the root tsconfig.
    expect(read('.dockerignore')).to.match(/^examples$/m);
    expect(dockerfile).to.match(/^RUN npx tsc -b core plugins\/\* /m);
    const ignored = read('.dockerignore');
    expect(ignored).to.include('**/node_modules').and.include('.git').and.match(/^\.env$/m);
  });

  it('.env.example: every variable is one the config reads, and copying it as .env starts cleanly', function () {
    const example = parseDotenv(read('.env.example'));
    const sources = read('core/src/config/env-config.ts') + read('docker-compose.yml');
    for (const name of Object.keys(example)) expect(sources, `${name} is documented but read nowhere`).to.include(name);
    const readByConfig = [...read('core/src/config/env-config.ts').matchAll(/read\.\w+\('([A-Z_]+)'/g)].map((match) => match[1]!);
    for (const name of readByConfig) expect(example, `${name} is read but missing from .env.example`).to.have.property(name);
    const config = readEnvConfig(example);
    expect(config.jwt).to.deep.include({ keycloakUrl: 'http://localhost:8080', realm: 'mcp-gateway', audience: 'mcp-gateway' });
    expect(config).to.include({ auditFile: 'audit.jsonl', port: 8000, broadcast: true });
  });

  it('names the variable of a wrong or missing value', function () {
    expect(() => readEnvConfig({ PORT: '99999' })).to.throw(/^PORT: must be a port number/);
    expect(() => readEnvConfig({ AUTH_ENABLED: 'maybe' })).to.throw(/^AUTH_ENABLED: must be true or false/);
    expect(() => readEnvConfig({ AUTH_ENABLED: 'true' })).to.throw(/^KEYCLOAK_URL: AUTH_ENABLED=true needs KEYCLOAK_URL/);
    let message = '';
    try {
      readEnvConfig({ DATABASE_URL: 'mysql://u:hunter22@db/x' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).to.match(/^DATABASE_URL: .*\[REDACTED\]@db/);
    expect(message).to.not.include('hunter22');
    expect(() => readEnvConfig({ KEYCLOAK_URL: 'http://kc', JWT_ALGORITHM: 'HS256' })).to.throw(/^JWT_ALGORITHM:/);
    expect(readEnvConfig({})).to.deep.include({ host: '127.0.0.1', port: 8000, serversFile: './mcp_servers.yaml' });
    expect(readEnvConfig({}).jwt).to.equal(undefined);
  });

  it('make help lists every target; Docker targets say so clearly when there is no engine', async function () {
    const help = await run('make', ['help'], { cwd: ROOT });
    for (const target of ['all', 'help', 'test', 'test-auth', 'keycloak-setup', 'logs', 'clean']) expect(help.stdout).to.match(new RegExp(`make ${target}\\s`));
    const engine = await run('docker', ['info'], { timeout: 15_000 }).then(() => true, () => false);
    if (engine) {
      const plan = await run('make', ['-n', 'smoke'], { cwd: ROOT });
      expect(plan.stdout).to.include('core/dist/cli.js token');
    } else {
      const smoke = await run('make', ['smoke'], { cwd: ROOT }).then(() => ({ code: 0, stderr: '' }), (error: { code: number; stderr: string }) => error);
      expect(smoke.code).to.not.equal(0);
      expect(smoke.stderr).to.match(/needs (a running Docker engine|Docker)/);
    }
  });
});
