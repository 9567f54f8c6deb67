/**
 * broadcast: one call, every server that can answer it, failures isolated. Generates `broadcast__<tool>` for each
 * tool shared by `minServers` up servers and `broadcast__by_tag__<tag>` for each tag on that many enabled servers
 * (catalog hook, rebuilt whenever a backend changes, so clients get `tools/list_changed`; each caller sees only the
 * servers they may use, and no broadcast they could not run on `minServers` of them), routes calls to them
 * (route hook) and runs them in parallel under a concurrency bound and a deadline (fanOut hook). Also serves the
 * seed's `GET /tools`, `POST /tools/{tool_name}/invoke` and `POST /mcp/invoke-broadcast`.
 */
import { definePlugin } from '@secure-mcp-gateway/core';
import { BroadcastIndex } from './broadcast-index.js';
import { BROADCAST_STRATEGY, planBroadcast } from './broadcast-plan.js';
import { requestAccess } from './caller-view.js';
import { broadcastTools } from './catalog-tools.js';
import { runBroadcast } from './fan-out.js';
import { optionsSchema, type BroadcastOptions, type ResolvedBroadcastOptions } from './options.js';
import { broadcastRouter } from './rest-routes.js';

export type { BroadcastOptions } from './options.js';
export type { BroadcastReport } from './broadcast-result.js';
export { normaliseTag, tagBroadcastName, toolBroadcastName } from './names.js';
export { reconcileInputSchemas } from './input-schema.js';
export { BroadcastIndex } from './broadcast-index.js';

export const broadcast = definePlugin<BroadcastOptions>({
  name: 'broadcast',
  optionsSchema,
  setup(context) {
    const options = context.options as ResolvedBroadcastOptions;
    const limits = { concurrency: options.concurrency, deadlineMs: options.deadlineSeconds * 1000 };
    let index = BroadcastIndex.empty(options);

    context.hooks.catalog((tools, { backends }) => {
      index = BroadcastIndex.build(tools, backends, options);
      return [...tools, ...broadcastTools(index, context.name, options.minServers)];
    });
    context.hooks.route((request) => planBroadcast(request, index, { access: requestAccess(context, request), minServers: options.minServers }));
    context.hooks.fanOut((plan, fanOut) => (plan.strategy === BROADCAST_STRATEGY ? runBroadcast(plan, fanOut, limits) : undefined));
    context.addRoutes(broadcastRouter(context));
  },
});

export default broadcast;
