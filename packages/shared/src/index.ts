export * from './auth-error.js';
export * from './schemas.js';
