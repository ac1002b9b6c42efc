import Redis, { Cluster, type ClusterOptions, type RedisOptions } from 'ioredis';

/** Where Redis is: one server, a master found through Sentinel, or a Cluster. */
export type RedisTarget =
  | { mode: 'standalone'; options: RedisOptions }
  | { mode: 'sentinel'; options: RedisOptions }
  | { mode: 'cluster'; nodes: Array<{ host: string; port: number }>; options: RedisOptions };

const DEFAULT_PORT = { standalone: 6379, sentinel: 26379, cluster: 6379 } as const;

/**
 * Reads REDIS_URL: `redis://` or `rediss://` (one server, optional `/db`),
 * `redis+sentinel://[user:password@]host:port,host:port/master[/db]` (credentials are the
 * master's; `?sentinelPassword=` for Sentinels that ask for one) and
 * `redis+cluster://[user:password@]host:port,host:port` (seed nodes; a Cluster has no db).
 * `rediss+sentinel://` and `rediss+cluster://` speak TLS to every server (Sentinels, master and
 * replicas, Cluster nodes), verified as `rediss://` is: against Node's CA store, which
 * NODE_EXTRA_CA_CERTS extends with a private CA.
 * Throws with what is wrong; the message never holds the URL (it may hold a password).
 */
export function parseRedisUrl(url: string): RedisTarget {
  const scheme = /^([a-z+]+):\/\//.exec(url)?.[1];
  const rest = url.slice((scheme?.length ?? 0) + 3);
  switch (scheme) {
    case 'redis':
    case 'rediss': {
      const u = new URL(url);
      return {
        mode: 'standalone',
        options: {
          host: u.hostname,
          port: u.port ? Number(u.port) : DEFAULT_PORT.standalone,
          ...credentials(u.username, u.password),
          db: database(u.pathname.slice(1)),
          tls: scheme === 'rediss' ? {} : undefined,
        },
      };
    }
    case 'redis+sentinel':
    case 'rediss+sentinel': {
      const { auth, hosts, path, query } = split(rest);
      const [name, db, ...extra] = path.split('/');
      if (!name || extra.length > 0) {
        throw new Error(`a ${scheme}:// URL names its master: host:port,host:port/master`);
      }
      const sentinelPassword = query.get('sentinelPassword');
      return {
        mode: 'sentinel',
        options: {
          sentinels: nodes(hosts, DEFAULT_PORT.sentinel),
          name: decodeURIComponent(name),
          ...auth,
          db: database(db ?? ''),
          ...(sentinelPassword ? { sentinelPassword } : {}),
          ...(scheme === 'rediss+sentinel'
            ? { tls: {}, sentinelTLS: {}, enableTLSForSentinelMode: true }
            : {}),
        },
      };
    }
    case 'redis+cluster':
    case 'rediss+cluster': {
      const { auth, hosts, path } = split(rest);
      if (path !== '') {
        throw new Error(`a ${scheme}:// URL has no database path (a Cluster has only db 0)`);
      }
      return {
        mode: 'cluster',
        nodes: nodes(hosts, DEFAULT_PORT.cluster),
        options: { ...auth, ...(scheme === 'rediss+cluster' ? { tls: {} } : {}) },
      };
    }
    case undefined:
    default:
      throw new Error(
        'must be a redis://, rediss://, redis+sentinel://, rediss+sentinel://, redis+cluster:// ' +
          'or rediss+cluster:// URL',
      );
  }
}

/**
 * The key prefix to use: on a Cluster every key of the service carries one hash tag, so BullMQ's
 * scripts, MULTI blocks and multi-key scripts all find their keys in one slot.
 */
export function effectiveRedisPrefix(target: RedisTarget, prefix: string): string {
  return target.mode === 'cluster' ? `{${prefix}}` : prefix;
}

/**
 * A client for `url`. A Cluster client is not a subclass of Redis in ioredis's types, but offers
 * the same commands, `multi`, `defineCommand`, pub/sub and `duplicate` that the service uses.
 */
