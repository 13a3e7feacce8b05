import type { BuildOptions } from 'esbuild';

export declare const webTargets: BuildOptions[];
