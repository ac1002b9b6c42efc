import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PrivacyRequestRepository } from 'src/privacy-requests/privacy-request.repository';
import { serviceDataSource } from './support/database';

/**
 * `GET /v1/privacy-requests/:id` reads the request's audit trail on every call, and the audit
 * log only grows: the trail must be found by an index, whatever the log's size.
 */
describe("a request's audit trail", () => {
  let ds: DataSource;

  beforeAll(async () => {
    ds = await serviceDataSource();
  });
  afterAll(() => ds.destroy());

  it('is read through the index of events about privacy requests, not by scanning the log', async () => {
    const sent: Array<{ text: string; params: unknown[] }> = [];
    const recording = {
      query: (text: string, params: unknown[] = []) => {
        sent.push({ text, params });
        return Promise.resolve([]);
      },
    } as unknown as DataSource;
    await new PrivacyRequestRepository(recording).findAuditTrail(randomUUID());
    expect(sent).toHaveLength(1);

    const runner = ds.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      // The test database is small, where a scan is cheapest; the plan is what a large log gets.
      await runner.query('SET LOCAL enable_seqscan = off');
      const plan = (await runner.query(`EXPLAIN ${sent[0].text}`, sent[0].params)) as Array<{
        'QUERY PLAN': string;
      }>;
      expect(plan.map((row) => row['QUERY PLAN']).join('\n')).toContain(
        'audit_events_request_trail_idx',
      );
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });
});
