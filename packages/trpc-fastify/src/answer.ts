import {
  type AnyRouter,
  callTRPCProcedure,
  getTRPCErrorFromUnknown,
  getTRPCErrorShape,
  TRPCError,
} from '@trpc/server';
import { getHTTPStatusCode } from '@trpc/server/http';
import type { Plan, PlannedCall } from './plan.js';

export interface ErrorReport {
  error: TRPCError;
  path: string;
  input: unknown;
  ctx: unknown;
  type: Plan['type'];
}

type Outcome = { result: { data: unknown } } | { error: unknown };

/**
 * Runs the planned calls (side by side, as tRPC does) and renders the answer exactly as tRPC's
 * `resolveResponse` would: the same envelopes, error shapes (the router's `errorFormatter`
 * included), transformer and HTTP status (207 when a batch's statuses differ).
 */
export async function answer(
  router: AnyRouter,
  planned: Plan,
  ctx: { value: unknown } | { error: unknown },
  signal: AbortSignal | undefined,
  onError: ((report: ErrorReport) => void) | undefined,
): Promise<{ status: number; body: string }> {
  const config = router._def._config;
  const errors: (TRPCError | undefined)[] = [];
  const outcomeOf = async (call: PlannedCall, index: number): Promise<Outcome> => {
    const input = config.transformer.input.deserialize(call.input);
    try {
      if ('error' in ctx) throw ctx.error;
      const data = await run(router, planned.type, call, input, ctx.value, signal);
      return { result: { data } };
    } catch (cause) {
      const error = getTRPCErrorFromUnknown(cause);
      errors[index] = error;
      const context = 'value' in ctx ? ctx.value : undefined;
      onError?.({ error, path: call.path, input, ctx: context, type: planned.type });
      const shape = getTRPCErrorShape({
        config,
        error,
        type: planned.type,
        path: call.path,
        input,
        ctx: context,
      });
      return { error: shape };
    }
  };
  const [first] = planned.calls;
  if (!first) throw new Error('a plan has at least one call');
  const outcomes = planned.isBatchCall
    ? await Promise.all(planned.calls.map(outcomeOf))
    : await outcomeOf(first, 0);
  // The status reads the formatted shapes before the transformer touches them, as tRPC's does.
  const status = getHTTPStatusCode(outcomes as never, errors);
  // What tRPC's transformTRPCResponse does, without its two object spreads per envelope.
  const { output } = config.transformer;
  const serialized = (outcome: Outcome): Outcome =>
    'error' in outcome
      ? { error: output.serialize(outcome.error) }
      : { result: { data: output.serialize(outcome.result.data) } };
  const body = Array.isArray(outcomes) ? outcomes.map(serialized) : serialized(outcomes);
  return { status, body: JSON.stringify(body) };
}

async function run(
  router: AnyRouter,
  type: Plan['type'],
  call: PlannedCall,
  input: unknown,
  ctx: unknown,
  signal: AbortSignal | undefined,
): Promise<unknown> {
  const data = await callTRPCProcedure({
    router,
    path: call.path,
    getRawInput: async () => input,
    ctx,
    type,
    signal,
    batchIndex: call.batchIndex,
  });
  // tRPC streams these only to httpBatchStreamLink; a plain JSON answer can't carry them.
  if (isStreamLike(data)) {
    throw new TRPCError({
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: 'Cannot use stream-like response in non-streaming request - use httpBatchStreamLink',
    });
  }
  return data;
}

function isStreamLike(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (Symbol.asyncIterator in value) return true;
  return Object.values(value).some(
    (v) =>
      v instanceof Promise || (typeof v === 'object' && v !== null && Symbol.asyncIterator in v),
  );
}
