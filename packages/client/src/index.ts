export { AuthErrorCode, MAX_BATCH_SIZE, type SessionEndReason } from '@latch/shared';
export { type AuthFailure, authErrorOf, SignedOutError } from './auth-errors.js';
export { authLink } from './auth-link.js';
export type {
  AuthState,
  AuthStateListener,
  EndedSession,
  EndReason,
  SessionEndHandler,
  SignedInState,
  SignedOutState,
} from './auth-state.js';
export { type CallFailure, failureOf } from './call-failure.js';
export {
  createLatchClient,
  type LatchClient,
  type LatchClientOptions,
} from './create-latch-client.js';
export { type LatchLinkOptions, latchLinks } from './latch-links.js';
export type { LatchSession, TabSyncOptions } from './latch-session.js';
export type { AppRouter, ErrorData, RouterInputs, RouterOutputs } from './router-types.js';
export { memoryStorage, type TokenStorage } from './token-storage.js';
export {
  DEFAULT_STORAGE_KEY,
  localStorageAdapter,
  sessionStorageAdapter,
  type WebStorageLike,
  type WebStorageOptions,
  webStorage,
} from './web-storage.js';
