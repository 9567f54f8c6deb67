/**
 * The small IPC protocol between the bench and the processes it starts (backends, gateways): the child reports
 * `ready` with what it serves, answers `stats` (memory and CPU of its own process) and exits on `stop`.
 */
export interface ProcessStats {
  /** Resident set size now, bytes. */
  rss: number;
  /** Peak resident set size over the process's life, bytes. */
  maxRss: number;
  heapUsed: number;
  /** CPU time used so far (user + system), microseconds. */
  cpuMicros: number;
}

export type ParentMessage = { type: 'stats' } | { type: 'stop' };
export type ChildMessage = { type: 'ready'; info: unknown } | { type: 'stats'; stats: ProcessStats } | { type: 'failed'; error: string };

/** Child side: starts the service, reports `ready`, serves `stats`, and stops on `stop` or when the parent goes away. */
export async function serveChild<P, I>(start: (params: P) => Promise<{ info: I; stop(): Promise<void> }>): Promise<void> {
  const send = (message: ChildMessage) => process.send?.(message);
  const params = JSON.parse(process.argv[2] ?? '{}') as P;
  let service: { info: I; stop(): Promise<void> };
  try {
    service = await start(params);
  } catch (error) {
    send({ type: 'failed', error: error instanceof Error ? error.stack ?? error.message : String(error) });
    process.exit(1);
  }
  const exit = async () => {
    await service.stop().catch(() => undefined);
    process.exit(0);
  };
  process.on('disconnect', () => void exit());
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'stop') void exit();
    if (message.type === 'stats') send({ type: 'stats', stats: ownStats() });
  });
  send({ type: 'ready', info: service.info });
}

function ownStats(): ProcessStats {
  const cpu = process.cpuUsage();
  return { rss: process.memoryUsage.rss(), maxRss: process.resourceUsage().maxRSS * 1024, heapUsed: process.memoryUsage().heapUsed, cpuMicros: cpu.user + cpu.system };
}
