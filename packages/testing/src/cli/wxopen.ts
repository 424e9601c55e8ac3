#!/usr/bin/env node
/** `wxopen`: see `./main`. */
import { runFromShell } from './shell';

runFromShell(process.argv.slice(2));
