import { token } from '../token.js';

/** The sites the calendar knows of: those that have had events. */
export interface SiteRegistry {
  /** Every site that has had events, in order (a listing: it may lag a write by moments on DynamoDB). */
  sitesWithEvents(): Promise<string[]>;
}

export const SiteRegistryToken = token<SiteRegistry>('SiteRegistry');
