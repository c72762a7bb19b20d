// Ours: the built Express adapter on a bare Express 5 app (args: port fixture isolation log).
const path = require('node:path');
const express = require('express');
const { DIST, readArgs, ourOptions, serve } = require('./child-lifecycle.cjs');
const { hubspotFunctions } = require(path.join(DIST, 'adapters', 'express.js'));

const args = readArgs();
const app = express();
const functions = hubspotFunctions(args.fixture, ourOptions(args));
app.use(functions);
serve(app, args.port, () => functions.close());
