#!/usr/bin/env node
/**
 * `wxopen-simulate`: the former simulator, now `wxopen push` under its old name, so that
 * `wxopen-simulate --url http://127.0.0.1:3000/wechat text hello` and `npm run simulate -- …` keep working.
 * The `wxopen` command has the rest (`wxopen --help`).
 */
import { runFromShell } from './cli/shell';

runFromShell(['push', ...process.argv.slice(2)]);
