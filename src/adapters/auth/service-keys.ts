/**
 * Comma-separated service keys (blank entries ignored), or undefined when one is shorter than 16
 * characters. The one rule for SERVICE_API_KEYS and for the SSM parameter that replaces it.
 */
export function parseServiceApiKeys(text: string): string[] | undefined {
  const keys = text.split(',').map((k) => k.trim()).filter((k) => k !== '');
  return keys.some((k) => k.length < 16) ? undefined : keys;
}

/** Where the service keys come from: fixed (SERVICE_API_KEYS) or fetched (SSM). */
export interface ServiceKeySource {
  keys(): Promise<readonly string[]>;
}
