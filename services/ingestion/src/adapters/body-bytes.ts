/**
 * Bytes a body must have sent before it gets a buffer of its declared length. Most deliveries are
 * smaller and arrive in one chunk, which is then handed on as it is, never copied.
 */
export const OWN_BUFFER_AFTER_BYTES = 64 * 1024;

/**
 * A body's bytes as they arrive: chunks at first; once a body with a declared length has sent
 * OWN_BUFFER_AFTER_BYTES, one buffer of that length that each chunk is copied into. So a large
 * body is never concatenated at the end (its chunks and their copy both live at once), and the
 * buffer is made only for a client that has sent that much, never on the strength of a header.
 * `cost` says what memory a chunk takes, for the budget to hold before `add`.
 */
export class BodyBytes {
  private chunks: Buffer[] = [];
  private buffer: Buffer | undefined;
  private length = 0;

  constructor(private readonly declared: number | undefined) {}

  get size(): number {
    return this.length;
  }

  /**
   * Memory `bytes` more take: their own while in chunks; when they bring the buffer, all a body
   * of the declared length can take, paid at once (twice that length: the buffer, and the chunks
   * copied into it, which node frees only at a garbage collection); nothing after.
   */
  cost(bytes: number): number {
    if (this.buffer !== undefined) return 0;
    return this.declared !== undefined && this.wantsBuffer(this.length + bytes)
      ? 2 * this.declared - this.length
      : bytes;
  }

  add(part: Buffer): void {
    if (
      this.buffer === undefined &&
      this.declared !== undefined &&
      this.wantsBuffer(this.length + part.length)
    ) {
      this.buffer = Buffer.allocUnsafe(this.declared);
      let at = 0;
      for (const chunk of this.chunks) at += chunk.copy(this.buffer, at);
      this.chunks = [];
    }
    // The HTTP parser ends a body at its declared length, so a chunk never overruns the buffer.
    if (this.buffer !== undefined) part.copy(this.buffer, this.length);
    else this.chunks.push(part);
    this.length += part.length;
  }

  /** What has arrived, as one buffer. */
  whole(): Buffer {
    if (this.buffer !== undefined) return this.buffer.subarray(0, this.length);
    return this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks, this.length);
  }

  /** Lets go of everything (the body was ended). */
  drop(): void {
    this.chunks = [];
    this.buffer = undefined;
  }

  /** Worth a buffer: past the threshold with more still to come (a body complete now is not copied). */
  private wantsBuffer(after: number): boolean {
    return after >= OWN_BUFFER_AFTER_BYTES && (this.declared ?? 0) > after;
  }
}
