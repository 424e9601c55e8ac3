import { describeRedis } from '@wxopen/testing';
import { redisStore } from './redis-store';
import { describeComponentTokenRules } from './component-token.rules';

describeRedis('component token rules', () => describeComponentTokenRules(redisStore));
