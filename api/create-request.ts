// The start of every creating POST (checks, batches): its body and its optional Idempotency-Key, or a 422.
import type { Request } from 'express';
import type { z } from 'zod';
import { validationProblem } from './problem';
import { IdempotencyKeyHeader } from './schemas';

export function parseCreateRequest<S extends z.ZodType>(
  schema: S,
  req: Request,
): { body: z.infer<S>; idempotencyKey: string | undefined } {
  const parsed = schema.safeParse(req.body);
  if (!parsed.success) throw validationProblem(parsed.error);
  const key = IdempotencyKeyHeader.safeParse(req.get('idempotency-key'));
  if (!key.success) throw validationProblem(key.error, 'header', 'idempotency-key');
  return { body: parsed.data, idempotencyKey: key.data };
}
