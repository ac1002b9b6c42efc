import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import request from 'supertest';
import { ACCESS_KEY } from 'src/common/access/access.decorator';
import { createTestApp, TestApp } from './support/test-app';

describe('access rules', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('every route declares who may call it', () => {
    const discovery = t.app.get(DiscoveryService);
    const scanner = t.app.get(MetadataScanner);
    const undeclared: string[] = [];
    let routes = 0;
    for (const wrapper of discovery.getControllers()) {
      const { instance, metatype } = wrapper;
      if (!instance || !metatype) {
        continue;
      }
      const proto = Object.getPrototypeOf(instance) as Record<string, unknown>;
      for (const name of scanner.getAllMethodNames(proto)) {
        const handler = proto[name] as object;
        if (Reflect.getMetadata(METHOD_METADATA, handler) === undefined) {
          continue;
        }
        routes += 1;
        const declared =
          Reflect.getMetadata(ACCESS_KEY, handler) ?? Reflect.getMetadata(ACCESS_KEY, metatype);
        if (!declared) {
          const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
          undeclared.push(
            `${method} ${Reflect.getMetadata(PATH_METADATA, metatype)}/${Reflect.getMetadata(PATH_METADATA, handler)}`,
          );
        }
      }
    }
    expect(routes).toBeGreaterThan(10);
    expect(undeclared).toEqual([]);
  });

  it('lists every secured operation with the bearer scheme in the OpenAPI document', async () => {
    const doc = (await request(t.http).get('/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    };
    const login = doc.paths['/v1/auth/login'].post;
    expect(login.security ?? []).toEqual([]);
    expect(doc.paths['/v1/admin/api-keys'].post.security).toEqual([{ bearer: [] }]);
  });
});
