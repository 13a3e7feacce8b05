/** `--class-names FILE`: one name per line, a JSON array, or a Hugging Face config.json's id2label. */
import { readFileSync } from 'node:fs';
import { UsageError } from './args';

export function classNamesFromFile(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(
      `--class-names ${path}: ${code === 'ENOENT' ? 'no such file (give a file, or two or more names separated by commas)' : `cannot read (${code ?? String(err)})`}`,
    );
  }
  const t = text.replace(/^\uFEFF/, '').trim();
  if (t.startsWith('{') || t.startsWith('[')) {
    let json: unknown;
    try {
      json = JSON.parse(t);
    } catch (err) {
      throw new UsageError(`--class-names ${path}: not valid JSON (${(err as Error).message})`);
    }
    if (Array.isArray(json) && json.every((x) => typeof x === 'string' || typeof x === 'number')) return json.map(String);
    const id2label = (json as { id2label?: unknown }).id2label;
    if (id2label !== null && typeof id2label === 'object') {
      const entries = Object.entries(id2label as Record<string, unknown>);
      const names: string[] = [];
      for (const [k, v] of entries) {
        const i = Number(k);
        if (!Number.isInteger(i) || i < 0 || i >= entries.length || typeof v !== 'string') {
          throw new UsageError(`--class-names ${path}: id2label must map 0..${entries.length - 1} to names; found "${k}": ${JSON.stringify(v)}`);
        }
        names[i] = v;
      }
      return names;
    }
    throw new UsageError(`--class-names ${path}: expected a JSON array of names or an object with id2label (a Hugging Face config.json)`);
  }
  const names = t.split(/\r\n|\r|\n/).map((l) => l.trim()).filter((l) => l !== '');
  if (names.length < 2) throw new UsageError(`--class-names ${path}: expected one class name per line, found ${names.length}`);
  return names;
}
