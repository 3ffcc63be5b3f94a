// Over --stdio, LSP messages are framed by a Content-Length header. One frame whose length is
// wrong leaves vscode-jsonrpc's reader mid-message for good: it reports a header error on every
// chunk and drops everything after, so the server stays alive but deaf. Nothing can resynchronise
// safely (the bytes that follow could be anywhere in a message, and requests inside the lost
// stretch would never be answered), so the server exits with an error and the client restarts it
// with its documents re-sent. FrameMonitor follows the framing beside the reader (it only counts
// bytes; it never parses a body) and says when it breaks.

/** The longest header section accepted (real ones are under 100 bytes). */
export const MAX_HEADER_BYTES = 8 * 1024;
/** The largest frame accepted: far beyond any document the analysis takes. */
export const MAX_FRAME_BYTES = 256 * 1024 * 1024;

const CRLF2 = Buffer.from("\r\n\r\n");

export class FrameMonitor {
  /** Body bytes still to skip (-1: reading a header). */
  private remaining = -1;
  private header = Buffer.alloc(0);
  /** Where the stream broke, once it has. */
  broken: string | null = null;
  /** Complete frames seen (for the message). */
  frames = 0;

  /** Feeds a chunk of stdin; returns the reason the framing broke, or null while it holds. */
  push(chunk: Buffer): string | null {
    let at = 0;
    while (!this.broken && at < chunk.length) {
      if (this.remaining >= 0) {
        const take = Math.min(this.remaining, chunk.length - at);
        at += take;
        this.remaining -= take;
        if (this.remaining === 0) { this.remaining = -1; this.frames++; }
        continue;
      }
      // Reading a header: keep at most MAX_HEADER_BYTES of it.
      const room = MAX_HEADER_BYTES + CRLF2.length - this.header.length;
      const piece = chunk.subarray(at, at + room);
      const joined = this.header.length ? Buffer.concat([this.header, piece]) : piece;
      const end = joined.indexOf(CRLF2);
      if (end < 0) {
        if (joined.length > MAX_HEADER_BYTES) { this.fail(`no end of header within ${MAX_HEADER_BYTES} bytes`); return this.broken; }
        this.header = Buffer.from(joined);
        at += piece.length;
        continue;
      }
      const consumed = end + CRLF2.length - this.header.length;
      const length = this.parseHeader(joined.subarray(0, end).toString("latin1"));
      this.header = Buffer.alloc(0);
      if (length === null) return this.broken;
      at += consumed;
      this.remaining = length;
      if (length === 0) { this.remaining = -1; this.frames++; }
    }
    return this.broken;
  }

  private parseHeader(text: string): number | null {
    let length: number | null = null;
    for (const line of text.split("\r\n")) {
      const m = /^([A-Za-z][A-Za-z0-9-]*):[ \t]*(.*)$/.exec(line);
      if (!m) return this.fail(`not a header line: ${JSON.stringify(line.slice(0, 60))}`);
      if (m[1]!.toLowerCase() !== "content-length") continue;
      if (!/^\d+$/.test(m[2]!.trim())) return this.fail(`Content-Length is not a number: ${JSON.stringify(m[2]!.slice(0, 30))}`);
      length = Number(m[2]!.trim());
      if (length > MAX_FRAME_BYTES) return this.fail(`Content-Length ${length} is over the ${MAX_FRAME_BYTES}-byte limit`);
    }
    if (length === null) return this.fail("a header without Content-Length");
    return length;
  }

  private fail(why: string): null {
    this.broken = `${why} (after ${this.frames} well-framed message${this.frames === 1 ? "" : "s"}): the previous frame's Content-Length was probably wrong`;
    return null;
  }
}

/**
 * Watches a stdio server's input beside the LSP reader; on a framing error, writes the reason to
 * stderr and exits with code 1 (the client restarts the server). A second 'data' listener sees
 * the same chunks as the reader and changes nothing for it.
 */
export function exitOnBrokenFraming(input: NodeJS.ReadableStream, exit: (code: number) => void = (c) => process.exit(c)): FrameMonitor {
  const monitor = new FrameMonitor();
  input.on("data", (chunk: Buffer | string) => {
    if (monitor.broken) return;
    const why = monitor.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
    if (why) {
      process.stderr.write(`scoremod language server: the LSP input stream is out of sync (${why}); exiting so that the client restarts the server\n`);
      exit(1);
    }
  });
  return monitor;
}
