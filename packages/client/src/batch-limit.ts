import { MAX_BATCH_SIZE } from '@latch/shared';
import { TRPCClientError } from '@trpc/client';
import type { AnyRouter } from '@trpc/server';

/** What tRPC's server answers (to every call in it) when a batch has more calls than it allows. */
const REFUSED_BATCH_MESSAGE = 'Batch call exceeds maximum size';

/**
 * A refused oversized batch, retold so it says what happened and what to do: tRPC's own
 * message names no limit, and a chain built without `latchLinks()` fails whole at 17 calls.
 * Anything else is returned as it is.
 */
export function explainRefusedBatch<TRouter extends AnyRouter>(
  error: TRPCClientError<TRouter>,
): TRPCClientError<TRouter> {
  if (error.message !== REFUSED_BATCH_MESSAGE || error.data?.code !== 'BAD_REQUEST') return error;
  const message =
    `The Latch server takes at most ${MAX_BATCH_SIZE} calls per batched request ` +
    `(MAX_BATCH_SIZE) and refused this batch whole. Build the link chain with latchLinks(), or ` +
    `give httpBatchLink \`maxItems: MAX_BATCH_SIZE\`.`;
  return new TRPCClientError<TRouter>(message, {
    result: { error: error.shape },
    cause: error,
    meta: error.meta,
  });
}
