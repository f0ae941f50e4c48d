/** Why a token was not accepted; the same names as Latch's own `authCode`s. */
export type VerifyErrorCode = 'TOKEN_INVALID' | 'TOKEN_EXPIRED' | 'SESSION_REVOKED';

export class VerifyError extends Error {
  override name = 'VerifyError';

  constructor(
    readonly code: VerifyErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
