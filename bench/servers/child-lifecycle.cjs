// What every benchmark server child shares: the port and fixture from the parent, exit on
// SIGTERM/SIGINT (process.exit, so `--cpu-prof` still writes its profile), exit when the parent
// goes away (stdin closes), and a SIGUSR2 that runs a full GC when `--expose-gc` is on (RSS runs).
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');

/** The built package's directory; the parent checked that it exists. */
const DIST = path.resolve(__dirname, '..', '..', 'dist');

/** The command-line arguments as `{ port, fixture, isolation, log }`. */
function readArgs() {
  const [port, fixture, isolation = 'inline', log = 'default'] = process.argv.slice(2);
  return { port: Number(port), fixture, isolation, log };
}

/** The options our adapters get: `onLog: false` only for the quiet rows. */
function ourOptions({ isolation, log }) {
  return log === 'off' ? { isolation, onLog: false } : { isolation };
}

/** Listens on 127.0.0.1:port and wires the shutdown paths. */
function serve(listener, port, onClose = async () => {}) {
  const server = http.createServer(listener);
  server.keepAliveTimeout = 65_000;
  server.listen(port, '127.0.0.1');
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    server.closeAllConnections?.();
    server.close();
    // Bounded: a host that does not close within 1 s is not waited for.
    Promise.race([onClose(), new Promise((r) => setTimeout(r, 1000))]).finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop);
  process.stdin.on('error', stop);
  process.stdin.resume();
  process.on('SIGUSR2', () => globalThis.gc?.());
  process.on('uncaughtException', (error) => {
    try {
      fs.writeSync(2, `bench child: ${error && error.stack || error}\n`);
    } finally {
      process.exit(1);
    }
  });
  return server;
}

module.exports = { DIST, readArgs, ourOptions, serve };
