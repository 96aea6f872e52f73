/**
 * An R2 object written as its bytes arrive: a file that stays small is one
 * `put`; one that outgrows a part becomes a multipart upload of equal parts
 * (R2 wants every part but the last the same size, at least 5 MiB), so at
 * most one part is held in memory. The content's SHA-256 rides along as
 * custom metadata of a single-put file: when a rollup produces exactly what
 * is stored, nothing is written, so an unchanged period (the usual case for
 * last month) costs no write and never meets R2's one-write-per-second-per-key
 * limit. A multipart file is always committed: its digest is known only
 * after its parts are uploaded, when its metadata can no longer be set.
 */
import type { ByteSink } from "../../core/insights/parquet-stream";

/** 8 MiB: above R2's 5 MiB floor, and small beside the object's 128 MB. */
export const PART_BYTES = 8 * 1024 * 1024;

export const PARQUET_TYPE = "application/vnd.apache.parquet";

export interface WrittenObject {
  bytes: number;
  /** False when the stored object already held exactly these bytes. */
  written: boolean;
  parts: number;
}

const hex = (digest: ArrayBuffer) => [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");

export class R2ObjectSink implements ByteSink {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private total = 0;
  private upload: R2MultipartUpload | null = null;
  private readonly parts: R2UploadedPart[] = [];

  constructor(
    private readonly bucket: R2Bucket,
    private readonly key: string,
    private readonly partBytes = PART_BYTES,
  ) {}

  async write(chunk: Uint8Array): Promise<void> {
    this.pending.push(chunk);
    this.pendingBytes += chunk.byteLength;
    this.total += chunk.byteLength;
    while (this.pendingBytes >= this.partBytes) await this.uploadPart(this.take(this.partBytes));
  }

  /** Commits the object (or leaves the stored one if it is identical). */
  async close(): Promise<WrittenObject> {
    try {
      if (!this.upload) return await this.putWhole(this.take(this.pendingBytes));
      if (this.pendingBytes > 0) await this.uploadPart(this.take(this.pendingBytes));
      await this.upload.complete(this.parts);
      this.upload = null;
      return { bytes: this.total, written: true, parts: this.parts.length };
    } catch (e) {
      await this.abort();
      throw e;
    }
  }

  /** Drops a multipart upload left half done (an encoding or read error). */
  async abort(): Promise<void> {
    const upload = this.upload;
    this.upload = null;
    if (upload) await upload.abort().catch(() => undefined);
  }

  private async putWhole(bytes: Uint8Array): Promise<WrittenObject> {
    const sha256 = hex(await crypto.subtle.digest("SHA-256", bytes));
    if (await this.storedDigestIs(sha256)) return { bytes: bytes.byteLength, written: false, parts: 0 };
    await this.bucket.put(this.key, bytes, { httpMetadata: { contentType: PARQUET_TYPE }, customMetadata: { sha256 }, sha256 });
    return { bytes: bytes.byteLength, written: true, parts: 0 };
  }

  private async uploadPart(part: Uint8Array): Promise<void> {
    if (!this.upload) {
      this.upload = await this.bucket.createMultipartUpload(this.key, { httpMetadata: { contentType: PARQUET_TYPE } });
    }
    this.parts.push(await this.upload.uploadPart(this.parts.length + 1, part));
  }

  private async storedDigestIs(sha256: string): Promise<boolean> {
    const head = await this.bucket.head(this.key);
    return head?.customMetadata?.sha256 === sha256 && head.size === this.total;
  }

  /** Exactly `n` bytes from the front of what is pending, as one array. */
  private take(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let at = 0;
    while (at < n) {
      const head = this.pending[0] as Uint8Array;
      const need = n - at;
      if (head.byteLength <= need) {
        out.set(head, at);
        at += head.byteLength;
        this.pending.shift();
      } else {
        out.set(head.subarray(0, need), at);
        this.pending[0] = head.subarray(need);
        at += need;
      }
    }
    this.pendingBytes -= n;
    return out;
  }
}
