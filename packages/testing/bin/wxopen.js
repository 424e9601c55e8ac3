#!/usr/bin/env node
// Committed rather than built, so that npm links the command at install time, before `tsc -b` has made dist/.
require('../dist/cli/wxopen.js');
