/**
 * Whether a file that a training loop is writing into a live run's folder is finished, where its
 * format tells: a text file ends with a line break (and a JSONL file's last line parses), a .npy
 * holds exactly the bytes its header's shape asks for, a Parquet file ends with its PAR1 magic,
 * an Arrow file (not stream) with ARROW1, an .npz (a zip) with its end-of-central-directory
 * record, a safetensors file with the bytes its header's offsets reach. Where a format tells
 * nothing (gzip: its trailer holds a CRC of the whole content), the caller's settle (size and
 * modification time unchanged for a while) is all there is, and `checked` says so. Pure: the
 * caller reads the file's first and last bytes.
 */
import { parseDescr, parseNpyHeader } from '../columnar/npy';

export type Completeness =
  | { complete: true; /** false: the format tells nothing; only the settle vouches for the file. */ checked: boolean }
  | { complete: false; /** What is missing, for a message after the file's name. */ why: string };

/** Bytes at each end of the file the check looks at (the caller reads at most this much of each). */
export const END_BYTES = 64 * 1024;

const ascii = (bytes: Uint8Array) => String.fromCharCode(...bytes);
const int = (n: number) => n.toLocaleString('en-US');
const done: Completeness = { complete: true, checked: true };
const unchecked: Completeness = { complete: true, checked: false };
const missing = (why: string): Completeness => ({ complete: false, why });

/** The last line of text `tail` (the file's last bytes, which end with a line break), without it. */
function lastLine(tail: Uint8Array): string | undefined {
  const text = new TextDecoder().decode(tail).replace(/\r?\n$/, '');
  const at = text.lastIndexOf('\n');
  // A line longer than the tail read is not judged (it would be cut at its start).
  return at < 0 && tail.length >= END_BYTES ? undefined : text.slice(at + 1);
}

/**
 * `name`: the file's name (its extension picks the check); `size`: its length in bytes; `head`
 * and `tail`: its first and last min(size, END_BYTES) bytes.
 */
export function completeness(name: string, size: number, head: Uint8Array, tail: Uint8Array): Completeness {
  const lower = name.toLowerCase();
  if (size === 0) return missing('the file is empty');
  if (lower.endsWith('.gz')) return unchecked;
  const ext = lower.slice(lower.lastIndexOf('.'));
  switch (ext) {
    case '.csv':
    case '.tsv':
    case '.txt':
      return tail.at(-1) === 0x0a ? done : missing('its last line has no line break (a row cut short)');
    case '.jsonl':
    case '.ndjson': {
      if (tail.at(-1) !== 0x0a) return missing('its last line has no line break (a record cut short)');
      const line = lastLine(tail);
      if (line === undefined || line.trim() === '') return done;
      try {
        JSON.parse(line);
        return done;
      } catch {
        return missing('its last line is not JSON (a record cut short)');
      }
    }
    case '.json': {
      const text = new TextDecoder().decode(tail).trimEnd();
      return text.endsWith('}') || text.endsWith(']') ? done : missing('it does not end with } or ] (the JSON is cut short)');
    }
    case '.npy': {
      try {
        const h = parseNpyHeader(head, name);
        if ('needBytes' in h) return missing(`its header is cut short (${int(size)} of ${int(h.needBytes)} bytes)`);
        const dtype = parseDescr(h.descr);
        if (typeof dtype === 'string') return unchecked;
        const want = h.dataOffset + h.shape.reduce((a, b) => a * b, 1) * dtype.size;
        return size === want ? done : missing(`its header's shape (${h.shape.join(', ')}) of ${h.descr} asks for ${int(want)} bytes; it has ${int(size)}`);
      } catch (err) {
        return missing(err instanceof Error ? err.message : String(err));
      }
    }
    case '.parquet':
      if (ascii(head.subarray(0, 4)) !== 'PAR1') return missing('it does not start with PAR1 (not Parquet, or not written yet)');
      return ascii(tail.subarray(-4)) === 'PAR1' ? done : missing('it does not end with PAR1 (its footer is not written yet)');
    case '.arrow':
    case '.feather':
      // The file format starts and ends with ARROW1; a stream has no footer to look for.
      if (ascii(head.subarray(0, 6)) !== 'ARROW1') return unchecked;
      return ascii(tail.subarray(-6)) === 'ARROW1' ? done : missing('it does not end with ARROW1 (its footer is not written yet)');
    case '.npz': {
      // The end-of-central-directory record (PK\5\6) is the last thing a zip writer writes: 22 bytes and a comment.
      for (let i = tail.length - 22; i >= 0 && i >= tail.length - 22 - 0xffff; i--) {
        if (tail[i] === 0x50 && tail[i + 1] === 0x4b && tail[i + 2] === 0x05 && tail[i + 3] === 0x06) return done;
      }
      return missing('it has no end-of-central-directory record (the zip is not closed yet)');
    }
    case '.safetensors': {
      if (size < 8 || head.length < 8) return missing('its header length is cut short');
      const n = Number(new DataView(head.buffer, head.byteOffset, 8).getBigUint64(0, true));
      if (head.length < 8 + n) return size < 8 + n ? missing(`its header is cut short (${int(size)} of ${int(8 + n)} bytes)`) : unchecked;
      let end = 0;
      try {
        const meta = JSON.parse(new TextDecoder().decode(head.subarray(8, 8 + n))) as Record<string, { data_offsets?: [number, number] }>;
        for (const [k, v] of Object.entries(meta)) if (k !== '__metadata__' && v.data_offsets) end = Math.max(end, v.data_offsets[1]);
      } catch {
        return missing('its header is not JSON (cut short)');
      }
      return size === 8 + n + end ? done : missing(`its header's tensors reach ${int(8 + n + end)} bytes; it has ${int(size)}`);
    }
    default:
      return unchecked;
  }
}
