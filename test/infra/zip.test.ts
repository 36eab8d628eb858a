import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { zipFiles } from '../../infra/zip.ts';

/** Reads a ZIP through its central directory, as unzip and Lambda do. */
function readZip(zip: Buffer): Map<string, Buffer> {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    files.set(name, inflateRawSync(zip.subarray(dataStart, dataStart + size)));
    at += 46 + nameLength;
  }
  return files;
}

describe('zipFiles', () => {
  it('round-trips every entry through the central directory', () => {
    const code = Buffer.from('export const handler = async () => ({ ok: true });\n'.repeat(100));
    const files = readZip(
      zipFiles([
        { name: 'index.mjs', data: code },
        { name: 'lib/empty.txt', data: Buffer.alloc(0) },
      ]),
    );
    expect([...files.keys()]).toEqual(['index.mjs', 'lib/empty.txt']);
    expect(files.get('index.mjs')?.equals(code)).toBe(true);
    expect(files.get('lib/empty.txt')?.length).toBe(0);
  });

  it('is byte-for-byte deterministic, so the code hash changes only with the code', () => {
    const entry = [{ name: 'index.mjs', data: Buffer.from('x') }];
    expect(zipFiles(entry).equals(zipFiles(entry))).toBe(true);
    expect(zipFiles(entry).equals(zipFiles([{ name: 'index.mjs', data: Buffer.from('y') }]))).toBe(false);
  });
});
