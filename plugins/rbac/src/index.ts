/**
 * rbac: allow/deny rules by role, scope or user for servers, tools, resources and prompts, with globs. Deny wins;
 * when nothing matches, the configured default decides. The core asks for every call and every listed item, so
 * callers see only what they may use.
 */
import { definePlugin } from '@secure-mcp-gateway/core';
import { optionsSchema, type RbacOptions } from './options.js';
import { RuleSet } from './rule-set.js';

export type { RbacOptions, RbacRule } from './options.js';
export { RuleSet } from './rule-set.js';

export const rbac = definePlugin<RbacOptions>({
  name: 'rbac',
  optionsSchema,
  setup(context) {
    const rules = new RuleSet(context.options as Required<RbacOptions>);
    context.hooks.authorize((input) => rules.decide(input));
    context.logger.info(`${context.options.rules?.length ?? 0} access rules, default ${context.options.default}`);
  },
});

export default rbac;