export function createRedisClient(url: string, overrides: RedisOptions = {}): Redis {
  const target = parseRedisUrl(url);
  if (target.mode === 'cluster') {
    return new Cluster(target.nodes, clusterOptions(target, overrides)) as unknown as Redis;
  }
  return new Redis({ ...target.options, ...overrides });
}

/** A second connection like `base` (for a subscriber or a blocking reader). */
export function duplicateRedisClient(base: Redis, overrides: RedisOptions = {}): Redis {
  if (base instanceof Cluster) {
    const cluster = base as Cluster;
    return cluster.duplicate(undefined, {
      ...cluster.options,
      redisOptions: { ...cluster.options.redisOptions, ...overrides },
    }) as unknown as Redis;
  }
  return base.duplicate(overrides);
}

/**
 * What BullMQ gets: connection options it opens itself, or for a Cluster a client (BullMQ takes
 * Cluster settings only that way). Workers need maxRetriesPerRequest = null.
 */
export function bullConnection(url: string): RedisOptions | Cluster {
  const target = parseRedisUrl(url);
  if (target.mode === 'cluster') {
    return new Cluster(target.nodes, clusterOptions(target, { maxRetriesPerRequest: null }));
  }
  return { ...target.options, maxRetriesPerRequest: null };
}

/** Connection options of a single server or a Sentinel group (a Cluster has none: it needs a client). */
export function redisConnectionOptions(url: string): RedisOptions {
  const target = parseRedisUrl(url);
  if (target.mode === 'cluster') {
    throw new Error('a Cluster URL has no single-server options');
  }
  return { ...target.options, maxRetriesPerRequest: null };
}

function clusterOptions(
  target: Extract<RedisTarget, { mode: 'cluster' }>,
  overrides: RedisOptions,
): ClusterOptions {
  const { enableOfflineQueue, ...perNode } = overrides;
  return {
    ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
    redisOptions: { ...target.options, ...perNode },
  };
}

function split(rest: string): {
  auth: Pick<RedisOptions, 'username' | 'password'>;
  hosts: string;
  path: string;
  query: URLSearchParams;
} {
  const q = rest.indexOf('?');
  const query = new URLSearchParams(q >= 0 ? rest.slice(q + 1) : '');
  const main = q >= 0 ? rest.slice(0, q) : rest;
  const at = main.lastIndexOf('@');
  const userinfo = at >= 0 ? main.slice(0, at) : '';
  const location = at >= 0 ? main.slice(at + 1) : main;
  const slash = location.indexOf('/');
  const colon = userinfo.indexOf(':');
  return {
    auth: credentials(
      colon >= 0 ? userinfo.slice(0, colon) : userinfo,
      colon >= 0 ? userinfo.slice(colon + 1) : '',
    ),
    hosts: slash >= 0 ? location.slice(0, slash) : location,
    path: slash >= 0 ? location.slice(slash + 1) : '',
    query,
  };
}

function nodes(hosts: string, defaultPort: number): Array<{ host: string; port: number }> {
  const list = hosts.split(',').map((entry) => {
    // [v6]:port or host:port; the port is optional.
    const close = entry.startsWith('[') ? entry.indexOf(']') : -1;
    const colon = close >= 0 ? close + 1 : entry.indexOf(':');
    const host = close >= 0 ? entry.slice(1, close) : colon >= 0 ? entry.slice(0, colon) : entry;
    const port = colon >= 0 && colon < entry.length ? entry.slice(colon) : '';
    if (!host || host.includes(':') !== close >= 0 || (port !== '' && !/^:\d{1,5}$/.test(port))) {
      throw new Error('has a host that is not host or host:port');
    }
    return { host, port: port ? Number(port.slice(1)) : defaultPort };
  });
  if (list.some((n) => n.port < 1 || n.port > 65535)) {
    throw new Error('has a port outside 1-65535');
  }
  return list;
}

function credentials(user: string, password: string): Pick<RedisOptions, 'username' | 'password'> {
  return {
    username: user ? decodeURIComponent(user) : undefined,
    password: password ? decodeURIComponent(password) : undefined,
  };
}

function database(text: string): number {
  if (text === '') {
    return 0;
  }
  if (!/^\d{1,2}$/.test(text)) {
    throw new Error('has a database that is not a number');
  }
  return Number(text);
}
