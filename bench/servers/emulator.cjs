// HubSpot's emulator, @hubspot/serverless-dev-runtime 7.0.7, started through its own `start()`
// (what `hs functions test` calls). It needs no account for local functions. Two things here:
// it listens on every interface (`app.listen(port)`), so listen() is pinned to 127.0.0.1; and its
// clean-up (temp copy of the folder) runs on SIGINT only, so SIGTERM and a closed stdin become SIGINT.
const http = require('node:http');
const { readArgs } = require('./child-lifecycle.cjs');

const listen = http.Server.prototype.listen;
http.Server.prototype.listen = function listenOnLoopback(...args) {
  if (typeof args[0] === 'number' && typeof args[1] !== 'string') args.splice(1, 0, '127.0.0.1');
  return listen.apply(this, args);
};

const toSigint = () => process.kill(process.pid, 'SIGINT');
process.on('SIGTERM', toSigint);
process.stdin.on('end', toSigint);
process.stdin.on('error', toSigint);
process.stdin.resume();
process.on('SIGUSR2', () => globalThis.gc?.());

const { port, fixture } = readArgs();
const { start } = require('@hubspot/serverless-dev-runtime');
// The fixture's package.json has no dependencies: the `npm i` in the temp copy needs no registry.
start({ path: fixture, port, accountId: 123456, watch: false });
