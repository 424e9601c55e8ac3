import http from 'node:http';
import { Body, Controller, Module, Post } from '@nestjs/common';
import type { MiddlewareConsumer, NestModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { json } from 'express';
import request from 'supertest';
import { AuthServer } from '@wxopen/core';
import { WechatSimulator, textMessage } from '@wxopen/testing';
import { createPlatform } from '@wxopen/example-shared';
// The compiled app: Nest's decorators need `experimentalDecorators` and `emitDecoratorMetadata`, which only this
// example's tsconfig sets (the tests are compiled without them). `npm test` builds it first (`tsc -b`).
import { buildApp } from '../dist/app';
import { WxopenModule } from '../dist/wxopen.module';
import type { BuildServer } from '../../shared/test/describe-example';
import { describeExample } from '../../shared/test/describe-example';
import { describeOnBehalf } from '../../shared/test/describe-on-behalf';

const buildServer: BuildServer = async (platform) => http.createServer((await buildApp(platform)).getHttpAdapter().getInstance());

describeExample('nestjs', buildServer);
describeOnBehalf('nestjs', buildServer);

describe('nestjs example module', () => {
  const secrets = WechatSimulator.generateSecrets();
  const wechat = new WechatSimulator(secrets);
  const platform = createPlatform(secrets, { log: () => undefined, onError: () => undefined });

  test('provides the platform to the application as AuthServer', async () => {
    const app = await buildApp(platform);
    try {
      expect(app.get(AuthServer)).toBe(platform);
    } finally {
      await app.close();
    }
  });

  // Breaks when the app keeps Nest's default body parser, which would parse a JSON-typed push before wxopen.
  test('verifies a push sent with a JSON content type on its exact bytes: no body parser runs before wxopen', async () => {
    const app = await buildApp(platform);
    try {
      const push = wechat.encrypted(textMessage('typed as json'));
      const res = await request(app.getHttpAdapter().getInstance())
        .post(push.url('/wechat/callback/wx0000000000000a00'))
        .set('content-type', 'application/json')
        .send(push.body);
      expect(res.status).toBe(200);
      expect(wechat.openReply(res.text).record['Content']).toBe('echo: typed as json');
    } finally {
      await app.close();
    }
  });

  // The pattern `buildApp` documents for routes of your own; the decorators are applied by hand, this file being
  // compiled without `experimentalDecorators`.
  test('a controller of your own gets the JSON body its module parses, while wxopen still reads its raw bytes', async () => {
    class EchoController {
      echo(body: unknown) {
        return { received: body };
      }
    }
    Controller('api')(EchoController);
    Body()(EchoController.prototype, 'echo', 0);
    Post('echo')(EchoController.prototype, 'echo', Object.getOwnPropertyDescriptor(EchoController.prototype, 'echo') as PropertyDescriptor);
    class ApiModule implements NestModule {
      configure(consumer: MiddlewareConsumer) {
        consumer.apply(json()).forRoutes(EchoController);
      }
    }
    Module({ controllers: [EchoController] })(ApiModule);
    class RootModule {}
    Module({ imports: [WxopenModule.forRoot(platform), ApiModule] })(RootModule);

    const app = await NestFactory.create<NestExpressApplication>(RootModule, { bodyParser: false, logger: false });
    try {
      await app.init();
      const server = app.getHttpAdapter().getInstance();
      const own = await request(server).post('/api/echo').send({ hello: 'world' });
      expect(own.status).toBe(201);
      expect(own.body).toEqual({ received: { hello: 'world' } });
      const push = wechat.encrypted(textMessage('beside a json route'));
      const res = await request(server).post(push.url('/wechat/callback/wx0000000000000a00')).set('content-type', 'application/json').send(push.body);
      expect(wechat.openReply(res.text).record['Content']).toBe('echo: beside a json route');
    } finally {
      await app.close();
    }
  });
});
