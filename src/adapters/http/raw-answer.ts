/** An answer sent as it is, not as JSON: a calendar feed, or its 304. */
export class RawAnswer {
  constructor(
    readonly status: number,
    /** Text, or bytes already encoded (UTF-8) when the same answer is sent many times. */
    readonly body: string | Buffer,
    readonly contentType: string,
    readonly headers: Readonly<Record<string, string>>,
  ) {}
}
