import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { ChannelSubscriber } from 'src/queue/channel-subscriber';
import { CuttableProxy } from '../support/cuttable-proxy';

const warnings: string[] = [];
const logger = { warn: (_fields: unknown, message: string) => void warnings.push(message) };

describe('ChannelSubscriber', () => {
  const target = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const channel = `${process.env.REDIS_PREFIX ?? 'test'}:subscriber:${randomUUID()}`;
  let proxy: CuttableProxy;
  let base: Redis;
  let publisher: Redis;
  let subscriber: ChannelSubscriber;
  let received: string[];

  beforeEach(async () => {
    proxy = new CuttableProxy(target.hostname, Number(target.port || 6379));
    const port = await proxy.start();
    base = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 2 });
    publisher = new Redis(target.toString());
    received = [];
    warnings.length = 0;
    subscriber = new ChannelSubscriber(base, channel, 'Test events', logger, (m) =>
      received.push(m),
    );
    await subscriber.start();
  });
  afterEach(async () => {
    await subscriber.close();
    await proxy.cut();
    publisher.disconnect();
  });

  /** Publishes `message` until the subscriber has it (it may still be reconnecting). */
  async function delivered(message: string): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (!received.includes(message)) {
      if (Date.now() > deadline) {
        throw new Error(`"${message}" never reached the subscriber`);
      }
      await publisher.publish(channel, message);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('receives messages published after its connection was lost and came back', async () => {
    await delivered('before');
    await proxy.cut();
    await proxy.restore();
    await delivered('after');
    expect(warnings).toEqual([]);
  });

  it('closes while subscribing again after a reconnect without an unhandled rejection', async () => {
    await proxy.cut();
    const subscribing = proxy.holdRepliesAfter('subscribe');
    await proxy.restore();
    // The re-subscription is on the wire and unanswered when the connection is closed.
    await subscribing;
    await subscriber.close();
    // A rejection nobody handles would surface here and fail the test.
    await new Promise((r) => setTimeout(r, 200));
    expect(warnings).toEqual([]);
  });
});
