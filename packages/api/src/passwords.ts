import { hash, verify } from '@node-rs/argon2';

/**
 * argon2id with OWASP's first recommended profile (19 MiB, 2 passes, 1 lane): ~20–40 ms per
 * hash on a small server core, memory-hard enough to make GPU guessing expensive.
 */
export interface PasswordHashOptions {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

export const defaultPasswordHashOptions: PasswordHashOptions = {
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
};

// `Algorithm` is a const enum in @node-rs/argon2's types, unusable under isolatedModules.
const ARGON2ID = 2;

export class PasswordHasher {
  readonly #options: PasswordHashOptions;
  #dummyHash: Promise<string> | undefined;

  constructor(options: PasswordHashOptions = defaultPasswordHashOptions) {
    this.#options = options;
  }

  hash(password: string): Promise<string> {
    return hash(password, { ...this.#options, algorithm: ARGON2ID });
  }

  /**
   * Checks a password; with no stored hash (unknown user) it still spends one verification on a
   * dummy hash, so response time does not tell which usernames exist.
   */
  async verify(storedHash: string | undefined, password: string): Promise<boolean> {
    if (storedHash === undefined) {
      this.#dummyHash ??= this.hash('latch-dummy-password-for-timing');
      await verify(await this.#dummyHash, password);
      return false;
    }
    try {
      return await verify(storedHash, password);
    } catch {
      return false; // a malformed stored hash never matches
    }
  }
}
