import type { SSMClient } from '@aws-sdk/client-ssm';
import { IdentityUnavailableError } from '../../domain/errors.js';
import { parseServiceApiKeys, type ServiceKeySource } from './service-keys.js';

interface SsmServiceApiKeysOptions {
  /** The SecureString parameter holding the comma-separated keys. */
  readonly parameterName: string;
  /** `client` (tests) or `region` (the SDK client is made on first use). */
  readonly source: { client: SSMClient } | { region: string };
  /** How long a fetched set is used before it is read again (a rotated key takes effect within it). */
  readonly ttlMs?: number;
  readonly nowMs?: () => number;
  /** Told when the parameter cannot be read or holds an invalid key. */
  readonly onError?: (error: unknown) => void;
}

/**
 * The service keys from an SSM SecureString parameter, decrypted, so that they never stand in the
 * function's environment (and so in its CloudFormation template). Read on first use, shared by
 * concurrent callers, and read again after `ttlMs`. A missing parameter means no service keys; a
 * failed read answers 503 (the key cannot be checked), keeping a set read before if there is one.
 */
export class SsmServiceApiKeys implements ServiceKeySource {
  private cached?: { keys: readonly string[]; until: number };
  private reading?: Promise<readonly string[]>;
  private readonly ttlMs: number;
  private readonly nowMs: () => number;
  private sdk?: Promise<{ client: SSMClient; GetParameterCommand: typeof import('@aws-sdk/client-ssm').GetParameterCommand; ParameterNotFound: typeof import('@aws-sdk/client-ssm').ParameterNotFound }>;

  constructor(private readonly options: SsmServiceApiKeysOptions) {
    this.ttlMs = options.ttlMs ?? 5 * 60_000;
    this.nowMs = options.nowMs ?? Date.now;
  }

  async keys(): Promise<readonly string[]> {
    if (this.cached && this.nowMs() < this.cached.until) return this.cached.keys;
    this.reading ??= this.read().finally(() => {
      this.reading = undefined;
    });
    try {
      return await this.reading;
    } catch (error) {
      if (this.cached) return this.cached.keys;
      throw error;
    }
  }

  private loadSdk() {
    // The SSM SDK is loaded by the first request with a service key, not at a cold start.
    this.sdk ??= import('@aws-sdk/client-ssm').then(({ SSMClient, GetParameterCommand, ParameterNotFound }) => ({
      client: 'client' in this.options.source ? this.options.source.client : new SSMClient({ region: this.options.source.region }),
      GetParameterCommand,
      ParameterNotFound,
    }));
    return this.sdk;
  }

  private async read(): Promise<readonly string[]> {
    const { client, GetParameterCommand, ParameterNotFound } = await this.loadSdk();
    let text: string;
    try {
      const { Parameter } = await client.send(new GetParameterCommand({ Name: this.options.parameterName, WithDecryption: true }));
      text = Parameter?.Value ?? '';
    } catch (error) {
      if (!(error instanceof ParameterNotFound)) {
        this.options.onError?.(error);
        throw new IdentityUnavailableError('The service keys cannot be read right now; retry later.');
      }
      text = '';
    }
    const keys = parseServiceApiKeys(text);
    if (keys === undefined) {
      this.options.onError?.(new Error(`${this.options.parameterName} holds a key shorter than 16 characters; no service key is accepted`));
    }
    this.cached = { keys: keys ?? [], until: this.nowMs() + this.ttlMs };
    return this.cached.keys;
  }
}
