import type { IncomingMessage } from 'node:http';
import { HttpProblem } from './errors.js';

interface BodyLimits {
  /** The largest body accepted, in bytes (413 past it). */
  readonly maxBytes: number;
  /** The whole body must have arrived this long after reading began (408 after it). */
  readonly deadlineMs: number;
  /**
   * After the first `graceMs`, the body must keep arriving at this average rate at least (408
   * otherwise): a client trickling a byte every few seconds is cut off early, not at the deadline.
   */
  readonly minBytesPerSecond: number;
  readonly graceMs?: number;
}

/** How often a body in progress is checked against its deadline and minimum rate. */
const CHECK_EVERY_MS = 250;

/** An answer that also ends the connection: the rest of a refused body is not worth reading. */
const closing = (status: number, message: string): HttpProblem => new HttpProblem(status, message, { Connection: 'close' });

/**
 * The request body as UTF-8 text, refusing more than `maxBytes` (413) as soon as the declared length
 * or the bytes received pass it, and bodies that arrive too slowly (408). JSON is UTF-8, so no
 * charset decoder is needed: raw-body would add iconv-lite, about a quarter of the Lambda bundle,
 * for charsets this API never accepts.
 */
export function readBody(req: IncomingMessage, limits: BodyLimits): Promise<string> {
  const { maxBytes } = limits;
  const tooLarge = `The request body is larger than ${maxBytes / (1024 * 1024)} MiB.`;
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) {
    req.resume();
    return Promise.reject(closing(413, tooLarge));
  }
  if (req.readableEnded) return Promise.resolve('');
  const graceMs = limits.graceMs ?? 2000;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const started = performance.now();
    const done = (): void => {
      clearInterval(timer);
      req.off('data', onData);
    };
    const fail = (problem: HttpProblem): void => {
      done();
      req.resume();
      reject(problem);
    };
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > maxBytes) fail(closing(413, tooLarge));
      else chunks.push(chunk);
    };
    const timer = setInterval(() => {
      const elapsed = performance.now() - started;
      if (elapsed > limits.deadlineMs) {
        fail(closing(408, `The request body did not arrive within ${limits.deadlineMs / 1000} s.`));
      } else if (elapsed > graceMs && received < (limits.minBytesPerSecond * elapsed) / 1000) {
        fail(closing(408, `The request body is arriving too slowly (under ${limits.minBytesPerSecond} bytes a second).`));
      }
    }, CHECK_EVERY_MS);
    timer.unref();
    req.on('data', onData);
    req.once('end', () => {
      done();
      if (declared !== undefined && Number(declared) !== received) reject(new HttpProblem(400, 'The request body is shorter than its Content-Length.'));
      else resolve(Buffer.concat(chunks, received).toString('utf8'));
    });
    req.once('error', () => fail(new HttpProblem(400, 'The request body could not be read.')));
    req.once('aborted', () => fail(new HttpProblem(400, 'The request was aborted.')));
  });
}
