import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';

/** No frame may be larger: a data chunk is at most 64 KiB before base64, a command line far less. */
export const MAX_FRAME_BYTES = 1024 * 1024;

export type Frame = Record<string, unknown> & { t: string };

export class FrameError extends Error {
  override name = 'FrameError';
}

/**
 * Length-prefixed JSON frames over a stream socket: 4 bytes of big-endian length, then UTF-8 JSON.
 * A frame over MAX_FRAME_BYTES, or one that is not a JSON object with a string `t`, ends the
 * connection: the peer is not a Carbon Atlas CLI or server of this release.
 */
export class FrameSocket extends EventEmitter<{ frame: [Frame]; close: [Error | undefined] }> {
  private buffered: Buffer = Buffer.alloc(0);
  private closed = false;

  constructor(readonly socket: Socket) {
    super();
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (error) => this.finish(error));
    socket.on('close', () => this.finish(undefined));
  }

  send(frame: Frame): void {
    if (this.closed) return;
    const body = Buffer.from(JSON.stringify(frame), 'utf8');
    if (body.length > MAX_FRAME_BYTES) throw new FrameError(`A control frame of ${body.length} bytes is over the ${MAX_FRAME_BYTES}-byte limit.`);
    const head = Buffer.alloc(4);
    head.writeUInt32BE(body.length);
    this.socket.write(Buffer.concat([head, body]));
  }

  end(): void {
    this.socket.end();
  }

  private receive(chunk: Buffer) {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    while (this.buffered.length >= 4) {
      const length = this.buffered.readUInt32BE(0);
      if (length > MAX_FRAME_BYTES) return this.fail(new FrameError(`A control frame announced ${length} bytes, over the ${MAX_FRAME_BYTES}-byte limit.`));
      if (this.buffered.length < 4 + length) return;
      const body = this.buffered.subarray(4, 4 + length);
      this.buffered = this.buffered.subarray(4 + length);
      let frame: unknown;
      try {
        frame = JSON.parse(body.toString('utf8'));
      } catch {
        return this.fail(new FrameError('A control frame is not JSON.'));
      }
      if (typeof frame !== 'object' || frame === null || typeof (frame as Frame).t !== 'string') return this.fail(new FrameError('A control frame has no type.'));
      this.emit('frame', frame as Frame);
    }
  }

  private fail(error: Error) {
    this.socket.destroy();
    this.finish(error);
  }

  private finish(error: Error | undefined) {
    if (this.closed) return;
    this.closed = true;
    this.emit('close', error);
  }
}
