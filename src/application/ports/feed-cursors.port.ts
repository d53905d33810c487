import type { FeedCursor } from '../../domain/feed.js';
import { token } from '../token.js';

/**
 * Turns a change-feed cursor into the opaque text handed out as `next`, and back. Only this
 * deployment can make a text that opens: the seq and issue time inside cannot be read, made up or
 * altered, and a cursor opens only for the site it was handed out for. The texts stay good across
 * restarts and between every process and Lambda instance of the deployment.
 */
export interface FeedCursorCodec {
  seal(cursor: FeedCursor): Promise<string>;
  /** The cursor inside `text`, when this deployment sealed it for `site`; undefined otherwise. */
  open(text: string, site: string): Promise<FeedCursor | undefined>;
}

export const FeedCursorCodecToken = token<FeedCursorCodec>('FeedCursorCodec');
