/** Plain-JSON tRPC calls (no transformer), as any HTTP client makes them. */
export interface CallResult<T> {
  status: number;
  data?: T;
  authCode?: string;
  ms: number;
}

export interface LoginOutput {
  user: { id: string; username: string };
  sessionId: string;
  accessToken: string;
  accessTokenExpiresAt: number;
  refreshToken: string;
  refreshTokenExpiresAt: number;
}

export interface TokenPair {
  accessToken: string;
  accessTokenExpiresAt: number;
  refreshToken: string;
  refreshTokenExpiresAt: number;
}

interface Envelope<T> {
  result?: { data: T };
  error?: { data?: { authCode?: string } };
}

export async function call<T>(
  baseUrl: string,
  procedure: string,
  options: { input?: unknown; token?: string; mutation?: boolean; timeoutMs?: number } = {},
): Promise<CallResult<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const started = performance.now();
  const response = await fetch(`${baseUrl}/trpc/${procedure}`, {
    method: options.mutation ? 'POST' : 'GET',
    headers,
    ...(options.mutation && { body: JSON.stringify(options.input ?? null) }),
    signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
  });
  const body = (await response.json()) as Envelope<T>;
  const ms = performance.now() - started;
  const authCode = body.error?.data?.authCode;
  return {
    status: response.status,
    ms,
    ...(body.result && { data: body.result.data }),
    ...(authCode && { authCode }),
  };
}

/** Like `call`, but anything other than 200 is an error naming the procedure and the answer. */
export async function callOk<T>(
  baseUrl: string,
  procedure: string,
  options: Parameters<typeof call>[2] = {},
): Promise<T> {
  const result = await call<T>(baseUrl, procedure, options);
  if (result.status !== 200 || result.data === undefined) {
    throw new Error(`${procedure} answered ${result.status} ${result.authCode ?? ''}`.trim());
  }
  return result.data;
}

export const BENCH_PASSWORD = 'bench-password-1234';

export function register(baseUrl: string, username: string): Promise<LoginOutput> {
  return callOk<LoginOutput>(baseUrl, 'auth.register', {
    input: { username, password: BENCH_PASSWORD },
    mutation: true,
  });
}

export function login(baseUrl: string, username: string): Promise<LoginOutput> {
  return callOk<LoginOutput>(baseUrl, 'auth.login', {
    input: { username, password: BENCH_PASSWORD },
    mutation: true,
  });
}
