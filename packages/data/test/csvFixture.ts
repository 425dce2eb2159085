import { open } from 'node:fs/promises';

const encoder = new TextEncoder();
const fractions = ['', '.25', '.5', '.75'].map((text) => encoder.encode(text));
const xFields = Array.from({ length: 1000 }, (_, k) => encoder.encode(`,${k / 8},`));
const labelFields = Array.from({ length: 97 }, (_, k) => encoder.encode(`,w${k}\n`));

/**
 * Writes a CSV file of `rows` rows `id,x,y,label` through a 1 MiB byte buffer (never the whole
 * file in memory). Row i holds id = i, x = (i mod 1000) / 8, y = −i / 4, label = `w${i mod 97}`,
 * written as JavaScript prints them: every value is exact in float64, so sums over the parsed
 * rows can be checked exactly. Digits are formatted into the buffer directly because building
 * 7 million strings would take as long as parsing them.
 */
export async function writeCsvFixture(path: string, rows: number): Promise<number> {
  const handle = await open(path, 'w');
  const buffer = new Uint8Array(1 << 20);
  let n = 0;
  let bytes = 0;
  const put = (part: Uint8Array) => {
    for (let k = 0; k < part.length; k++) buffer[n++] = part[k];
  };
  const putInteger = (value: number) => {
    const start = n;
    do {
      buffer[n++] = 48 + (value % 10);
      value = Math.floor(value / 10);
    } while (value > 0);
    buffer.subarray(start, n).reverse();
  };
  try {
    put(encoder.encode('id,x,y,label\n'));
    for (let i = 0; i < rows; i++) {
      putInteger(i);
      put(xFields[i % 1000]);
      if (i === 0) buffer[n++] = 48;
      else {
        buffer[n++] = 45;
        putInteger(Math.floor(i / 4));
        put(fractions[i % 4]);
      }
      put(labelFields[i % 97]);
      if (n > buffer.length - 128) {
        bytes += (await handle.write(buffer, 0, n)).bytesWritten;
        n = 0;
      }
    }
    if (n > 0) bytes += (await handle.write(buffer, 0, n)).bytesWritten;
  } finally {
    await handle.close();
  }
  return bytes;
}
