import type { AnyProcedure, AnyRouter } from '@trpc/server';

/** One procedure call of a request, its input already parsed. */
export interface PlannedCall {
  path: string;
  procedure: AnyProcedure;
  input: unknown;
  batchIndex: number;
}

/** A request the fast path answers: plain JSON calls of one type, nothing tRPC must negotiate. */
export interface Plan {
  type: 'query' | 'mutation';
  isBatchCall: boolean;
  calls: PlannedCall[];
}

/** What `plan` reads of a request (Fastify's, minus everything else). */
export interface PlanRequest {
  method: string;
  /** The `:path` parameter: one procedure path, or several joined by `,` in a batch. */
  path: string;
  query: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
  /** POST bodies arrive as the raw string (the plugin's JSON parser keeps them so). */
  body: unknown;
}

const METHOD_OF = { query: 'GET', mutation: 'POST' } as const;
const QUERY_KEYS = new Set(['batch', 'input']);

/**
 * Decides whether the fast path may answer this request, and with what calls; `null` hands it to
 * tRPC's own adapter. Only requests whose answer is certain take the fast path: every procedure
 * exists and fits the method, the JSON parses, no streaming, method override or oversized batch
 * is involved (routers with lazy parts never get here: see `hasLazyRouters`). Everything else — including every malformed request — gets
 * exactly tRPC's answer, because tRPC gives it.
 */
export function plan(router: AnyRouter, request: PlanRequest, maxBatchSize?: number): Plan | null {
  const { method, headers, query } = request;
  if (method !== 'GET' && method !== 'POST') return null;
  if (headers['trpc-accept'] !== undefined || wantsStream(headers.accept)) return null;
  for (const key in query) if (!QUERY_KEYS.has(key)) return null;
  if (query.batch !== undefined && query.batch !== '1') return null;
  if (request.path.includes('%')) return null;

  const isBatchCall = query.batch === '1';
  const paths = isBatchCall ? request.path.split(',') : [request.path];
  if (maxBatchSize !== undefined && paths.length > maxBatchSize) return null;

  const raw = method === 'GET' ? query.input : postBody(request);
  if (raw === null) return null;
  const inputs = parseInputs(raw, isBatchCall);
  if (!inputs) return null;

  const procedures = router._def.procedures as Record<string, AnyProcedure | undefined>;
  let type: Plan['type'] | undefined;
  const calls: PlannedCall[] = [];
  for (const [index, path] of paths.entries()) {
    const procedure = Object.hasOwn(procedures, path) ? procedures[path] : undefined;
    const procedureType = procedure?._def.type;
    if (!procedure || (procedureType !== 'query' && procedureType !== 'mutation')) return null;
    if (METHOD_OF[procedureType] !== method || (type && type !== procedureType)) return null;
    type = procedureType;
    calls.push({ path, procedure, input: inputs(index), batchIndex: index });
  }
  return type ? { type, isBatchCall, calls } : null;
}

function wantsStream(accept: string | string[] | undefined): boolean {
  if (accept === undefined) return false;
  const value = Array.isArray(accept) ? accept.join(',') : accept;
  return value.includes('application/jsonl') || value.includes('text/event-stream');
}

/** Lazy routers load their procedures on first use: the plugin leaves such routers to tRPC. */
export function hasLazyRouters(router: AnyRouter): boolean {
  const lazy = (router._def as { lazy?: Record<string, unknown> }).lazy;
  return lazy !== undefined && Object.keys(lazy).length > 0;
}

/** The body of a JSON POST (`undefined` when empty), `null` for anything else. */
function postBody(request: PlanRequest): string | undefined | null {
  const contentType = request.headers['content-type'];
  // tRPC refuses a POST without a content type (415): let it.
  if (typeof contentType !== 'string') return null;
  if (contentType.split(';', 1)[0]?.trim().toLowerCase() !== 'application/json') return null;
  if (request.body === undefined || request.body === '') return undefined;
  return typeof request.body === 'string' ? request.body : null;
}

/** `index → input`, or `null` when the JSON doesn't parse into the shape the request claims. */
function parseInputs(raw: unknown, isBatchCall: boolean): ((index: number) => unknown) | null {
  if (raw === undefined) return () => undefined;
  if (typeof raw !== 'string') return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!isBatchCall) return () => parsed;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  const byIndex = parsed as Record<string, unknown>;
  return (index) => byIndex[index];
}
