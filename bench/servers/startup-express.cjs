// Start-up of our Express adapter on a generated folder: time to mount (the synchronous
// hubspotFunctions() call), to the first 200 (mount + listen + one request, retried while the
// module is loading), and to `host.ready`. Prints one JSON line on stdout, then exits.
const path = require('node:path');
const http = require('node:http');
const { performance } = require('node:perf_hooks');

const [dir, isolation, url] = process.argv.slice(2);
const t0 = performance.now();
const express = require('express');
const { hubspotFunctions } = require(path.join(__dirname, '..', '..', 'dist', 'adapters', 'express.js'));
const tRequired = performance.now();

function get(port) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: url, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', () => resolve(0));
  });
}

const tMountStart = performance.now();
const app = express();
const functions = hubspotFunctions(dir, { isolation, onLog: false });
app.use(functions);
const tMounted = performance.now();
const server = app.listen(0, '127.0.0.1', async () => {
  const { port } = server.address();
  let status = 0;
  // Bounded: at most 30 s of retries.
  const deadline = performance.now() + 30_000;
  while (status !== 200 && performance.now() < deadline) {
    status = await get(port);
    if (status !== 200) await new Promise((r) => setTimeout(r, 2));
  }
  const tFirst = performance.now();
  await functions.host.ready;
  const tReady = performance.now();
  process.stdout.write(`${JSON.stringify({
    status,
    requireMs: tRequired - t0,
    mountMs: tMounted - tMountStart,
    firstOkMs: tFirst - tMountStart,
    readyMs: tReady - tMountStart,
  })}\n`);
  server.closeAllConnections?.();
  server.close();
  await Promise.race([functions.close(), new Promise((r) => setTimeout(r, 2000))]);
  process.exit(0);
});
setTimeout(() => process.exit(2), 60_000).unref();
