import request from 'supertest';
import { createApiKey } from './factories';
import { createFkShop, FK_COLLECTIONS, fkEmail, FkShop } from './fk-shop-fixture';
import { TestHttpStore } from './http-store';
import { ownDatabase } from './own-database';
import { adminToken, createTestApp, TestApp } from './test-app';

/**
 * A service of a test's own for requests run by worker processes: its own database and Redis
 * prefix, an API process without workers, a shop with foreign keys (store `shop`, PostgreSQL)
 * and an HTTP backend (store `crm`) holding every shop customer, and an API key that files and
 * reads requests.
 */
export interface ShopCrmService {
  shop: FkShop;
  crm: TestHttpStore;
  api: TestApp;
  /** Settings of the service, for its worker processes (one deployment, one public URL). */
  env: Record<string, string>;
  /** The service's own database. */
  databaseUrl: string;
  adminToken: string;
  key: string;
  /** Files a request for shop customer `customer`; its id. */
  file(type: 'erasure' | 'access', customer: number): Promise<string>;
  close(): Promise<void>;
}

/**
 * `customers`: how many the shop and the backend hold. `onDatabase` gets the service's settings
 * as soon as its database exists, to start worker processes while the rest is set up (the first
 * to start migrates).
 */
export async function startShopCrmService(options: {
  tag: string;
  crmSecret: string;
  customers: number;
  env?: Record<string, string>;
  onDatabase?: (env: Record<string, string>) => void;
}): Promise<ShopCrmService> {
  const { tag, customers } = options;
  const own = await ownDatabase(`${tag}_svc`);
  // Every process of one deployment names the same public URL: receipts and audit checkpoints
  // are signed with it as issuer by whichever process writes them.
  const env = { ...own.env, PUBLIC_BASE_URL: 'http://privacy.example.test', ...options.env };
  options.onDatabase?.(env);
  const crm = new TestHttpStore(options.crmSecret);
  const shop = await createFkShop(customers, tag);
  const crmUrl = await crm.start();
  const api = await createTestApp({ ...env, WORKERS: 'false', LOG_LEVEL: 'silent' });
  const token = await adminToken(api.http);
  const key = (await createApiKey(api.http, token, ['requests:write', 'requests:read'])).key;
  for (const body of [
    {
      name: 'shop',
      type: 'postgres',
      connection: { url: shop.postgresUrl },
      collections: FK_COLLECTIONS,
    },
    { name: 'crm', type: 'http', connection: { url: crmUrl, secret: crm.secret }, collections: [] },
  ]) {
    await request(api.http)
      .post('/v1/data-stores')
      .set('Authorization', `Bearer ${token}`)
      .send(body)
      .expect(201);
  }
  for (let id = 1; id <= customers; id++) {
    crm.seed(fkEmail(id, tag));
  }
  return {
    shop,
    crm,
    api,
    env,
    databaseUrl: own.env.DATABASE_URL,
    adminToken: token,
    key,
    file: async (type, customer) =>
      (
        await request(api.http)
          .post('/v1/privacy-requests')
          .set('Authorization', `Bearer ${key}`)
          .send({ type, subject: { email: fkEmail(customer, tag) } })
          .expect(201)
      ).body.id as string,
    close: async () => {
      await api.close();
      await crm.stop();
      await shop.drop();
      await own.drop();
    },
  };
}
