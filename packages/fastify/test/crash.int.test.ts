import path from 'node:path';
import { describeCrashSafety } from '../../../test/conformance/crash';

describeCrashSafety('fastify', path.join(__dirname, 'crash-child.mjs'));
