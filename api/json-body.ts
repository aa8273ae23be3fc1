// JSON bodies with a nesting limit. JSON.parse copes with any depth, but what runs on the value next
// (zod, JSON.stringify, canonical hashing, loggers) recurses, and a 30,000-deep array overflows the
// stack there: a 500 for what is just a bad request. So the raw bytes are scanned first (one pass, no
// recursion) and anything nested deeper than the limit is a 400 before it is parsed.
import express, { type RequestHandler } from 'express';
import { problem } from './problem';

/** Deeper than any provider webhook or API body we accept (they nest a handful of levels). */
export const JSON_MAX_DEPTH = 64;

/** Why a body is refused; status/type make body-parser and problemHandler answer 400 malformed-json. */
export class JsonTooDeepError extends Error {
  readonly status = 400;
  readonly type = 'entity.parse.failed';
  constructor(maxDepth: number) {
    super(`JSON nested deeper than ${maxDepth} levels`);
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;

/**
 * True when the JSON text nests arrays/objects deeper than maxDepth. Brackets inside strings do not
 * count. Works on UTF-8 bytes: multi-byte sequences never contain these ASCII bytes.
 */
export function jsonNestsDeeperThan(bytes: Uint8Array, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (inString) {
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) inString = true;
    else if (b === OPEN_ARRAY || b === OPEN_OBJECT) {
      if (++depth > maxDepth) return true;
    } else if (b === CLOSE_ARRAY || b === CLOSE_OBJECT) depth--;
  }
  return false;
}

/** JSON.parse with the depth limit; throws JsonTooDeepError or SyntaxError. */
export function parseJsonBytes(bytes: Buffer, maxDepth = JSON_MAX_DEPTH): unknown {
  if (jsonNestsDeeperThan(bytes, maxDepth)) throw new JsonTooDeepError(maxDepth);
  return JSON.parse(bytes.toString('utf8'));
}

/**
 * express.json (strict: objects and arrays only) with the depth limit checked on the raw bytes. A
 * declared Content-Length over the limit is a 413 at once, with the connection closed: body-parser
 * would read (drain) the whole body before answering.
 */
export function jsonBody({
  limit,
  maxDepth = JSON_MAX_DEPTH,
  strict = true,
}: {
  limit: number;
  maxDepth?: number;
  /** false: any JSON value (e.g. `null`) parses, and the route's schema refuses it with 422. */
  strict?: boolean;
}): RequestHandler {
  const parse = express.json({
    limit,
    strict,
    verify: (_req, _res, buf) => {
      if (jsonNestsDeeperThan(buf, maxDepth)) throw new JsonTooDeepError(maxDepth);
    },
  });
  return (req, res, next) => {
    if (Number(req.headers['content-length']) > limit) {
      res.set('Connection', 'close');
      return next(problem(413, 'too-large', 'The request body is too large'));
    }
    return parse(req, res, next);
  };
}
