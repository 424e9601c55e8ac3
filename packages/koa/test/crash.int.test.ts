import path from 'node:path';
import { describeCrashSafety } from '@wxopen/testing/conformance';

describeCrashSafety('koa', path.join(__dirname, 'crash-child.mjs'));
