/**
 * A job the user cancelled: not an error to show. Shared by the Node and the Web Worker runners
 * (and the panel and status bar), so it lives apart from either runner's platform code.
 */
export class CancelledError extends Error {
  override name = 'CancelledError';
  constructor() {
    super('cancelled');
  }
}
