/**
 * client-tag: MCP clients name themselves in a request header (`x-mcp-client: ci`), and each client may use only the
 * servers that carry one of its tags. An example of a complete third-party plugin: factory, options schema, an
 * `authorize` hook, a service for other plugins, a route, a health check, and work started and stopped with the
 * gateway. See README.md.
 */
import { definePlugin } from '@secure-mcp-gateway/core';
import { clientOf, decide } from './client-policy.js';
import { ClientTagStatsToken, DecisionCounter } from './decision-stats.js';
import { optionsSchema, type ClientTagOptions, type ResolvedClientTagOptions } from './options.js';
import { statsRouter } from './stats-route.js';

export { ClientTagStatsToken, type ClientCounts, type ClientTagStats } from './decision-stats.js';
export type { ClientTagOptions } from './options.js';

export const clientTag = definePlugin<ClientTagOptions>({
  name: 'client-tag',
  version: '1.0.0',
  optionsSchema,
  setup(context) {
    const options = context.options as ResolvedClientTagOptions;
    const counter = new DecisionCounter();

    // Runs for every call and for every item of every listing, so keep it synchronous and cheap.
    context.hooks.authorize(({ action, target, request }) => {
      if (action === 'admin' || !target.server || !request) return undefined;
      const client = clientOf(request.headers, options.header);
      const decision = decide(options, client, context.backends.get(target.server)?.tags ?? []);
      counter.record(client, decision === undefined);
      return decision;
    });

    context.services.provide(ClientTagStatsToken, counter);
    context.addRoutes(statsRouter(context, counter), { auth: 'required' });
    context.reportHealth(() => ({ status: 'ok', detail: `${Object.keys(options.clients).length} clients known` }));

    let timer: NodeJS.Timeout | undefined;
    context.onStart(() => {
      context.logger.info(`clients identified by the "${options.header}" header: ${Object.keys(options.clients).join(', ') || 'none'}`);
      if (options.summaryIntervalSeconds > 0) {
        timer = setInterval(() => context.logger.info(counter.summary()), options.summaryIntervalSeconds * 1000);
        timer.unref(); // never keep the process alive on its own
      }
    });
    context.onStop(() => {
      clearInterval(timer);
      timer = undefined;
      context.logger.info(`final counts: ${counter.summary()}`);
    });
  },
});

export default clientTag;
