/** An answer sent as it is, not as JSON: a calendar feed, or its 304. */
export class RawAnswer {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly contentType: string,
    readonly headers: Readonly<Record<string, string>>,
  ) {}
}
