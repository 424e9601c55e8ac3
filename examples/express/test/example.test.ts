import http from 'node:http';
import { buildApp } from '../src/app';
import type { BuildServer } from '../../shared/test/describe-example';
import { describeExample } from '../../shared/test/describe-example';
import { describeOnBehalf } from '../../shared/test/describe-on-behalf';

const buildServer: BuildServer = (platform) => http.createServer(buildApp(platform));

describeExample('express', buildServer);
describeOnBehalf('express', buildServer);
