import type { Readable } from 'node:stream';
import { BadRequestError } from '../../../platform/errors.js';

/** A longer line is refused: no record needs it, and one line is held in memory whole. */
export const MAX_LINE_BYTES = 1024 * 1024;

const LF = 0x0a;
const CR = 0x0d;

/**
 * The stream's lines as text, split on LF, CRLF or a lone CR (as readline does), without the
 * terminator; a last line without one is yielded too. Iterates the stream itself rather than
 * through `readline`, whose Interface re-emits a failing input's error as an 'error' event that
 * nothing listens to — a lost database connection under an import job crashed the process. Here a
 * failing stream rejects the iteration, and the caller decides. Splits on bytes (CR and LF never
 * occur inside a UTF-8 sequence) and decodes each line whole, so a character cut between two chunks
 * stays intact.
 */
export async function* lines(stream: Readable, maxLineBytes = MAX_LINE_BYTES): AsyncGenerator<string> {
  let held: Buffer[] = [];
  let heldBytes = 0;
  let afterCR = false; // a CR ended the previous chunk: an LF opening the next one belongs to it
  let line = 0;
  const tooLong = () => new BadRequestError(`Line ${line + 1} is longer than ${maxLineBytes} bytes, the most a line may hold.`);
  const take = (tail: Buffer) => {
    const text = Buffer.concat([...held, tail]).toString('utf8');
    held = [];
    heldBytes = 0;
    line += 1;
    return text;
  };
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let start = afterCR && bytes[0] === LF ? 1 : 0;
    afterCR = false;
    for (let at = start; at < bytes.length; at += 1) {
      const byte = bytes[at];
      if (byte !== LF && byte !== CR) continue;
      if (heldBytes + at - start > maxLineBytes) throw tooLong();
      yield take(bytes.subarray(start, at));
      if (byte === CR && bytes[at + 1] === LF) at += 1;
      else if (byte === CR && at + 1 === bytes.length) afterCR = true;
      start = at + 1;
    }
    if (start < bytes.length) {
      held.push(bytes.subarray(start));
      heldBytes += bytes.length - start;
      if (heldBytes > maxLineBytes) throw tooLong();
    }
  }
  if (heldBytes > 0) yield take(Buffer.alloc(0));
}
