import type { SiteProxySecrets } from '../../application/ports/site-proxy-secrets.port.js';

/** `SITE_PROXY_SECRET_<WEMA>` environment variables (e.g. SITE_PROXY_SECRET_MRC). */
export class EnvSiteProxySecrets implements SiteProxySecrets {
  constructor(private readonly env: Readonly<Record<string, string | undefined>>) {}

  async secretFor(wema: string): Promise<string | undefined> {
    const value = this.env[this.whereToSet(wema)];
    return value && value.trim() !== '' ? value : undefined;
  }

  whereToSet(wema: string): string {
    return `SITE_PROXY_SECRET_${wema.toUpperCase()}`;
  }
}
