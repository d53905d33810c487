/** The composition root's own tokens: what it binds beside the application's ports and settings. */
import type { Logger } from 'pino';
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
