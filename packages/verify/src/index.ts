export { VerifyError, type VerifyErrorCode } from './errors.js';
export { bearerToken, latchMiddleware, latchPreHandler } from './helpers.js';
export type { IntrospectionOptions } from './introspection-client.js';
export {
  createVerifier,
  type VerifiedToken,
  type Verifier,
  type VerifierOptions,
} from './verifier.js';
