/**
 * What the logs may hold. Outside services fail with errors that carry the whole request (got's
 * errors keep their options, headers included: a user's bearer token, a site proxy's secret), so an
 * error is logged as its type, message, code, URL and stack only, and credential headers are
 * redacted wherever else they might appear.
 */

/** Header names whose values are credentials. */
const SECRET_HEADERS = ['authorization', 'x-api-key', 'cookie', 'set-cookie'];

/**
 * pino `redact` paths: the credential headers of any object logged under a `headers` key, up to
 * three levels down (pino's wildcards match one level each).
 */
export const REDACTED_PATHS: readonly string[] = SECRET_HEADERS.flatMap((name) => {
  const key = /^[a-z]+$/.test(name) ? `.${name}` : `["${name}"]`;
  return [`headers${key}`, `*.headers${key}`, `*.*.headers${key}`, `*.*.*.headers${key}`];
});

interface ErrorSummary {
  readonly type: string;
  readonly message: string;
  readonly code?: string;
  readonly url?: string;
  readonly stack?: string;
}

/** A URL as text without any user name or password in it. */
function safeUrl(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  try {
    const url = new URL(String(value));
    url.username = '';
    url.password = '';
    return url.toString();
  } catch {
    return undefined;
  }
}

/**
 * The parts of an error that are safe to log. For an HTTP client's error that is its message, its
 * code (ECONNREFUSED, ETIMEDOUT, ERR_NON_2XX_3XX_RESPONSE, ...) and the URL it asked for; never its
 * options, request or response objects.
 */
export function errorSummary(error: unknown): ErrorSummary {
  if (!(error instanceof Error)) {
    // Something thrown that is not an Error (or an error-like object): its message and code, if any.
    const { type, message, code } = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
    return {
      type: typeof type === 'string' ? type : typeof error,
      message: typeof message === 'string' ? message : typeof error === 'object' ? 'non-Error value' : String(error),
      ...(typeof code === 'string' ? { code } : {}),
    };
  }
  const { code, options, stack } = error as Error & { code?: unknown; options?: { url?: unknown } };
  const url = safeUrl(options?.url);
  return {
    type: error.name,
    message: error.message,
    ...(typeof code === 'string' ? { code } : {}),
    ...(url ? { url } : {}),
    ...(stack ? { stack } : {}),
  };
}
