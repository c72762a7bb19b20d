// The same folders on Koa, port 3001: node examples/koa/server.js
const path = require('node:path');
const Koa = require('koa');
const { hubspotFunctions } = require('hubspot-functions/koa');
const { formatRouteTable } = require('hubspot-functions');

const port = Number(process.env.PORT ?? 3001);
const host = process.env.HOST ?? '127.0.0.1';
const examples = path.join(__dirname, '..');

const app = new Koa();
const functions = hubspotFunctions([
  path.join(examples, 'design-manager'),
  path.join(examples, 'project'),
]);
app.use(functions);

const server = app.listen(port, host, async () => {
  await functions.host.ready;
  const { port: actual } = server.address();
  console.log(`hubspot-functions examples (Koa) on http://${host}:${actual}\n`);
  console.log(formatRouteTable(functions.host.routes, `http://${host}:${actual}`));
});

function shutdown() {
  server.close();
  functions.close().then(() => process.exit(0));
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
