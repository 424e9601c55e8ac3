import { describeRedis } from '@wxopen/testing';
import { redisStore } from './redis-store';
import { describeAuthUrlRules } from './auth-url.rules';

describeRedis('authorization URL rules', () => describeAuthUrlRules(redisStore));
