/** `mcp-gateway audit query`: read the audit trail back from a gateway with a queryable audit store. */
import { type Command, Option } from 'commander';
import { addRemoteOptions, GatewayClient, type RemoteOptions } from './gateway-client.js';
import { RemoteError } from './cli-errors.js';
import { printJson, printLine, printTable } from './output.js';

interface AuditQueryOptions extends RemoteOptions {
  user?: string;
  server?: string;
  tool?: string;
  outcome?: string;
  eventType?: string;
  from?: string;
  to?: string;
  limit?: string;
  cursor?: string;
  json?: boolean;
}

interface AuditRow {
  timestamp: string;
  event_type: string;
  outcome: string;
  principal?: { username?: string };
  server?: string;
  tool?: string;
  duration_ms?: number;
  error?: string;
}

export function registerAuditCommand(program: Command): void {
  const audit = program.command('audit').description('read the audit trail of a running gateway');
  addRemoteOptions(
    audit
      .command('query')
      .description('list audit events, newest first (needs an audit store plugin, e.g. audit-postgres, and the admin role)')
      .option('--user <name>', 'events of this user')
      .option('--server <name>', 'events on this server')
      .option('--tool <name>', 'events of this tool')
      .addOption(new Option('--outcome <outcome>', 'success, error or denied').choices(['success', 'error', 'denied']))
      .option('--event-type <type>', 'e.g. tool_call, access_denied, config_change')
      .option('--from <time>', 'ISO-8601 start time')
      .option('--to <time>', 'ISO-8601 end time')
      .option('--limit <n>', 'at most this many events')
      .option('--cursor <cursor>', 'the next_cursor of a previous page')
      .option('--json', 'print JSON'),
  ).action(async (options: AuditQueryOptions) => {
    const query = new URLSearchParams();
    const filters: Record<string, string | undefined> = {
      user: options.user, server: options.server, tool: options.tool, outcome: options.outcome, event_type: options.eventType,
      from: options.from, to: options.to, limit: options.limit, cursor: options.cursor,
    };
    for (const [key, value] of Object.entries(filters)) if (value !== undefined) query.set(key, value);
    const page = await new GatewayClient(options)
      .get<{ events: AuditRow[]; next_cursor?: string; nextCursor?: string }>(`/audit${query.size ? `?${query}` : ''}`)
      .catch((error: unknown) => {
        if (error instanceof RemoteError && error.status === 404 && /no route/.test(error.message)) {
          throw new RemoteError(404, error.code, `${error.message} (this gateway has no queryable audit store: add the audit-postgres plugin; the shipped config does with DATABASE_URL)`);
        }
        throw error;
      });
    if (options.json) return printJson(page);
    if (!page.events.length) return printLine('no audit events');
    printTable(page.events, {
      time: (e) => e.timestamp, type: (e) => e.event_type, outcome: (e) => e.outcome, user: (e) => e.principal?.username,
      server: (e) => e.server, tool: (e) => e.tool, ms: (e) => e.duration_ms, error: (e) => e.error,
    });
    const next = page.next_cursor ?? page.nextCursor;
    if (next) printLine(`more: --cursor ${next}`);
  });
}
