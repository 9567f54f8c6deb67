/**
 * The operator documentation stays true to the code it describes: the configuration reference names every option of
 * the gateway config schema, every servers-file field and every variable of .env.example, and relative links in the
 * docs, the README and the examples' READMEs lead to files that exist.
 */
import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
interface SchemaNode {
  properties?: Record<string, SchemaNode>;
  anyOf?: SchemaNode[];
}
const schema = (path: string) => JSON.parse(read(path)) as Required<Pick<SchemaNode, 'properties'>>;
/** An object schema's fields, also when it is one branch of an `anyOf` (e.g. "object or null"). */
const fieldsOf = (node: SchemaNode) => Object.keys(node.properties ?? node.anyOf?.find((branch) => branch.properties)?.properties ?? {});

/** Every `NAME=` line of .env.example. */
const envVariables = () => read('.env.example').split('\n').filter((line) => /^[A-Z][A-Z0-9_]*=/.test(line)).map((line) => line.slice(0, line.indexOf('=')));

describe('operator documentation', function () {
  const reference = read('docs/CONFIGURATION.md');

  it('CONFIGURATION.md documents every option of the gateway config', function () {
    const { properties } = schema('core/src/config/gateway-config.schema.json');
    for (const [section, definition] of Object.entries(properties)) {
      expect(reference, section).to.include(`### \`${section}\``);
      for (const option of fieldsOf(definition)) expect(reference, `${section}.${option}`).to.include(`| \`${option}\` |`);
    }
  });

  it('CONFIGURATION.md documents every field of a server and of its auth block', function () {
    const { properties } = schema('core/src/config/server-config.schema.json');
    for (const field of Object.keys(properties)) expect(reference, field).to.match(new RegExp(`\\| [^|\\n]*\`${field}\``));
    const auth = fieldsOf(properties['auth']!);
    expect(auth).to.include.members(['method', 'location', 'format', 'credential_ref']);
    for (const field of auth) expect(reference, `auth.${field}`).to.match(new RegExp(`\\| [^|\\n]*\`${field}\``));
  });

  it('CONFIGURATION.md documents every variable of .env.example', function () {
    const variables = envVariables();
    expect(variables.length).to.be.greaterThan(25);
    for (const variable of variables) expect(reference, variable).to.match(new RegExp(`\\| [^|\\n]*\`${variable}\``));
  });

  it('relative links in the docs, the README and the examples lead to existing files', function () {
    const documents = [
      'README.md',
      ...readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`),
      'examples/README.md', 'examples/custom-gateway/README.md', 'examples/plugins/client-tag/README.md',
    ];
    const broken: string[] = [];
    for (const document of documents) {
      for (const [, target] of read(document).matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^(https?:|mailto:|#)/.test(target!)) continue;
        const path = resolve(ROOT, dirname(document), target!.split('#')[0]!);
        if (!existsSync(path)) broken.push(`${document} → ${target}`);
      }
    }
    expect(broken).to.deep.equal([]);
  });
});
