import { dictionary } from '@zxcvbn-ts/language-common';

/**
 * The ~49 000 most common passwords of the zxcvbn-ts project (`@zxcvbn-ts/language-common`,
 * MIT), lower-case. Server-side only: the client and the web app never import this package.
 * The package decompresses its list on import (~0.1 s at start-up); lookups are a Set's.
 */
let common: ReadonlySet<string> | undefined;

export function isCommonPassword(password: string): boolean {
  common ??= new Set(dictionary['passwords-common'] as string[]);
  return common.has(password.toLowerCase());
}

/** How many entries the list has (the SPEC asks for at least 10 000). */
export function commonPasswordCount(): number {
  isCommonPassword('');
  return common!.size;
}
