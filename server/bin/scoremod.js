#!/usr/bin/env node
// npm links this as `scoremod`; the bundle is built by `npm ci` (root "prepare" script).
require("../../dist/cli.js");
