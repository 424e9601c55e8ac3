#!/usr/bin/env node
// `wxopen push` under its former name. Committed rather than built, so that npm links it at install time.
require('../dist/cli.js');
