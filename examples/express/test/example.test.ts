import http from 'node:http';
import { buildApp } from '../src/app';
import { describeExample } from '../../shared/test/describe-example';

describeExample('express', (platform) => http.createServer(buildApp(platform)));
