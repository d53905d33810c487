import { GetParameterCommand, ParameterNotFound, type SSMClient } from '@aws-sdk/client-ssm';
import type { SiteProxySecrets } from '../../application/ports/site-proxy-secrets.port.js';
import { UpstreamUnavailableError } from '../../domain/errors.js';

/** SSM SecureString parameters `/site-proxy-secret/<wema>`, decrypted, cached for the process's life. */
export class SsmSiteProxySecrets implements SiteProxySecrets {
  private readonly cache = new Map<string, Promise<string | undefined>>();

  constructor(private readonly ssm: SSMClient, private readonly ttlMs = 10 * 60_000) {}

  secretFor(wema: string): Promise<string | undefined> {
    let value = this.cache.get(wema);
    if (!value) {
      value = this.fetch(wema);
      this.cache.set(wema, value);
      value.catch(() => this.cache.delete(wema));
      setTimeout(() => this.cache.delete(wema), this.ttlMs).unref();
    }
    return value;
  }

  private async fetch(wema: string): Promise<string | undefined> {
    try {
      const { Parameter } = await this.ssm.send(new GetParameterCommand({ Name: `/site-proxy-secret/${wema}`, WithDecryption: true }));
      return Parameter?.Value || undefined;
    } catch (error) {
      if (error instanceof ParameterNotFound || (error as Error).name === 'ParameterNotFound') return undefined;
      throw new UpstreamUnavailableError(`The secret of the ${wema} site proxy could not be read from SSM.`);
    }
  }
}
