/** Webview entry (bundled to dist/webview.js, iife, browser): starts the dashboard. */
import { Dashboard, type VsCodeApi } from './app';

declare function acquireVsCodeApi(): VsCodeApi;

new Dashboard(window, acquireVsCodeApi()).start();
