import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Issuer and key id of the tokens local mode makes for development. */
export const LOCAL_ISSUER = 'photonranch-calendar-local';
export const LOCAL_KID = 'local-dev';
export const ROLES_CLAIM = 'https://photonranch.org/user_metadata';

export const localKeyPath = (dataDir: string): string => join(dataDir, 'local-auth-key.pem');

export interface LocalKeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly path: string;
}

/**
 * The RS256 key pair of local mode, kept in the data directory (`local-auth-key.pem`, mode 0600, in a
 * folder made 0700 when it does not exist) and made on first use. Development only: production refuses to start in local mode.
 */
export function loadOrCreateLocalKeyPair(dataDir: string): LocalKeyPair {
  const path = localKeyPath(dataDir);
  if (!existsSync(path)) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    try {
      writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another process made it first; use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const privateKey = createPrivateKey(readFileSync(path, 'utf8'));
  return { privateKey, publicKey: createPublicKey(privateKey), path };
}
