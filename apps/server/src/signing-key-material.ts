import { generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SigningKeyMaterial } from '@latch/api';
import type { Settings } from './config.js';

/**
 * The configured signing key, or in development one generated into `data/` on first start and
 * reused after, so restarts keep everyone signed in. Production requires the key (config.ts).
 */
export function signingKeyMaterial(settings: Settings, dataDir: string): SigningKeyMaterial {
  const previous = settings.JWT_PREVIOUS_KEYS ?? [];
  if (settings.JWT_ALG === 'HS256') {
    const secret =
      settings.JWT_SECRET ??
      readOrCreate(path.join(dataDir, 'jwt-hs256.secret'), () =>
        randomBytes(48).toString('base64url'),
      );
    return { alg: 'HS256', secret, previous };
  }
  const privateKeyPem =
    settings.JWT_PRIVATE_KEY ??
    (settings.JWT_ALG === 'ES256'
      ? readOrCreate(path.join(dataDir, 'jwt-es256.pem'), () =>
          pkcs8(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey),
        )
      : readOrCreate(path.join(dataDir, 'jwt-ed25519.pem'), () =>
          pkcs8(generateKeyPairSync('ed25519').privateKey),
        ));
  return { alg: settings.JWT_ALG, privateKeyPem, previous };
}

function pkcs8(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}

function readOrCreate(file: string, create: () => string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    mkdirSync(path.dirname(file), { recursive: true });
    const value = create();
    // 'wx': two processes starting at once must not overwrite each other's key.
    try {
      writeFileSync(file, value, { mode: 0o600, flag: 'wx' });
      return value;
    } catch {
      return readFileSync(file, 'utf8');
    }
  }
}
