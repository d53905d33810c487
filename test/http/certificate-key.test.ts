/** AUTH_PUBLIC_KEY may be an X.509 certificate, as Auth0 serves and the old service used. */
import { execFileSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import { publicKeyFromPem, StaticTokenKeys } from '../../src/adapters/auth/static-token-keys.js';
import { tempDir } from '../support/temp-dir.js';

it('reads the RSA public key out of a PEM certificate made with openssl', async () => {
  const dir = tempDir('cert-');
  try {
    const keyPath = join(dir.path, 'key.pem');
    const certPath = join(dir.path, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '1', '-subj', '/CN=photonranch-test'], { stdio: 'ignore' });
    const key = publicKeyFromPem(readFileSync(certPath, 'utf8'));
    const token = jwt.sign({ sub: 'alice' }, createPrivateKey(readFileSync(keyPath, 'utf8')), { algorithm: 'RS256' });
    const verificationKey = await new StaticTokenKeys(key).keyFor({ alg: 'RS256' });
    expect((jwt.verify(token, verificationKey as import('node:crypto').KeyObject) as jwt.JwtPayload).sub).toBe('alice');
    expect(() => publicKeyFromPem(readFileSync(keyPath, 'utf8').replace('PRIVATE KEY', 'NOT A KEY'))).toThrow();
  } finally {
    dir.remove();
  }
});
