import { createVerifier } from '@latch/verify';
import { buildResourceServer } from './server.js';

const latchUrl = process.env.LATCH_URL ?? 'http://127.0.0.1:3000';
const clientId = process.env.LATCH_INTROSPECTION_ID;
const clientSecret = process.env.LATCH_INTROSPECTION_SECRET;

const verifier = createVerifier({
  issuer: process.env.LATCH_ISSUER ?? 'latch',
  audience: process.env.LATCH_AUDIENCE ?? 'latch-api',
  jwksUrl: `${latchUrl}/.well-known/jwks.json`,
  // With credentials, logouts are seen at once; without, tokens are trusted until they expire.
  ...(clientId &&
    clientSecret && {
      introspection: { url: `${latchUrl}/oauth/introspect`, clientId, clientSecret },
    }),
});

const app = buildResourceServer(verifier);
const port = Number(process.env.PORT ?? 4000);
await app.listen({ port, host: '127.0.0.1' });
console.log(`orders service on http://127.0.0.1:${port} (tokens from ${latchUrl})`);
