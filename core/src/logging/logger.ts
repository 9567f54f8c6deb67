import winston from 'winston';
import { redactCredentialsIn, type SecretRedactor } from '../audit/secret-redactor.js';

export type { Logger } from 'winston';

/**
 * The gateway's operational log (not the audit trail). Every message passes through the secret redactor, and through
 * `redactCredentialsIn` for what it cannot know: a URL's credentials, `password=…` in a library's error.
 */
export function createLogger(options: { level: string; format: 'json' | 'pretty'; redactor: SecretRedactor }): winston.Logger {
  const scrub = winston.format((info) => {
    info.message = redactCredentialsIn(options.redactor.scrubString(String(info.message)));
    for (const key of Object.keys(info)) {
      if (key !== 'message' && key !== 'level') (info as Record<string, unknown>)[key] = options.redactor.scrubValue(info[key]);
    }
    return info;
  })();
  const pretty = winston.format.printf(({ level, message, timestamp, plugin, ...rest }) => {
    const extra = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : '';
    return `${String(timestamp)} ${level}${plugin ? ` [${String(plugin)}]` : ''} ${String(message)}${extra}`;
  });
  return winston.createLogger({
    level: options.level,
    format: winston.format.combine(
      scrub,
      winston.format.timestamp(),
      options.format === 'json' ? winston.format.json() : colorized(pretty),
    ),
    // Logs go to stderr so that stdout stays free for data (e.g. `--json` CLI output, audit to stdout).
    transports: [new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info', 'debug', 'verbose', 'silly'] })],
  });
}

/** Colors only on a terminal: escape codes in a redirected log or a container's log are noise (NO_COLOR opts out). */
function colorized(format: winston.Logform.Format): winston.Logform.Format {
  const terminal = process.stderr.isTTY === true && !process.env['NO_COLOR'];
  return terminal ? winston.format.combine(winston.format.colorize(), format) : format;
}
