/**
 * Files of a data set (shards) opened for the reads of their units, on any thread: each read opens
 * its file (and a .npy pair's labels) with withFileSource, which fails it if the file changes
 * meanwhile, and the identities seen are kept to be held against the host's (a file rewritten
 * between two units, or after its layout was inferred, was not read as one file).
 */
import { FileChangedError, sameIdentity, type FileIdentity } from '../core/file-changed';
import type { OpenShard } from '../core/shards';
import { withFileSource } from './file-source';

/** A file of a data set: its path, its name in reports, and for a .npy pair the labels' file. */
export interface ShardEntry {
  path: string;
  name: string;
  labels?: { path: string; name: string };
}

export interface ShardOpener {
  open: OpenShard;
  /** Per file, its identity when this thread first opened it (null: not opened here). */
  identities: (FileIdentity | null)[];
}

export function shardOpener(entries: readonly ShardEntry[]): ShardOpener {
  const identities: (FileIdentity | null)[] = entries.map(() => null);
  const open: OpenShard = (file, read) => {
    const e = entries[file]!;
    return withFileSource(e.path, e.name, async (source) => {
      const seen = identities[file];
      if (seen === null || seen === undefined) identities[file] = source.identity;
      else if (!sameIdentity(seen, source.identity)) throw new FileChangedError(e.name, seen, source.identity);
      return e.labels === undefined ? read(source, undefined) : withFileSource(e.labels.path, e.labels.name, (labels) => read(source, labels));
    });
  };
  return { open, identities };
}

/** Throws FileChangedError for the first file some thread opened as another file than `before` says. */
export function checkIdentities(entries: readonly ShardEntry[], before: readonly FileIdentity[], seen: readonly (readonly (FileIdentity | null)[])[]): void {
  for (const ids of seen) {
    ids.forEach((id, file) => {
      if (id !== null && !sameIdentity(before[file]!, id)) throw new FileChangedError(entries[file]!.name, before[file]!, id);
    });
  }
}
