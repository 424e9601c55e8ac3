import { describeRedis } from '@wxopen/testing';
import { redisStore } from './redis-store';
import { describeAuthorizerRules } from './authorizer.rules';

describeRedis('authorizer token rules', () => describeAuthorizerRules(redisStore));
