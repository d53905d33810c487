/**
 * `npm run token -- --sub alice [--admin] [--name "Alice"] [--hours 12]`: prints an access token for
 * local auth mode, signed with the key in the data directory.
 */
import { parseArgs } from 'node:util';
import { loadOrCreateLocalKeyPair } from '../adapters/auth/local-signing-key.js';
import { signLocalToken } from '../adapters/auth/local-token.js';
import { ConfigError, loadConfig } from './config.js';

function main(): void {
  const { values } = parseArgs({
    options: {
      sub: { type: 'string' },
      name: { type: 'string' },
      admin: { type: 'boolean', default: false },
      hours: { type: 'string', default: '12' },
    },
  });
  if (!values.sub) throw new ConfigError('usage: npm run token -- --sub <user id> [--admin] [--name <name>] [--hours <n>]');
  const hours = Number(values.hours);
  if (!Number.isFinite(hours) || hours <= 0) throw new ConfigError('--hours must be a positive number');
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
