// Ours: the built Koa adapter on a bare Koa 3 app (args: port fixture isolation log).
const path = require('node:path');
const Koa = require('koa');
const { DIST, readArgs, ourOptions, serve } = require('./child-lifecycle.cjs');
const { hubspotFunctions } = require(path.join(DIST, 'adapters', 'koa.js'));

const args = readArgs();
const app = new Koa();
const functions = hubspotFunctions(args.fixture, ourOptions(args));
app.use(functions);
serve(app.callback(), args.port, () => functions.close());
