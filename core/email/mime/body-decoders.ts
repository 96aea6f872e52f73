/**
 * Body decoders that write into one growing buffer. postal-mime's pass-through and base64 decoders
 * keep a chunk per line and join them through a Blob, which takes minutes on a 25 MiB body of short
 * lines; these are linear and copy each byte about twice.
 */

class ByteSink {
  private bytes = new Uint8Array(1024);
  private length = 0;

  protected reserve(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.length + extra) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  protected push(byte: number): void {
    this.reserve(1);
    this.bytes[this.length++] = byte;
  }

  protected append(chunk: Uint8Array): void {
    this.reserve(chunk.length);
    this.bytes.set(chunk, this.length);
    this.length += chunk.length;
  }

  finalize(): Promise<ArrayBuffer> {
    return Promise.resolve(this.bytes.buffer.slice(0, this.length));
  }
}

/** 7bit, 8bit, binary and unknown encodings: the lines as they are, each ended by LF. */
export class PassThroughSink extends ByteSink {
  update(line: Uint8Array): void {
    this.reserve(line.length + 1);
    this.append(line);
    this.push(0x0a);
  }
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const VALUE = new Int8Array(256).fill(-1);
for (let i = 0; i < B64.length; i++) VALUE[B64.charCodeAt(i)] = i;

/** Base64, skipping anything outside the alphabet; '=' ends a group, so concatenated encodings still decode. */
export class Base64Sink extends ByteSink {
  private acc = 0;
  private bits = 0;

  update(line: Uint8Array): void {
    this.reserve(line.length);
    for (const byte of line) {
      if (byte === 0x3d) {
        this.acc = 0;
        this.bits = 0;
        continue;
      }
      const value = VALUE[byte] ?? -1;
      if (value < 0) continue;
      this.acc = ((this.acc << 6) | value) & 0xffffff;
      this.bits += 6;
      if (this.bits >= 8) {
        this.bits -= 8;
        this.push((this.acc >> this.bits) & 0xff);
      }
    }
  }
}
