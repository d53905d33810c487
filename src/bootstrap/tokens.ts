/** The composition root's own tokens: what it binds beside the application's ports and settings. */
import { ContainerModule, type BindToFluentSyntax } from 'inversify';
import type { Logger } from 'pino';
import type { Token } from '../application/token.js';
import { token } from '../application/token.js';
import type { ServiceKeySource } from '../adapters/auth/service-keys.js';
import type { ReadCache } from '../adapters/http/read-cache.js';
import type { AppConfig } from './config.js';

export const ConfigToken = token<AppConfig>('AppConfig');
export const LoggerToken = token<Logger>('Logger');
/** The read cache of the HTTP drivers; undefined where there is none (see storageModule). */
export const ReadCacheToken = token<ReadCache | undefined>('ReadCache');
/** The keys trusted backends send as X-Api-Key: a fixed list, or a source that fetches them. */
export const ServiceApiKeysToken = token<readonly string[] | ServiceKeySource>('ServiceApiKeys');

/** inversify's bind for a token: it takes a value of the token's type only (its own bind takes anything for a symbol). */
export type TypedBind = <T>(key: Token<T>) => BindToFluentSyntax<T>;

/** A container module whose bindings are checked against their tokens' types (see TypedBind). */
export function typedModule(register: (bind: TypedBind) => void): ContainerModule {
  return new ContainerModule(({ bind }) => register(<T>(key: Token<T>) => bind<T>(key)));
}
