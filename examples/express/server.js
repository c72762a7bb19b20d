// npm start: one Express app serving every example folder on http://127.0.0.1:3000.
const path = require('node:path');
const express = require('express');
const { hubspotFunctions } = require('hubspot-functions/express');
const { formatRouteTable } = require('hubspot-functions');

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '127.0.0.1';
const examples = path.join(__dirname, '..');

const app = express();
const functions = hubspotFunctions([
  path.join(examples, 'design-manager'),
  path.join(examples, 'project'),
  path.join(examples, 'event-registration'),
], {
  // The logs dashboard at /__dashboard, for loopback clients only: it shows console output.
  dashboard: { authorize: (req) => ['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(req.socket.remoteAddress) },
});
app.use(functions);
// The event-registration page (examples/event-registration): a form that POSTs to a function.
app.use('/event-registration', express.static(path.join(examples, 'event-registration', 'public')));
app.get('/', (req, res) => {
  res.type('text').send(functions.host.routes.filter((r) => r.path).map((r) => `${r.methods.join(',')} ${r.path}`).join('\n'));
});

const server = app.listen(port, host, async () => {
  await functions.host.ready;
  const { port: actual } = server.address();
  console.log(`hubspot-functions examples on http://${host}:${actual}\n`);
  console.log(formatRouteTable(functions.host.routes, `http://${host}:${actual}`));
  console.log(`\nevent registration page: http://${host}:${actual}/event-registration/`);
  console.log(`logs dashboard: http://${host}:${actual}/__dashboard`);
});

function shutdown() {
  server.close();
  functions.close().then(() => process.exit(0));
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
