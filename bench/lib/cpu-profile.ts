/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): self time by function and by owner (a package in
 * node_modules, the gateway's own packages, node internals), so the gateway's share can be told from the SDK's.
 */
import { readFile } from 'node:fs/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  totalMs: number;
  byOwner: Array<{ owner: string; ms: number; share: number }>;
  byFunction: Array<{ fn: string; owner: string; ms: number; share: number }>;
}

/** `@modelcontextprotocol/sdk`, `express`, `core (gateway)`, `node:internal`, `(idle)`… */
export function ownerOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1]!;
  if (url.startsWith('node:')) return 'node:internal';
  const own = /\/(core|plugins\/[^/]+|bench|test)\/(?:dist|src|lib|support|cases)?/.exec(url);
  return own ? `${own[1]} (gateway)` : url;
}

export async function summarizeProfile(file: string, top = 15): Promise<ProfileSummary> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMicros = new Map<number, number>();
  profile.samples.forEach((id, index) => selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
  const owners = new Map<string, number>();
  const functions = new Map<string, { owner: string; micros: number }>();
  let total = 0;
  for (const [id, micros] of selfMicros) {
    const { functionName, url, lineNumber } = nodes.get(id)!.callFrame;
    const owner = ownerOf(url, functionName);
    total += micros;
    owners.set(owner, (owners.get(owner) ?? 0) + micros);
    const key = `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`;
    const entry = functions.get(key) ?? { owner, micros: 0 };
    entry.micros += micros;
    functions.set(key, entry);
  }
  const share = (micros: number) => (total ? micros / total : 0);
  return {
    totalMs: total / 1000,
    byOwner: [...owners].sort((a, b) => b[1] - a[1]).slice(0, top).map(([owner, micros]) => ({ owner, ms: micros / 1000, share: share(micros) })),
    byFunction: [...functions].sort((a, b) => b[1].micros - a[1].micros).slice(0, top).map(([fn, { owner, micros }]) => ({ fn, owner, ms: micros / 1000, share: share(micros) })),
  };
}
