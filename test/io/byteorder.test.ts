/** Tests the big-endian-host path of the little-endian byte helpers (simulated on any host). */

import { describe, expect, it } from 'vitest';
import { readLittleEndian, writeLittleEndian } from '../../src/io/byteorder.js';

describe('byte order', () => {
  it('reverses element bytes when the host is big-endian', () => {
    const read = readLittleEndian('int32', Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]), 2, false);
    expect(Array.from(new Uint8Array(read.buffer))).toEqual([4, 3, 2, 1, 8, 7, 6, 5]);
    const back = new Uint8Array(8);
    writeLittleEndian(read, back, false);
    expect(Array.from(back)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('copies bytes unchanged on a little-endian host and for single-byte types', () => {
    const bytes = Uint8Array.from([0, 0, 0xc0, 0x3f]);
    expect(Array.from(readLittleEndian('float32', bytes, 1, true))).toEqual([1.5]);
    expect(Array.from(readLittleEndian('int8', Uint8Array.from([255, 1]), 2, false))).toEqual([-1, 1]);
  });

  it('refuses a byte count that does not match the element count', () => {
    expect(() => readLittleEndian('float64', new Uint8Array(7), 1)).toThrow(/1 float64 elements need 8 bytes, got 7/);
  });
});
