import type { Duplex } from 'node:stream';
import { RESPONSE_HEADERS } from './cors.js';

/** The status and plain-text reason for a request Node's HTTP parser refused before any route saw it. */
function clientErrorAnswer(code: string | undefined): { status: number; reason: string; text: string } {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, reason: 'Request Header Fields Too Large', text: 'The request headers are too large.' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, reason: 'Request Timeout', text: 'The request took too long to arrive.' };
    default:
      return { status: 400, reason: 'Bad Request', text: 'The request is not valid HTTP.' };
  }
}

/** A whole HTTP/1.1 answer, as bytes to write on a socket that no response object owns. */
export function rawAnswer(status: number, reason: string, text: string, extraHeaders: Readonly<Record<string, string>> = {}): string {
  const headers: Record<string, string> = {
    ...RESPONSE_HEADERS,
    ...extraHeaders,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    Connection: 'close',
  };
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  return `HTTP/1.1 ${status} ${reason}\r\n${lines.join('\r\n')}\r\n\r\n${text}`;
}

/**
 * Node's `clientError` handler: the answers Node would write itself (400 for malformed requests, 431
 * for oversized headers, 408 for requests that arrive too slowly) get the contract's CORS headers
 * and a short plain-text reason, so a browser can read them like any other error.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  const response = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || response?.headersSent) {
    socket.destroy();
    return;
  }
  const { status, reason, text } = clientErrorAnswer(error.code);
  socket.end(rawAnswer(status, reason, text));
}
