import { ModelFormatError } from './modelFormatError';

/**
 * Length and SHA-256 of the files model.json lists (weight shards, catalog shards): what lets a
 * reader trust a cached copy and refuse a truncated or stale one.
 */
export interface FileChecksum {
  sha256: string;
  bytes: number;
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

export async function checksumOf(bytes: Uint8Array): Promise<FileChecksum> {
  return { sha256: await sha256Hex(bytes), bytes: bytes.byteLength };
}

/** Throws ModelFormatError naming `what` (e.g. "weight file x.bin") when `bytes` do not match. */
export async function verifyChecksum(
  what: string,
  bytes: Uint8Array,
  expected: FileChecksum,
): Promise<void> {
  if (bytes.byteLength !== expected.bytes) {
    throw new ModelFormatError(
      `${what} has ${bytes.byteLength} bytes, model.json says ${expected.bytes} (truncated or wrong file)`,
    );
  }
  const hash = await sha256Hex(bytes);
  if (hash !== expected.sha256) {
    throw new ModelFormatError(
      `${what} is corrupted: SHA-256 ${hash}, model.json says ${expected.sha256}`,
    );
  }
}
