/**
 * The CORS headers every response carries, preflight, errors and 5xx included (see CONTRACT.md),
 * but for the two no other origin may read (SAME_ORIGIN_RESPONSE_HEADERS). Beyond the contract's
 * request headers, If-Match (a conditional change) is allowed, and a page may read the ETag of an
 * answer (the event's version), the Retry-After of a 429, 502 or 503, and the X-Request-Id.
 */
const CORS_HEADERS: Readonly<Record<string, string>> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Credentials': 'true',
  'Access-Control-Allow-Headers':
    'Content-Type, Authorization, X-Amz-Date, X-Api-Key, X-Amz-Security-Token, X-Amz-User-Agent, If-Match',
  'Access-Control-Expose-Headers': 'ETag, Retry-After, X-Request-Id',
  'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
  'Access-Control-Max-Age': '600',
};

/**
 * The headers of every response: CORS, and `nosniff`, because error bodies echo parts of the request
 * as text/plain and must never be sniffed into HTML or script by a browser.
 */
export const RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  ...CORS_HEADERS,
  'X-Content-Type-Options': 'nosniff',
};

/** The headers of a response no other origin may read (POST /dev/token, GET /metrics): no CORS at all. */
export const SAME_ORIGIN_RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
};
