import { open } from 'node:fs/promises';

/**
 * Writes a CSV file of `rows` rows `id,x,y,label` in ~1 MiB chunks (never the whole file in
 * memory). Row i holds id = i, x = (i mod 1000) / 8, y = −i / 4, label = `w${i mod 97}`:
 * every value is exact in float64, so sums over the parsed rows can be checked exactly.
 */
export async function writeCsvFixture(path: string, rows: number): Promise<number> {
  const handle = await open(path, 'w');
  let bytes = 0;
  try {
    let chunk = 'id,x,y,label\n';
    for (let i = 0; i < rows; i++) {
      chunk += `${i},${(i % 1000) / 8},${-i / 4},w${i % 97}\n`;
      if (chunk.length >= 1 << 20) {
        bytes += (await handle.write(chunk)).bytesWritten;
        chunk = '';
      }
    }
    if (chunk.length > 0) bytes += (await handle.write(chunk)).bytesWritten;
  } finally {
    await handle.close();
  }
  return bytes;
}
