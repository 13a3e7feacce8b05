/** The binary preview's entry (bundled to dist/preview.js, iife, browser). */
import { PreviewView, type PreviewApi } from './view';

declare function acquireVsCodeApi(): PreviewApi;

new PreviewView(window, acquireVsCodeApi()).start();
