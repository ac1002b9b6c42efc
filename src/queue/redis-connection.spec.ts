import { effectiveRedisPrefix, parseRedisUrl } from './redis-connection';

describe('parseRedisUrl', () => {
  it('reads one server with credentials, database and TLS', () => {
    expect(parseRedisUrl('rediss://app:s%40cret@cache.internal:6380/2')).toEqual({
      mode: 'standalone',
      options: {
        host: 'cache.internal',
        port: 6380,
        username: 'app',
        password: 's@cret',
        db: 2,
        tls: {},
      },
    });
  });

  it('reads a Sentinel group: every sentinel, the master name, the master credentials and db', () => {
    expect(
      parseRedisUrl(
        'redis+sentinel://:pw@10.0.0.1:26379,sentinel-b,[::1]:26380/mymaster/3?sentinelPassword=sp',
      ),
    ).toEqual({
      mode: 'sentinel',
      options: {
        sentinels: [
          { host: '10.0.0.1', port: 26379 },
          { host: 'sentinel-b', port: 26379 },
          { host: '::1', port: 26380 },
        ],
        name: 'mymaster',
        username: undefined,
        password: 'pw',
        db: 3,
        sentinelPassword: 'sp',
      },
    });
  });

  it('reads Cluster seed nodes', () => {
    expect(parseRedisUrl('redis+cluster://u:p@n1:7000,n2:7001,n3')).toEqual({
      mode: 'cluster',
      nodes: [
        { host: 'n1', port: 7000 },
        { host: 'n2', port: 7001 },
        { host: 'n3', port: 6379 },
      ],
      options: { username: 'u', password: 'p' },
    });
  });

  it('speaks TLS to the Sentinels and to the master they name with rediss+sentinel://', () => {
    expect(parseRedisUrl('rediss+sentinel://s1:26380,s2:26380/mymaster')).toEqual({
      mode: 'sentinel',
      options: {
        sentinels: [
          { host: 's1', port: 26380 },
          { host: 's2', port: 26380 },
        ],
        name: 'mymaster',
        username: undefined,
        password: undefined,
        db: 0,
        tls: {},
        sentinelTLS: {},
        enableTLSForSentinelMode: true,
      },
    });
  });

  it('speaks TLS to every Cluster node with rediss+cluster://', () => {
    expect(parseRedisUrl('rediss+cluster://:p@n1:7000,n2')).toEqual({
      mode: 'cluster',
      nodes: [
        { host: 'n1', port: 7000 },
        { host: 'n2', port: 6379 },
      ],
      options: { username: undefined, password: 'p', tls: {} },
    });
  });

  it('leaves TLS off for redis+sentinel:// and redis+cluster://', () => {
    const sentinel = parseRedisUrl('redis+sentinel://s1/m');
    const cluster = parseRedisUrl('redis+cluster://n1');
    expect(sentinel.options).not.toHaveProperty('tls');
    expect(sentinel.options).not.toHaveProperty('sentinelTLS');
    expect(cluster.options).not.toHaveProperty('tls');
  });

  it.each([
    [
      'a Sentinel URL without a master name',
      'redis+sentinel://s1:26379,s2:26379',
      'names its master',
    ],
    ['a Cluster URL with a database', 'redis+cluster://n1:7000/1', 'no database path'],
    ['a TLS Cluster URL with a database', 'rediss+cluster://n1:7000/1', 'no database path'],
    ['a TLS Sentinel URL without a master name', 'rediss+sentinel://s1', 'names its master'],
    ['a scheme with an unknown topology', 'rediss+shard://h:1', 'must be a redis://'],
    ['a port out of range', 'redis+cluster://n1:70000', 'port outside 1-65535'],
    ['a database that is not a number', 'redis+sentinel://s1/m/x', 'database that is not a number'],
    ['an unknown scheme', 'memcached://h:1', 'must be a redis://'],
  ])('refuses %s without repeating the URL', (_, url, message) => {
    let error: Error | undefined;
    try {
      parseRedisUrl(url);
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toContain(message);
    expect(error?.message).not.toContain(url);
  });
});

describe('effectiveRedisPrefix', () => {
  it('puts every key of a Cluster deployment under one hash tag', () => {
    expect(effectiveRedisPrefix(parseRedisUrl('redis+cluster://n1:7000'), 'privacy')).toBe(
      '{privacy}',
    );
  });

  it('leaves the prefix as it is on one server or a Sentinel group', () => {
    expect(effectiveRedisPrefix(parseRedisUrl('redis://h:6379'), 'privacy')).toBe('privacy');
    expect(effectiveRedisPrefix(parseRedisUrl('redis+sentinel://s/m'), 'privacy')).toBe('privacy');
  });
});
