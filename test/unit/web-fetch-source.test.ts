import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { reportJson } from '../../src/core/report-json';
import { requestFor } from '../../src/extension/request';
import { DEFAULT_CONFIG } from '../../src/extension/settings';
import type { WorkerJob } from '../../src/node/file-worker';
import { fetchSource } from '../../src/web/fetch-source';
import { createJobHandler, type WebFiles, type WebWorkerMessage } from '../../src/web/job';

/**
 * The worker streaming a file over http, as it does from code-server's resource URL: a server
 * that, like code-server's, sends whole files in small chunks and ignores Range.
 */
describe('web worker streaming a file from a URL (code-server workspace files)', () => {
  const files: Record<string, Buffer> = {
    '/digits.csv': readFileSync('samples/digits.csv'),
    '/binary.csv.gz': gzipSync(readFileSync('samples/binary.csv')),
    '/rowgroups.parquet': readFileSync('test/fixtures/binary/probs_zstd_rowgroups.parquet'),
  };
  const requests: Record<string, number> = {};
  let server: Server;
  let base = '';
  let aborted = 0;

  before(async () => {
    server = createServer((req, res) => {
      requests[req.url ?? ''] = (requests[req.url ?? ''] ?? 0) + 1;
      const body = files[req.url ?? ''];
      if (!body) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.on('close', () => {
        if (!res.writableFinished) aborted++;
      });
      // 4 KiB at a time, as a network would: chunk boundaries fall anywhere in a row.
      let at = 0;
      const next = () => {
        if (at >= body.length) return void res.end();
        const piece = body.subarray(at, (at += 4096));
        if (res.write(piece)) setImmediate(next);
        else res.once('drain', next);
      };
      next();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function post(job: WorkerJob, webFiles: WebFiles): Promise<WebWorkerMessage[]> {
    const posted: WebWorkerMessage[] = [];
    await createJobHandler((m) => posted.push(m))({ type: 'job', job, files: webFiles });
    return posted;
  }

  const request = (preset: 'classic' | 'pytorch') => requestFor({ ...DEFAULT_CONFIG, defaultPreset: preset }, {});

  it('analyses digits.csv from its URL exactly as from its bytes', async () => {
    const bytes = readFileSync('samples/digits.csv');
    const fromUrl = await post({ op: 'analyze', file: { path: 'u', name: 'samples/digits.csv', request: request('classic') } }, { u: { url: `${base}/digits.csv`, size: bytes.length, gzip: false } });
    const fromBytes = await post({ op: 'analyze', file: { path: 'b', name: 'samples/digits.csv', request: request('classic') } }, { b: Uint8Array.prototype.slice.call(bytes).buffer as ArrayBuffer });
    const [u, b] = [fromUrl.at(-1), fromBytes.at(-1)];
    assert.ok(u?.type === 'done' && u.result.op === 'analyze' && b?.type === 'done' && b.result.op === 'analyze', JSON.stringify(u).slice(0, 300));
    assert.deepEqual(reportJson(u.result.analysis), reportJson(b.result.analysis));
    assert.equal(u.result.analysis.breakdown.count, 899);
  });

  it('inflates a gzip file as it streams (size unknown), same numbers as the plain file', async () => {
    const posted = await post({ op: 'analyze', file: { path: 'g', name: 'samples/binary.csv', request: request('pytorch') } }, { g: { url: `${base}/binary.csv.gz`, gzip: true } });
    const plain = await post({ op: 'analyze', file: { path: 'p', name: 'samples/binary.csv', request: request('pytorch') } }, { p: Uint8Array.prototype.slice.call(readFileSync('samples/binary.csv')).buffer as ArrayBuffer });
    const [g, p] = [posted.at(-1), plain.at(-1)];
    assert.ok(g?.type === 'done' && g.result.op === 'analyze' && p?.type === 'done' && p.result.op === 'analyze', JSON.stringify(g).slice(0, 300));
    assert.deepEqual(reportJson(g.result.analysis), reportJson(p.result.analysis));
  });

  it('reads a byte range by skipping to it, and stops the download when the reader stops', async () => {
    const bytes = files['/digits.csv']!;
    const src = fetchSource('digits.csv', { url: `${base}/digits.csv`, size: bytes.length, gzip: false });
    const parts: Uint8Array[] = [];
    for await (const c of src.chunks({ start: 5000, end: 23456 })) parts.push(c.slice());
    assert.deepEqual(Buffer.concat(parts), bytes.subarray(5000, 23456));
    const before = aborted;
    for await (const c of src.chunks()) {
      assert.ok(c.length > 0);
      break;
    }
    // The server sees the connection close before the end of the file.
    for (let i = 0; i < 100 && aborted === before; i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(aborted > before, 'the download went on after the reader stopped');
  });

  it('fetches a binary file once, whole, rather than from its start for every window it reads', async () => {
    const bytes = files['/rowgroups.parquet']!;
    const job: WorkerJob = { op: 'analyze', file: { path: 'q', name: 'binary/rowgroups.parquet', request: request('classic') } };
    const fromUrl = (await post(job, { q: { url: `${base}/rowgroups.parquet`, size: bytes.length, gzip: false } })).at(-1);
    const fromBytes = (await post(job, { q: Uint8Array.prototype.slice.call(bytes).buffer as ArrayBuffer })).at(-1);
    assert.ok(fromUrl?.type === 'done' && fromUrl.result.op === 'analyze' && fromBytes?.type === 'done' && fromBytes.result.op === 'analyze', JSON.stringify(fromUrl).slice(0, 300));
    assert.deepEqual(reportJson(fromUrl.result.analysis), reportJson(fromBytes.result.analysis));
    // The footer, each row group's column chunks, the layout's sample and the read: one request.
    assert.equal(requests['/rowgroups.parquet'], 1);
  });

  it('says which file could not be read (HTTP status)', async () => {
    const posted = await post({ op: 'analyze', file: { path: 'x', name: 'gone.csv', request: request('classic') } }, { x: { url: `${base}/gone.csv`, gzip: false } });
    const last = posted.at(-1);
    // A problem of the file, as a missing file on the desktop is.
    assert.ok(last?.type === 'failed' && last.failure.kind === 'analysis', JSON.stringify(last));
    assert.match(last.failure.problems[0]?.message ?? '', /gone\.csv: cannot read the file \(HTTP 404\)/);
  });
});
