import { describeAuthorizerRules } from './authorizer.rules';
import { fileStore, memoryStore } from './setup';

// The same rules on Redis: authorizer.int.test.ts.
describeAuthorizerRules(memoryStore);
describeAuthorizerRules(fileStore);
