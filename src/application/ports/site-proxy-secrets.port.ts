import { token } from '../token.js';
/** The per-WEMA secrets of the LCO site proxies. */
export interface SiteProxySecrets {
  /** The secret for a WEMA, or undefined when none is configured (that WEMA is then skipped). */
  secretFor(wema: string): Promise<string | undefined>;
  /** Where an operator puts a WEMA's secret (an environment variable, an SSM parameter), to say so. */
  whereToSet(wema: string): string;
}

export const SiteProxySecretsToken = token<SiteProxySecrets>('SiteProxySecrets');
