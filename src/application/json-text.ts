/**
 * An answer already serialised as JSON, which a driver sends as it is. Lists read from a store that
 * keeps reservations as JSON text are joined, not parsed and serialised again: for a week of a site's
 * calendar that was most of a request's cost (see the README's benchmark section).
 */
export class JsonText {
  private constructor(readonly text: string) {}

  static of(value: unknown): JsonText {
    return new JsonText(JSON.stringify(value));
  }

  /** A JSON array whose elements are each already JSON text. */
  static array(elements: readonly string[]): JsonText {
    return new JsonText(`[${elements.join(',')}]`);
  }
}
