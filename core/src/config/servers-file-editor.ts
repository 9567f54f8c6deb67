/**
 * Changes `mcp_servers.yaml` the way a person would: one server's entry at a time, through the `yaml` Document API,
 * so every comment, blank line and the order of the other servers survive. An edit is validated as a whole before
 * it is written (atomically), so the file on disk is never left invalid.
 */
import { chmod, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { isMap, parseDocument, type Document } from 'yaml';
import type { ServerConfig } from '../backends/server-config.js';
import { ConfigError, ConflictError, NotFoundError, describeError } from '../errors.js';
import type { ServerConfigInput } from './gateway-config.js';
import { normalizeServers } from './servers.js';

/** What `PATCH /mcp/server/{name}` and `servers enable|disable` may change. */
export type ServerUpdate = Partial<Pick<ServerConfig, 'enabled' | 'description' | 'tags' | 'timeout'>>;

export type ServersFileEdit =
  | { action: 'register'; name: string; server: ServerConfigInput }
  | { action: 'update'; name: string; fields: ServerUpdate }
  | { action: 'remove'; name: string };

/** Edits of one file run one after the other, so two admin calls never write over each other. */
const queues = new Map<string, Promise<unknown>>();

/** Applies `edit` to the file at `path` (created when missing, for `register`) and returns the server entries as written. */
export function editServersFile(path: string, edit: ServersFileEdit): Promise<Record<string, ServerConfigInput>> {
  const previous = queues.get(path) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(() => applyEdit(path, edit));
  queues.set(path, next);
  return next;
}

async function applyEdit(path: string, edit: ServersFileEdit): Promise<Record<string, ServerConfigInput>> {
  const { text, mode } = await readExisting(path, edit.action === 'register');
  const document = parseDocument(text);
  if (document.errors.length) throw new ConfigError(`servers file ${path} is not valid YAML: ${document.errors[0]!.message}`);
  if (!isMap(document.get('servers'))) document.set('servers', document.createNode({}));
  const exists = document.hasIn(['servers', edit.name]);
  if (edit.action === 'register') {
    if (exists) throw new ConflictError(`server "${edit.name}" already exists`);
    document.setIn(['servers', edit.name], document.createNode(edit.server));
  } else {
    if (!exists) throw new NotFoundError(`unknown server "${edit.name}"`);
    if (edit.action === 'remove') document.deleteIn(['servers', edit.name]);
    else applyUpdate(document, edit.name, edit.fields);
  }
  const servers = (document.toJS() as { servers?: Record<string, ServerConfigInput> }).servers ?? {};
  normalizeServers(servers, `${path}: servers`); // refuse an edit that would make the file invalid
  await writeAtomically(path, document.toString(), mode);
  return servers;
}

function applyUpdate(document: Document, name: string, fields: ServerUpdate): void {
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    document.setIn(['servers', name, key], document.createNode(value, { flow: key === 'tags' }));
  }
}

async function readExisting(path: string, mayCreate: boolean): Promise<{ text: string; mode?: number }> {
  try {
    const [text, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    return { text, mode: info.mode & 0o777 };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && mayCreate) return { text: 'servers: {}\n' };
    throw new ConfigError(`cannot read servers file ${path}: ${describeError(error)}`);
  }
}

/** Write beside, then rename: a reader (the file watcher) never sees half a file. A bind-mounted file cannot be replaced, so it is written in place. */
async function writeAtomically(path: string, text: string, mode: number | undefined): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, text, { mode: mode ?? 0o644 });
    if (mode !== undefined) await chmod(temporary, mode);
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EBUSY' && code !== 'EXDEV' && code !== 'EPERM') throw new ConfigError(`cannot write servers file ${path}: ${describeError(error)}`);
    await writeFile(path, text);
  }
}
