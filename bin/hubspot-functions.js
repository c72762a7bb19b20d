#!/usr/bin/env node
// The `hubspot-functions` command; the CLI itself is compiled to dist/ by the build.
'use strict';
require('../dist/src/cli/main.js').main();
