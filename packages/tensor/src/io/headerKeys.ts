/**
 * The keys of the outermost object of a JSON text, in order and with repeats (which `JSON.parse`
 * would merge silently). The text must already be valid JSON holding an object.
 *
 * @example
 * readHeaderKeys('{"a":1,"b":{"c":2},"a":3}'); // ['a', 'b', 'a']
 */
export function readHeaderKeys(text: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const character = text[i];
    if (character === '"') {
      const start = i;
      i++;
      while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      if (depth === 1 && expectKey) keys.push(JSON.parse(text.slice(start, i + 1)) as string);
      expectKey = false;
    } else if (character === '{' || character === '[') {
      depth++;
      expectKey = character === '{' && depth === 1;
    } else if (character === '}' || character === ']') {
      depth--;
    } else if (character === ',' && depth === 1) {
      expectKey = true;
    }
  }
  return keys;
}
