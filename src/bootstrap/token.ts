/** `npm run token`: an access token for local auth mode (see USAGE). */
import { loadOrCreateLocalKeyPair } from '../adapters/auth/local-signing-key.js';
import { signLocalToken } from '../adapters/auth/local-token.js';
import { exitWithUsage, parseCommandLine } from './command-line.js';
import { ConfigError, loadConfig } from './config.js';

const USAGE = `
Prints an access token for local auth mode (no AUTH_JWKS_URI or AUTH_PUBLIC_KEY set), signed with
the key the server made in the data folder (next to SQLITE_PATH).

Usage: npm run --silent token -- --sub <user id> [--name <name>] [--admin] [--hours <n>]

  --sub <user id>  the token's subject, the user the calendar sees (creator_id)
  --name <name>    the user's display name (default: the subject)
  --admin          the token carries the admin role (may change anyone's events)
  --hours <n>      how long the token is valid (default 12)
  -h, --help       this text
`;

function main(): void {
  const { values } = parseCommandLine({
    usage: USAGE,
    options: {
      sub: { type: 'string' },
      name: { type: 'string' },
      admin: { type: 'boolean', default: false },
      hours: { type: 'string', default: '12' },
    },
  });
  if (!values.sub) exitWithUsage(USAGE, 'Missing --sub: whose token is it?');
  const hours = Number(values.hours);
  if (!Number.isFinite(hours) || hours <= 0) exitWithUsage(USAGE, '--hours must be a positive number.');
  const config = loadConfig();
  if (config.auth.mode !== 'local') {
    throw new ConfigError('npm run token only works in local auth mode (no AUTH_JWKS_URI or AUTH_PUBLIC_KEY set)');
  }
  const keys = loadOrCreateLocalKeyPair(config.auth.keyDir);
  const token = signLocalToken(keys, {
    sub: values.sub,
    admin: values.admin,
    audience: config.authAudience,
    expiresInSeconds: Math.round(hours * 3600),
    ...(values.name ? { name: values.name } : {}),
  });
  process.stdout.write(`${token}\n`);
}

try {
  main();
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
