import path from 'node:path';
import { describeCrashSafety } from '../../../test/conformance/crash';

describeCrashSafety('koa', path.join(__dirname, 'crash-child.mjs'));
