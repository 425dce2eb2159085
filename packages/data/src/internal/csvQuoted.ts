/** A record that holds quotes, parsed field by field (the rare, slow path of the CSV reader). */
export interface QuotedRecord {
  fields: string[];
  next: number;
  lines: number;
  error?: string;
  got?: string;
  errorLine?: number;
  errorColumn?: number;
}

/** Parses one record that contains quotes; `undefined` when it continues past the end of `text`. */
export function parseQuoted(text: string, start: number, delimiter: string, final: boolean): QuotedRecord | undefined {
  const fields: string[] = [];
  let lines = 1;
  let lineStart = start;
  let i = start;
  const n = text.length;
  for (;;) {
    if (text.charCodeAt(i) === 34) {
      let value = '';
      let from = i + 1;
      for (;;) {
        const close = text.indexOf('"', from);
        if (close < 0 || close + 1 >= n) {
          if (!final) return undefined;
          if (close < 0) return { fields, next: n, lines, error: 'a closing quote', got: 'the end of the input', errorLine: lines - 1, errorColumn: i - lineStart + 1 };
        }
        for (let k = text.indexOf('\n', from); k >= 0 && k < close; k = text.indexOf('\n', k + 1)) {
          lines++;
          lineStart = k + 1;
        }
        value += text.slice(from, close);
        if (text.charCodeAt(close + 1) === 34) {
          value += '"';
          from = close + 2;
          continue;
        }
        i = close + 1;
        break;
      }
      fields.push(value);
    } else {
      let stop = i;
      while (stop < n) {
        const code = text.charCodeAt(stop);
        if (code === 10 || code === 34 || text[stop] === delimiter) break;
        stop++;
      }
      if (text.charCodeAt(stop) === 34) return { fields, next: n, lines, error: 'a quote only at the start of a field', got: 'a quote inside an unquoted field', errorLine: lines - 1, errorColumn: stop - lineStart + 1 };
      fields.push(text.slice(i, stop).replace(/\r$/, ''));
      i = stop;
    }
    if (i >= n) return final ? { fields, next: n, lines } : undefined;
    const code = text.charCodeAt(i);
    if (text[i] === delimiter) {
      i++;
      if (i >= n && !final) return undefined;
      continue;
    }
    if (code === 13 && text.charCodeAt(i + 1) === 10) i++;
    else if (code === 13 && i + 1 >= n && !final) return undefined;
    if (text.charCodeAt(i) === 10) return { fields, next: i + 1, lines };
    return { fields, next: n, lines, error: 'a delimiter or line end after a closing quote', got: JSON.stringify(text[i]), errorLine: lines - 1, errorColumn: i - lineStart + 1 };
  }
}
