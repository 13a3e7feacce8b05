/**
 * NumPy's `.npz` (np.savez, np.savez_compressed): a zip archive of `.npy` members, each a column
 * named by its key (`np.savez(path, logits=z, labels=y)` has columns `logits` and `labels`).
 */
import type { ByteSource } from '../parse/types';
import { ndFile, tokensIfPerToken, type NdArray } from './ndarray';
import { npyArray, parseNpyHeader } from './npy';
import { ColumnarError, type ColumnarFile } from './types';
import { memberBytes, zipMembers } from './zip';

export async function openNpz(source: ByteSource): Promise<ColumnarFile> {
  const members = await zipMembers(source);
  const arrays: NdArray[] = [];
  const ignored: string[] = [];
  for (const m of members) {
    if (!m.name.endsWith('.npy')) {
      ignored.push(m.name);
      continue;
    }
    const name = m.name.slice(0, -4);
    const data = await memberBytes(source, m);
    let head = await data.head(1024);
    let header = parseNpyHeader(head, `${source.name} (${m.name})`);
    if ('needBytes' in header) {
      head = await data.head(header.needBytes);
      header = parseNpyHeader(head, `${source.name} (${m.name})`);
      if ('needBytes' in header) throw new ColumnarError(`${source.name} (${m.name}): the .npy header is cut short`);
    }
    arrays.push(npyArray(name, source.name, header, data.bytes(header.dataOffset)));
  }
  if (arrays.length === 0) {
    throw new ColumnarError(`${source.name} holds no NumPy arrays (members: ${members.map((m) => m.name).join(', ') || 'none'}); an .npz is written by np.savez(path, logits=..., labels=...)`);
  }
  const deflated = members.some((m) => m.method === 8);
  return tokensIfPerToken(ndFile(`NumPy .npz (${arrays.length} arrays${deflated ? ', deflated' : ''})`, arrays, !deflated));
}
