import { DatabaseError } from 'pg';
import { classifyDriverError, StoreError, StoreErrorKind } from './store-error';

/** What pg throws for a server error: a DatabaseError carrying the SQLSTATE. */
function pgError(code: string): DatabaseError {
  const e = new DatabaseError('value "alice@example.com" violates something', 100, 'error');
  e.code = code;
  return e;
}

/** What mysql2 throws for a server error: errno, SQLSTATE and the symbolic code. */
function mysqlError(errno: number, sqlState = 'HY000'): Error {
  return Object.assign(new Error(`Duplicate entry 'alice@example.com' for key 'email'`), {
    errno,
    sqlState,
    code: `ER_${errno}`,
  });
}

/** What Node throws when the socket fails. */
function socketError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 10.0.0.5:5432 postgres://app:secret@db`), {
    code,
    errno: -111,
  });
}

describe('classifyDriverError', () => {
  const cases: Array<[string, unknown, StoreErrorKind, string]> = [
    // PostgreSQL: no retry can fix these.
    ['pg foreign key', pgError('23503'), 'permanent', 'foreign key violation on customers (23503)'],
    ['pg unique', pgError('23505'), 'permanent', 'unique violation on customers (23505)'],
    ['pg not null', pgError('23502'), 'permanent', 'not-null violation on customers (23502)'],
    ['pg check', pgError('23514'), 'permanent', 'check violation on customers (23514)'],
    [
      'pg other integrity',
      pgError('23P01'),
      'permanent',
      'integrity constraint violation on customers (23P01)',
    ],
    ['pg undefined table', pgError('42P01'), 'permanent', 'no such table on customers (42P01)'],
    ['pg undefined column', pgError('42703'), 'permanent', 'no such column on customers (42703)'],
    ['pg privilege', pgError('42501'), 'permanent', 'permission denied on customers (42501)'],
    ['pg syntax', pgError('42601'), 'permanent', 'invalid statement on customers (42601)'],
    ['pg data exception', pgError('22001'), 'permanent', 'invalid data on customers (22001)'],
    [
      'pg bad password',
      pgError('28P01'),
      'permanent',
      'authentication failed on customers (28P01)',
    ],
    ['pg read-only', pgError('25006'), 'permanent', 'read-only transaction on customers (25006)'],
    // PostgreSQL: a later attempt can succeed.
    [
      'pg connection class',
      pgError('08006'),
      'transient',
      'connection failed on customers (08006)',
    ],
    ['pg deadlock', pgError('40P01'), 'transient', 'deadlock on customers (40P01)'],
    [
      'pg serialization',
      pgError('40001'),
      'transient',
      'serialization failure on customers (40001)',
    ],
    [
      'pg lock not available',
      pgError('55P03'),
      'transient',
      'lock not available on customers (55P03)',
    ],
    [
      'pg too many connections',
      pgError('53300'),
      'transient',
      'too many connections on customers (53300)',
    ],
    ['pg admin shutdown', pgError('57P01'), 'transient', 'server unavailable on customers (57P01)'],
    [
      'pg cannot connect now',
      pgError('57P03'),
      'transient',
      'server unavailable on customers (57P03)',
    ],
    [
      'pg statement timeout',
      pgError('57014'),
      'transient',
      'statement canceled on customers (57014)',
    ],
    ['pg unknown code', pgError('XX000'), 'transient', 'store error on customers (XX000)'],
    // MySQL and MariaDB.
    [
      'my row referenced',
      mysqlError(1451, '23000'),
      'permanent',
      'foreign key violation on customers (1451)',
    ],
    [
      'my no parent row',
      mysqlError(1452, '23000'),
      'permanent',
      'foreign key violation on customers (1452)',
    ],
    [
      'my duplicate',
      mysqlError(1062, '23000'),
      'permanent',
      'unique violation on customers (1062)',
    ],
    [
      'my no such table',
      mysqlError(1146, '42S02'),
      'permanent',
      'no such table on customers (1146)',
    ],
    ['my bad field', mysqlError(1054, '42S22'), 'permanent', 'no such column on customers (1054)'],
    [
      'my table denied',
      mysqlError(1142, '42000'),
      'permanent',
      'permission denied on customers (1142)',
    ],
    [
      'my column denied',
      mysqlError(1143, '42000'),
      'permanent',
      'permission denied on customers (1143)',
    ],
    [
      'my database denied',
      mysqlError(1044, '42000'),
      'permanent',
      'permission denied on customers (1044)',
    ],
    [
      'my access denied',
      mysqlError(1045, '28000'),
      'permanent',
      'authentication failed on customers (1045)',
    ],
    ['my out of range', mysqlError(1264, '22003'), 'permanent', 'invalid data on customers (1264)'],
    ['my too long', mysqlError(1406, '22001'), 'permanent', 'invalid data on customers (1406)'],
    ['my bad value', mysqlError(1366, 'HY000'), 'permanent', 'invalid data on customers (1366)'],
    ['my deadlock', mysqlError(1213, '40001'), 'transient', 'deadlock on customers (1213)'],
    [
      'my lock wait',
      mysqlError(1205, 'HY000'),
      'transient',
      'lock not available on customers (1205)',
    ],
    [
      'my too many connections',
      mysqlError(1040, '08004'),
      'transient',
      'too many connections on customers (1040)',
    ],
    ['my server gone', mysqlError(2006), 'transient', 'connection failed on customers (2006)'],
    [
      'my lost during query',
      mysqlError(2013),
      'transient',
      'connection failed on customers (2013)',
    ],
    ['my unknown errno', mysqlError(9999), 'transient', 'store error on customers (9999)'],
    // Sockets and clients.
    [
      'refused',
      socketError('ECONNREFUSED'),
      'transient',
      'connection failed on customers (ECONNREFUSED)',
    ],
    [
      'reset',
      socketError('ECONNRESET'),
      'transient',
      'connection failed on customers (ECONNRESET)',
    ],
    [
      'timed out',
      socketError('ETIMEDOUT'),
      'transient',
      'connection failed on customers (ETIMEDOUT)',
    ],
    [
      'mysql2 lost connection',
      Object.assign(new Error('Connection lost'), { code: 'PROTOCOL_CONNECTION_LOST' }),
      'transient',
      'connection failed on customers (PROTOCOL_CONNECTION_LOST)',
    ],
    [
      'no code at all',
      new Error('Connection terminated unexpectedly'),
      'transient',
      'store error on customers (Error)',
    ],
  ];

  it.each(cases)('%s: %s', (_, error, kind, message) => {
    const e = classifyDriverError(error, 'customers');
    expect(e).toBeInstanceOf(StoreError);
    expect([e.kind, e.message, e.table]).toEqual([kind, message, 'customers']);
  });

  it('never carries the driver message, which can hold values and connection strings', () => {
    for (const [, error] of cases) {
      const e = classifyDriverError(error, 'customers');
      expect(e.message).not.toMatch(/alice|secret|10\.0\.0\.5|Duplicate|violates/);
      expect(e.stack ?? '').not.toMatch(/alice|secret/);
    }
  });

  it('without a table the message names kind and code only', () => {
    expect(classifyDriverError(pgError('08001')).message).toBe('connection failed (08001)');
  });

  it('a StoreError passes through, gaining the table it did not name', () => {
    const original = new StoreError('permanent', 'erasure-incomplete', 'rows remain');
    expect(classifyDriverError(original)).toBe(original);
    const named = classifyDriverError(original, 'orders');
    expect([named.kind, named.code, named.table, named.message]).toEqual([
      'permanent',
      'erasure-incomplete',
      'orders',
      'rows remain on orders',
    ]);
  });
});
