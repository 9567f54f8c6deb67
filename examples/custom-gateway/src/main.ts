/**
 * Runs the custom gateway: `CI_KEY_HASH=sha256:… npm start` (make a key and its hash with the api-key plugin's
 * generateApiKey() and hashApiKey(), see README.md). Stops cleanly on Ctrl-C or SIGTERM.
 */
import { buildGateway } from './gateway.js';

const ciKeyHash = process.env['CI_KEY_HASH'];
if (!ciKeyHash) {
  process.stderr.write('custom-gateway: set CI_KEY_HASH to the sha256:<hex> hash of the CI API key (see README.md)\n');
  process.exit(2);
}

const gateway = await buildGateway({
  host: process.env['HOST'] ?? '127.0.0.1',
  port: Number(process.env['PORT'] ?? 8000),
  ciKeyHash,
  auditFile: process.env['AUDIT_LOG_FILE'] ?? 'audit.jsonl',
  dataDir: process.env['DATA_DIR'] ?? '.data',
});
await gateway.start();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void gateway.stop().then(() => process.exit(0), () => process.exit(1)));
}
