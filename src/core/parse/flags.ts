/**
 * How core messages name the way out: as the CLI's flags, the one vocabulary every report shares.
 * The editor translates them into its commands (src/shared/speak.ts), so each interface names
 * only what it has.
 */
import type { Assumption, LayoutOverrides } from './types';

export type FlagName = 'label-column' | 'pred-columns' | 'class-names' | 'input' | 'loss' | 'skip-invalid';

/** `--label-column NAME`: a flag with a placeholder or a value, quoted for a shell when it must be. */
export function columnFlag(flag: FlagName, value: string): string {
  return `--${flag} ${shellWord(value)}`;
}

/** A list for `--pred-columns` / `--class-names`: commas between plain names, a JSON array when a name has a comma. */
export function listValue(names: string[]): string {
  return names.some((n) => n.includes(',') || n !== n.trim() || n === '') ? JSON.stringify(names) : names.join(',');
}

/** `--class-names a,b,...`: the given names, or placeholders (binary: the negative class first). */
export function classNamesFlag(binary: boolean, names?: string[]): string {
  if (names !== undefined) return `--class-names ${shellWord(listValue(names.length > 12 ? [...names.slice(0, 3), '...', names[names.length - 1]!] : names))}`;
  return `--class-names ${binary ? 'NEGATIVE,POSITIVE' : 'NAME1,NAME2,...'}`;
}

/** The flags that give a reading: `--input logits`, `--class-names benign,malignant`. */
export function overridesFlags(o: LayoutOverrides): string {
  const out: string[] = [];
  if (o.kind !== undefined) out.push(`--loss ${o.kind}`);
  if (o.input !== undefined) out.push(`--input ${o.input}`);
  if (o.labelColumn !== undefined) out.push(columnFlag('label-column', o.labelColumn));
  if (o.predColumns !== undefined) out.push(`--pred-columns ${shellWord(listValue(o.predColumns))}`);
  if (o.classNames !== undefined) out.push(o.classNames.length === 0 ? classNamesFlag(false) : `--class-names ${shellWord(listValue(o.classNames))}`);
  return out.join(' ');
}

/** A value as one shell word: bare when safe, else single-quoted. */
export function shellWord(s: string): string {
  return /^[\w.,:+\-/@=]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** An assumption as one line of a report: what was assumed, the flags that pin it, and those of the other reading. */
export function assumptionMessage(a: Assumption): string {
  return `assumed: ${a.text} (this reading: ${overridesFlags(a.taken)}; the other: ${overridesFlags(a.other)})`;
}

/**
 * A list as a user types it (a flag's value, an input box): `a,b,c`, or a JSON array when a name
 * holds a comma. A message instead when it is not one.
 */
export function parseNameList(value: string): string[] | { error: string } {
  const t = value.trim();
  let names: string[];
  if (t.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(t);
    } catch {
      return { error: `"${value}" starts with [ but is not a JSON array of strings (write ["a, b","c"])` };
    }
    if (!Array.isArray(parsed) || !parsed.every((x) => typeof x === 'string' || typeof x === 'number')) {
      return { error: `expected a JSON array of strings, not ${value}` };
    }
    names = parsed.map(String);
  } else {
    names = t.split(',').map((c) => c.trim());
  }
  if (names.length === 0 || names.some((n) => n === '')) return { error: `expected a comma-separated list of names (or a JSON array), not "${value}"` };
  return names;
}
