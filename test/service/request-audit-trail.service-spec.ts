import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PrivacyRequestRepository } from 'src/privacy-requests/privacy-request.repository';
import { serviceDataSource } from './support/database';
import { planOf, statementsOf } from './support/query-plan';

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
    const sent = await statementsOf((recording) =>
      new PrivacyRequestRepository(recording).findAuditTrail(randomUUID()),
    );
    expect(sent).toHaveLength(1);
    // The test database is small, where a scan is cheapest; the plan is what a large log gets.
    const plan = await planOf(ds, sent[0], (runner) =>
      runner.query('SET LOCAL enable_seqscan = off'),
    );
    expect(plan).toContain('audit_events_request_trail_idx');
  });
});
