#!/usr/bin/env node
// The `mcp-gateway` command. A file kept in git (not built) so that `npm ci` links it before the first build;
// the CLI itself is compiled to ../dist/cli.js.
try {
  await import('../dist/cli.js');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('dist/cli.js')) throw error;
  process.stderr.write('mcp-gateway: the gateway is not built yet: run "npm run build" (or "npm start") in the repository root\n');
  process.exit(1);
}
