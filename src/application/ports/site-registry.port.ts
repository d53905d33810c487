import { token } from '../token.js';

/** The sites with events: those that have had events, configured or not. */
export interface SiteRegistry {
  /** Every site that has had events, in order (a listing: it may lag a write by moments on DynamoDB). */
  sitesWithEvents(): Promise<string[]>;
}

export const SiteRegistryToken = token<SiteRegistry>('SiteRegistry');
