/**
 * The server side of SPDY/3.1 as kubectl's SPDY streaming (moby/spdystream) uses it for exec:
 * the client opens one stream per channel (`streamtype: error|stdin|stdout|stderr|resize`) with
 * SYN_STREAM, the server accepts each with SYN_REPLY, then both sides send DATA frames.
 *
 * Header blocks are zlib-compressed with SPDY's dictionary, one zlib stream per direction for
 * the whole connection. Incoming blocks are inflated by re-inflating the whole (small) stream so
 * far; outgoing blocks are written as stored (uncompressed) deflate blocks, which any inflater
 * reads, so no compressor state has to be kept.
 */
import { createRequire } from 'node:module';
import type { Duplex } from 'node:stream';
import { constants, inflateSync } from 'node:zlib';

const require = createRequire(import.meta.url);
// The SPDY/3 header dictionary, from the spdy-transport package (data, not code).
const DICTIONARY = (
  require('spdy-transport/lib/spdy-transport/protocol/spdy/dictionary.js') as Record<string, Buffer>
)['3'] as Buffer;

const SYN_STREAM = 1;
const SYN_REPLY = 2;
const RST_STREAM = 3;
const PING = 6;
const GOAWAY = 7;
const FLAG_FIN = 0x01;

function adler32(data: Buffer): number {
  let a = 1;
  let b = 0;
  for (const byte of data) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

export interface SpdyStreamEvents {
  /** A stream the client opened, with its `streamtype` header. */
  onStream(id: number, type: string): void;
  onData(id: number, data: Buffer): void;
  onFin(id: number): void;
  onClose(): void;
}

export class SpdyConnection {
  private input: Buffer = Buffer.alloc(0);
  private readonly compressedIn: Buffer[] = [];
  private inflatedLength = 0;
  private headerStreamStarted = false;
  private closed = false;

  constructor(
    private readonly socket: Duplex,
    private readonly events: SpdyStreamEvents,
  ) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('close', () => this.markClosed());
    socket.on('error', () => this.markClosed());
  }

  write(id: number, data: Buffer, fin = false): void {
    if (this.closed) return;
    for (let offset = 0; offset < data.length || (offset === 0 && fin);) {
      const chunk = data.subarray(offset, offset + 0xffff);
      offset += Math.max(chunk.length, 1);
      const last = offset >= data.length;
      const head = Buffer.alloc(8);
      head.writeUInt32BE(id & 0x7fffffff, 0);
      head.writeUInt8(fin && last ? FLAG_FIN : 0, 4);
      head.writeUIntBE(chunk.length, 5, 3);
      this.socket.write(Buffer.concat([head, chunk]));
      if (last) break;
    }
  }

  end(id: number): void {
    this.write(id, Buffer.alloc(0), true);
  }

  /** Says goodbye and closes the connection. */
  close(): void {
    if (this.closed) return;
    const payload = Buffer.alloc(8);
    this.socket.write(this.control(GOAWAY, 0, payload));
    this.socket.end();
    this.markClosed();
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.events.onClose();
  }

  private control(type: number, flags: number, payload: Buffer): Buffer {
    const head = Buffer.alloc(8);
    head.writeUInt16BE(0x8003, 0);
    head.writeUInt16BE(type, 2);
    head.writeUInt8(flags, 4);
    head.writeUIntBE(payload.length, 5, 3);
    return Buffer.concat([head, payload]);
  }

  /** An empty header block, as a stored deflate block of the outgoing zlib stream. */
  private headerBlock(): Buffer {
    const block = Buffer.alloc(4); // zero name/value pairs
    const stored = Buffer.alloc(5);
    stored.writeUInt8(0, 0); // not final, stored
    stored.writeUInt16LE(block.length, 1);
    stored.writeUInt16LE(~block.length & 0xffff, 3);
    // Then an empty stored block, as zlib's Z_SYNC_FLUSH ends each frame: inflaters (Go's
    // flate) hand out what they have only when they see it.
    const syncFlush = Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff]);
    const parts = [stored, block, syncFlush];
    if (!this.headerStreamStarted) {
      this.headerStreamStarted = true;
      const zlibHeader = Buffer.alloc(6);
      zlibHeader.writeUInt16BE(0x7820, 0); // deflate, 32K window, preset dictionary
      zlibHeader.writeUInt32BE(adler32(DICTIONARY), 2);
      parts.unshift(zlibHeader);
    }
    return Buffer.concat(parts);
  }

  private receive(chunk: Buffer): void {
    this.input = this.input.length === 0 ? chunk : Buffer.concat([this.input, chunk]);
    while (this.input.length >= 8) {
      const length = this.input.readUIntBE(5, 3);
      if (this.input.length < 8 + length) return;
      const frame = this.input.subarray(0, 8 + length);
      this.input = this.input.subarray(8 + length);
      this.handle(frame);
    }
  }

  private handle(frame: Buffer): void {
    const flags = frame.readUInt8(4);
    const payload = frame.subarray(8);
    if ((frame.readUInt8(0) & 0x80) === 0) {
      const id = frame.readUInt32BE(0) & 0x7fffffff;
      if (payload.length > 0) this.events.onData(id, payload);
      if (flags & FLAG_FIN) this.events.onFin(id);
      return;
    }
    const type = frame.readUInt16BE(2);
    if (type === SYN_STREAM) {
      const id = payload.readUInt32BE(0) & 0x7fffffff;
      const headers = this.inflateHeaders(payload.subarray(10));
      const reply = Buffer.alloc(4);
      reply.writeUInt32BE(id, 0);
      this.socket.write(this.control(SYN_REPLY, 0, Buffer.concat([reply, this.headerBlock()])));
      this.events.onStream(id, headers.streamtype ?? '');
      if (flags & FLAG_FIN) this.events.onFin(id);
    } else if (type === RST_STREAM) {
      this.events.onFin(payload.readUInt32BE(0) & 0x7fffffff);
    } else if (type === PING) {
      this.socket.write(frame);
    } else if (type === GOAWAY) {
      this.socket.end();
      this.markClosed();
    }
    // SETTINGS and WINDOW_UPDATE need no answer: exec output is small.
  }

  private inflateHeaders(block: Buffer): Record<string, string> {
    this.compressedIn.push(block);
    const all = inflateSync(Buffer.concat(this.compressedIn), {
      dictionary: DICTIONARY,
      finishFlush: constants.Z_SYNC_FLUSH,
    });
    const mine = all.subarray(this.inflatedLength);
    this.inflatedLength = all.length;
    const headers: Record<string, string> = {};
    let offset = 4;
    const pairs = mine.readUInt32BE(0);
    for (let i = 0; i < pairs; i++) {
      const nameLength = mine.readUInt32BE(offset);
      const name = mine.toString('utf8', offset + 4, offset + 4 + nameLength);
      offset += 4 + nameLength;
      const valueLength = mine.readUInt32BE(offset);
      headers[name.toLowerCase()] = mine.toString('utf8', offset + 4, offset + 4 + valueLength);
      offset += 4 + valueLength;
    }
    return headers;
  }
}
