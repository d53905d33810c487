import type { IncomingMessage } from 'node:http';
import { HttpProblem } from './errors.js';

/**
 * The request body as UTF-8 text, refusing more than `limit` bytes (413) as soon as the declared
 * length or the bytes received pass it. JSON is UTF-8, so no charset decoder is needed: raw-body
 * would add iconv-lite, about a quarter of the Lambda bundle, for charsets this API never accepts.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) {
    req.resume();
    return Promise.reject(new HttpProblem(413, `The request body is larger than ${limit / (1024 * 1024)} MiB.`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const fail = (problem: HttpProblem): void => {
      req.off('data', onData);
      req.resume();
      reject(problem);
    };
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > limit) fail(new HttpProblem(413, `The request body is larger than ${limit / (1024 * 1024)} MiB.`));
      else chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => {
      if (declared !== undefined && Number(declared) !== received) reject(new HttpProblem(400, 'The request body is shorter than its Content-Length.'));
      else resolve(Buffer.concat(chunks, received).toString('utf8'));
    });
    req.once('error', () => reject(new HttpProblem(400, 'The request body could not be read.')));
    req.once('aborted', () => reject(new HttpProblem(400, 'The request was aborted.')));
  });
}
