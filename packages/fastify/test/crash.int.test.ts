import path from 'node:path';
import { describeCrashSafety } from '@wxopen/testing/conformance';

describeCrashSafety('fastify', path.join(__dirname, 'crash-child.mjs'));
