import type { Analysis } from '../analyze';
import type { CompareSide } from './index';
import type { SampleColumns } from './samples';

/** A file's side of a comparison: its samples as read, with its analysis's class names and id column. */
export function compareSide(name: string, analysis: Analysis, columns: SampleColumns): CompareSide {
  return {
    name,
    columns,
    classNames: analysis.layout.classNames,
    multiLabel: analysis.layout.kind === 'multilabel',
    ...(analysis.layout.idColumn === undefined ? {} : { idColumn: analysis.layout.idColumn }),
  };
}
