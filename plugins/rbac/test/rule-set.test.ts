import { expect } from 'chai';
import { anonymousPrincipal, type AuthorizeInput, type Principal } from '@secure-mcp-gateway/core';
import { RuleSet, type RbacOptions } from '@secure-mcp-gateway/plugin-rbac';

const user = (roles: string[], extra: Partial<Principal> = {}): Principal => ({ ...anonymousPrincipal(roles), sub: 'u-1', username: 'alice', ...extra });
const call = (principal: Principal, server: string | undefined, tool: string): AuthorizeInput => ({ principal, action: 'tools/call', target: { ...(server ? { server } : {}), tool } });

function rules(options: RbacOptions) {
  return new RuleSet({ default: 'deny', rules: [], ...options });
}

describe('rbac rule set', function () {
  const set = rules({
    rules: [
      { effect: 'allow', roles: ['mcp-user'], servers: ['dev-*'] },
      { effect: 'allow', roles: ['mcp-admin'] },
      { effect: 'deny', tools: ['*__delete_*'], description: 'no deletes' },
      { effect: 'deny', roles: ['mcp-user'], servers: ['dev-secret'] },
      { effect: 'allow', users: ['bob'], tools: ['prod-db__query'] },
      { effect: 'allow', scopes: ['files:read'], resources: ['file:///public/**'] },
      { effect: 'allow', roles: ['mcp-admin'], admin: true },
      { effect: 'deny', users: ['mallory'], admin: true },
    ],
  });

  it('allows by role and server glob, denies by default', function () {
    expect(set.decide(call(user(['mcp-user']), 'dev-1', 'echo'))).to.deep.equal({ allow: true });
    expect(set.decide(call(user(['mcp-user']), 'prod-1', 'echo'))).to.deep.include({ allow: false, reason: 'no access rule allows it (default deny)' });
    expect(set.decide(call(user([]), 'dev-1', 'echo'))?.allow).to.equal(false);
  });

  it('lets deny win over allow, naming the rule', function () {
    expect(set.decide(call(user(['mcp-admin']), 'prod-1', 'delete_all'))).to.deep.equal({ allow: false, reason: 'denied by rbac rule 2 ("no deletes")' });
    expect(set.decide(call(user(['mcp-user']), 'dev-secret', 'echo'))?.allow).to.equal(false);
    expect(set.decide(call(user(['mcp-admin']), 'dev-secret', 'echo'))?.allow).to.equal(true);
  });

  it('matches users by username or sub, and tools by gateway name or backend name', function () {
    expect(set.decide(call(user([], { username: 'bob' }), 'prod-db', 'query'))?.allow).to.equal(true);
    expect(set.decide(call(user([], { sub: 'bob' }), 'prod-db', 'query'))?.allow).to.equal(true);
    expect(set.decide(call(user([], { username: 'bob' }), 'prod-db', 'drop'))?.allow).to.equal(false);
    expect(set.decide(call(user([], { username: 'bob' }), 'other', 'query'))?.allow).to.equal(false);
  });

  it('gives server access to anyone allowed something on the server, and shuts it only with a whole-server deny', function () {
    const access = (principal: Principal, server: string): AuthorizeInput => ({ principal, action: 'server/access', target: { server } });
    expect(set.decide(access(user([], { username: 'bob' }), 'prod-db'))?.allow).to.equal(true);
    expect(set.decide(access(user(['mcp-admin']), 'any'))?.allow).to.equal(true); // the tool-level deny does not shut servers
    expect(set.decide(access(user(['mcp-user']), 'dev-secret'))?.allow).to.equal(false);
    expect(set.decide(access(user(['mcp-user']), 'prod-1'))?.allow).to.equal(false);
  });

  it('matches resources with globs that cross "/" and by scope', function () {
    const read = (principal: Principal, resource: string): AuthorizeInput => ({ principal, action: 'resources/read', target: { server: 'files', resource } });
    expect(set.decide(read(user([], { scopes: ['files:read'] }), 'file:///public/a/b.txt'))?.allow).to.equal(true);
    expect(set.decide(read(user([], { scopes: ['files:read'] }), 'file:///private/x'))?.allow).to.equal(false);
    expect(set.decide({ principal: user([], { scopes: ['files:read'] }), action: 'prompts/get', target: { server: 'files', prompt: 'p' } })?.allow).to.equal(false);
  });

  it('speaks about the admin API only through admin rules, otherwise leaves it to the core', function () {
    const admin = (principal: Principal): AuthorizeInput => ({ principal, action: 'admin', target: {} });
    expect(set.decide(admin(user(['mcp-admin'])))).to.deep.equal({ allow: true });
    expect(set.decide(admin(user(['mcp-admin'], { username: 'mallory' })))?.allow).to.equal(false);
    expect(set.decide(admin(user(['mcp-user'])))).to.equal(undefined);
  });

  it('has no opinion when nothing matches and the default is allow', function () {
    const open = rules({ default: 'allow', rules: [{ effect: 'deny', servers: ['prod-*'] }] });
    expect(open.decide(call(user([]), 'dev', 'x'))).to.equal(undefined);
    expect(open.decide(call(user([]), 'prod-1', 'x'))?.allow).to.equal(false);
  });

  it('matches generated tools (no server) only by rules without servers', function () {
    expect(set.decide(call(user(['mcp-user']), undefined, 'broadcast__search'))?.allow).to.equal(false);
    expect(set.decide(call(user(['mcp-admin']), undefined, 'broadcast__search'))?.allow).to.equal(true);
  });

  it('refuses an admin rule that also names targets', function () {
    expect(() => rules({ rules: [{ effect: 'allow', admin: true, servers: ['x'] }] })).to.throw(/admin rule/);
  });
});
