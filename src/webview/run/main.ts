/** The run view's entry (bundled to dist/run.js, iife, browser). */
import { RunApp, type RunVsCodeApi } from './app';

declare function acquireVsCodeApi(): RunVsCodeApi;

new RunApp(window, acquireVsCodeApi()).start();
