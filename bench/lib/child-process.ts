/** Parent side of child-protocol.ts: start a bench child process, ask it for stats, stop it. */
import { type ChildProcess, fork } from 'node:child_process';
import type { ChildMessage, ProcessStats } from './child-protocol.js';

export interface BenchChild<I> {
  pid: number;
  /** What the child reported when ready (URLs and the like). */
  info: I;
  stats(): Promise<ProcessStats>;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;
const REPLY_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 10_000;

/** Forks `script` (TypeScript, through tsx) with `params` as JSON; resolves once it reports ready. */
export async function startChild<I>(script: string, params: unknown, execArgv: string[] = []): Promise<BenchChild<I>> {
  const child = fork(script, [JSON.stringify(params)], { execArgv: ['--import', 'tsx', ...execArgv], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const info = await waitFor(child, READY_TIMEOUT_MS, (message) => {
    if (message.type === 'failed') throw new Error(`${script} failed to start: ${message.error}`);
    return message.type === 'ready' ? message.info as I : undefined;
  }).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  return {
    pid: child.pid!,
    info,
    stats: async () => {
      const reply = waitFor(child, REPLY_TIMEOUT_MS, (message) => (message.type === 'stats' ? message.stats : undefined));
      child.send({ type: 'stats' });
      return reply;
    },
    stop: () => stopChild(child),
  };
}

function waitFor<T>(child: ChildProcess, timeoutMs: number, pick: (message: ChildMessage) => T | undefined): Promise<T> {
  return new Promise((resolve, reject) => {
    const done = (settle: () => void) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      settle();
    };
    const onMessage = (message: ChildMessage) => {
      try {
        const value = pick(message);
        if (value !== undefined) done(() => resolve(value));
      } catch (error) {
        done(() => reject(error));
      }
    };
    const onExit = (code: number | null) => done(() => reject(new Error(`child process exited (code ${code}) before answering`)));
    const timer = setTimeout(() => done(() => reject(new Error(`child process did not answer within ${timeoutMs} ms`))), timeoutMs);
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.send({ type: 'stop' });
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}
