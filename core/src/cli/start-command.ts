/** `mcp-gateway start`: runs the gateway in the foreground; SIGHUP reloads the servers file, SIGINT/SIGTERM stop it. */
import { type Command, InvalidArgumentError } from 'commander';
import { describeError } from '../errors.js';

let serving = false;

/** True once `start` is serving: the process must stay up instead of exiting with the command's code. */
export function isServing(): boolean {
  return serving;
}

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('start the gateway with gateway.config.* from the working directory (or --config); SIGHUP reloads the servers file')
    .option('-c, --config <file>', 'config file (gateway.config.ts/.js/.mjs/.json/.yaml)')
    .option('-p, --port <port>', 'port to listen on (overrides the config)', parsePort)
    .option('-H, --host <host>', 'interface to bind (overrides the config)')
    .action(async (options: { config?: string; port?: number; host?: string }) => {
      // Loaded on demand: the server's modules are only needed by this command.
      const [{ loadConfig }, { createGateway }] = await Promise.all([import('../config/load-config.js'), import('../gateway.js')]);
      const config = await loadConfig(options.config ? { explicitPath: options.config } : {});
      if (options.port !== undefined) config.server.port = options.port;
      if (options.host !== undefined) config.server.host = options.host;
      const gateway = await createGateway(config);
      await gateway.start();
      serving = true;
      const shutdown = (signal: string) => {
        gateway.logger.info(`${signal} received; shutting down`);
        gateway.stop().then(() => process.exit(0), () => process.exit(1));
      };
      process.once('SIGINT', () => shutdown('SIGINT'));
      process.once('SIGTERM', () => shutdown('SIGTERM'));
      process.on('SIGHUP', () => {
        gateway.logger.info('SIGHUP received; reloading the servers file');
        gateway.reloadServers('signal').catch((error: unknown) => gateway.logger.error(`reload failed: ${describeError(error)}`));
      });
    });
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('must be a port number (0-65535)');
  return port;
}
