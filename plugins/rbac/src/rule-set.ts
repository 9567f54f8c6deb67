/**
 * Compiled access rules and their evaluation: deny wins, then allow, then the default. Runs for every listed item,
 * so every glob is compiled once and evaluation is synchronous.
 */
import picomatch from 'picomatch';
import { ConfigError, qualifiedName, type AuthorizeDecision, type AuthorizeInput, type Principal } from '@secure-mcp-gateway/core';
import type { RbacOptions, RbacRule } from './options.js';

type Matcher = (value: string) => boolean;
type ItemKind = 'tools' | 'resources' | 'prompts';

interface CompiledRule {
  label: string;
  effect: 'allow' | 'deny';
  admin: boolean;
  subject: (principal: Principal) => boolean;
  servers?: Matcher;
  items: Partial<Record<ItemKind, Matcher>>;
  /** True when the rule names no tools, resources or prompts: it is about whole servers. */
  serverLevel: boolean;
}

const ITEM_OF_ACTION: Partial<Record<AuthorizeInput['action'], ItemKind>> = { 'tools/call': 'tools', 'resources/read': 'resources', 'prompts/get': 'prompts' };

export class RuleSet {
  private readonly rules: CompiledRule[];

  constructor(private readonly options: Required<RbacOptions>) {
    this.rules = options.rules.map(compile);
  }

  decide(input: AuthorizeInput): AuthorizeDecision | undefined {
    const applicable = this.rules.filter((rule) => rule.subject(input.principal) && (input.action === 'admin' ? rule.admin : !rule.admin && appliesTo(rule, input)));
    const deny = applicable.find((rule) => rule.effect === 'deny');
    if (deny) return { allow: false, reason: `denied by ${deny.label}` };
    if (applicable.some((rule) => rule.effect === 'allow')) return { allow: true };
    // The admin API keeps the core's own guard (access.adminRoles) unless a rule speaks about it.
    if (input.action === 'admin' || this.options.default === 'allow') return undefined;
    return { allow: false, reason: 'no access rule allows it (default deny)' };
  }
}

function appliesTo(rule: CompiledRule, { action, target }: AuthorizeInput): boolean {
  if (rule.servers && (target.server === undefined || !rule.servers(target.server))) return false;
  const kind = ITEM_OF_ACTION[action];
  // server/access: any allow on the server lets the caller use it; only a whole-server deny shuts it.
  if (!kind) return rule.effect === 'allow' || rule.serverLevel;
  if (rule.serverLevel) return true;
  const matcher = rule.items[kind];
  if (!matcher) return false;
  if (kind === 'tools') return matcher(target.tool ?? '') || (target.server !== undefined && matcher(qualifiedName(target.server, target.tool ?? '')));
  return matcher((kind === 'resources' ? target.resource : target.prompt) ?? '');
}

function compile(rule: RbacRule, index: number): CompiledRule {
  const label = `rbac rule ${index}${rule.description ? ` ("${rule.description}")` : ''}`;
  const items: Partial<Record<ItemKind, Matcher>> = {};
  for (const kind of ['tools', 'resources', 'prompts'] as const) if (rule[kind]) items[kind] = kind === 'resources' ? glob(rule[kind]) : nameGlob(rule[kind]);
  const serverLevel = Object.keys(items).length === 0;
  if (rule.admin && (rule.servers || !serverLevel)) throw new ConfigError('an admin rule cannot also name servers, tools, resources or prompts', `plugins.rbac.rules.${index}`);
  return {
    label,
    effect: rule.effect,
    admin: rule.admin === true,
    subject: subjectMatcher(rule),
    ...(rule.servers ? { servers: glob(rule.servers) } : {}),
    items,
    serverLevel,
  };
}

function subjectMatcher(rule: RbacRule): (principal: Principal) => boolean {
  const { roles, scopes, users } = rule;
  return (principal) =>
    (!roles || roles.some((role) => principal.roles.includes(role))) &&
    (!scopes || scopes.some((scope) => principal.scopes.includes(scope))) &&
    (!users || users.includes(principal.sub) || users.includes(principal.username));
}

function glob(patterns: string[]): Matcher {
  return picomatch(patterns, { dot: true });
}

/** Stands in for "/" while matching: a control character, which no name the gateway offers contains. */
const SLASH_STAND_IN = '\u0000';

/**
 * Tool and prompt names are not paths: "/" in them is an ordinary character that `*` matches too, or a deny such as
 * `*delete*` would miss `admin/delete_user`.
 */
function nameGlob(patterns: string[]): Matcher {
  const match = glob(patterns.map((pattern) => pattern.replaceAll('/', SLASH_STAND_IN)));
  return (value) => match(value.replaceAll('/', SLASH_STAND_IN));
}
