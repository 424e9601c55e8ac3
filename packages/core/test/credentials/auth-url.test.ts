import { describeAuthUrlRules } from './auth-url.rules';
import { fileStore, memoryStore } from './setup';

// The same rules on Redis: auth-url.int.test.ts.
describeAuthUrlRules(memoryStore);
describeAuthUrlRules(fileStore);
