import { QueryFailedError } from 'typeorm';
import { dependencyOutage } from './dependency-outage';

const withCode = (message: string, code: string): Error =>
  Object.assign(new Error(message), { code });

describe('dependencyOutage', () => {
  it('names the database for a refused connection', () => {
    expect(dependencyOutage(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'))).toBe(
      'database',
    );
  });

  it('names the database for a query that failed because the server shut down', () => {
    const driver = withCode('terminating connection due to administrator command', '57P01');
    expect(dependencyOutage(new QueryFailedError('SELECT 1', [], driver))).toBe('database');
  });

  it('names the database for a connection the pg driver lost mid-query', () => {
    expect(dependencyOutage(new Error('Connection terminated unexpectedly'))).toBe('database');
  });

  it('names Redis when ioredis gave up on a command', () => {
    const e = new Error('Reached the max retries per request limit (which is 2).');
    e.name = 'MaxRetriesPerRequestError';
    expect(dependencyOutage(e)).toBe('redis');
    expect(dependencyOutage(new Error('Connection is closed.'))).toBe('redis');
  });

  it('looks through the cause of a wrapping error', () => {
    const wrapped = new Error('enqueue failed', {
      cause: withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'),
    });
    expect(dependencyOutage(wrapped)).toBe('database');
  });

  it('does not call a broken constraint or a bug an outage', () => {
    const unique = withCode('duplicate key value violates unique constraint', '23505');
    expect(dependencyOutage(new QueryFailedError('INSERT', [], unique))).toBeUndefined();
    expect(dependencyOutage(new TypeError('x is undefined'))).toBeUndefined();
    expect(dependencyOutage('a string')).toBeUndefined();
  });
});
