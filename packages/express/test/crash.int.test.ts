import path from 'node:path';
import { describeCrashSafety } from '@wxopen/testing/conformance';

describeCrashSafety('express', path.join(__dirname, 'crash-child.mjs'));
