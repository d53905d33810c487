import { token } from '../token.js';

/**
 * A number that changes whenever a change is committed to the store, by this process or by any
 * other sharing it: an answer read from the store stays right while the number stays the same.
 */
export interface StoreVersion {
  /** The version now; cheap enough to ask on every request. */
  current(): number;
}

export const StoreVersionToken = token<StoreVersion>('StoreVersion');
