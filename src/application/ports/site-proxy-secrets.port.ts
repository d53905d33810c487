import { token } from '../token.js';
/** The per-WEMA secrets of the LCO site proxies. */
export interface SiteProxySecrets {
  /** The secret for a WEMA, or undefined when none is configured (that WEMA is then skipped). */
  secretFor(wema: string): Promise<string | undefined>;
}

export const SiteProxySecretsToken = token<SiteProxySecrets>('SiteProxySecrets');
