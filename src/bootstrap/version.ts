import { readFileSync } from 'node:fs';

/** Set by scripts/build-lambda.mjs: the Lambda bundle has no package.json beside it. */
declare const __CALENDAR_VERSION__: string | undefined;

/** The service's version, from package.json (or, in the Lambda bundle, as the build wrote it in). */
export function serviceVersion(): string {
  if (typeof __CALENDAR_VERSION__ === 'string') return __CALENDAR_VERSION__;
  try {
    // src/bootstrap/ and dist/bootstrap/ both sit two folders below package.json.
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
