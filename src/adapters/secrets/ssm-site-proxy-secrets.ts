import type { SSMClient } from '@aws-sdk/client-ssm';
import type { SiteProxySecrets } from '../../application/ports/site-proxy-secrets.port.js';
import { UpstreamUnavailableError } from '../../domain/errors.js';

/**
 * SSM SecureString parameters `/site-proxy-secret/<wema>`, decrypted, cached for a while. The SSM
 * SDK (about 80 ms to load) is loaded on first use, so Lambda cold starts that never touch LCO
 * do not pay for it.
 */
export class SsmSiteProxySecrets implements SiteProxySecrets {
  private readonly cache = new Map<string, Promise<string | undefined>>();
  private sdk?: Promise<{ client: SSMClient; GetParameterCommand: typeof import('@aws-sdk/client-ssm').GetParameterCommand; ParameterNotFound: typeof import('@aws-sdk/client-ssm').ParameterNotFound }>;

  /** `client` (tests) or `region` (the SDK client is made on first use). */
  constructor(private readonly source: { client: SSMClient } | { region: string }, private readonly ttlMs = 10 * 60_000) {}

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

  private loadSdk() {
    this.sdk ??= import('@aws-sdk/client-ssm').then(({ SSMClient, GetParameterCommand, ParameterNotFound }) => ({
      client: 'client' in this.source ? this.source.client : new SSMClient({ region: this.source.region }),
      GetParameterCommand,
      ParameterNotFound,
    }));
    return this.sdk;
  }

  whereToSet(wema: string): string {
    return `the SSM SecureString parameter ${parameterName(wema)}`;
  }

  private async fetch(wema: string): Promise<string | undefined> {
    const { client, GetParameterCommand, ParameterNotFound } = await this.loadSdk();
    try {
      const { Parameter } = await client.send(new GetParameterCommand({ Name: parameterName(wema), WithDecryption: true }));
      return Parameter?.Value || undefined;
    } catch (error) {
      if (error instanceof ParameterNotFound) return undefined;
      throw new UpstreamUnavailableError(`The secret of the ${wema} site proxy could not be read from SSM.`);
    }
  }
}

const parameterName = (wema: string): string => `/site-proxy-secret/${wema}`;
