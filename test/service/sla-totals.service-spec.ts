import { DataSource } from 'typeorm';
import { PrivacyRequestRepository } from 'src/privacy-requests/privacy-request.repository';
import { serviceDataSource } from './support/database';
import { planOf, statementsOf } from './support/query-plan';

/**
 * The DPO console's SLA figures are read on every visit to its dashboard, and requests are kept
 * for years: the open requests and the last 30 days' completions must each be found by an
 * index, however many requests the table holds.
 */
describe('the SLA totals', () => {
  let ds: DataSource;

  beforeAll(async () => {
    ds = await serviceDataSource();
  });
  afterAll(() => ds.destroy());

  it('read the open requests and the recent completions through indexes, not by scanning every request', async () => {
    const sent = await statementsOf(
      (recording) => new PrivacyRequestRepository(recording).slaTotals(),
      [{}],
    );
    expect(sent).toHaveLength(1);
    // Years of requests, nearly all completed long ago, with statistics that say so (both kept
    // to the plan's transaction): the plan a real table gets, where a scan would read them all.
    const plan = await planOf(ds, sent[0], async (runner) => {
      await runner.query(
        `INSERT INTO privacy_requests (id, type, status, jurisdiction, source, subject_ciphertext,
           received_at, due_at, due_rule, completed_at)
         SELECT gen_random_uuid(), 'erasure', 'completed', 'GDPR', 'service', 'sealed',
                now() - interval '3 years' + n * interval '10 minutes',
                now() - interval '3 years' + n * interval '10 minutes' + interval '30 days',
                'gdpr-1-calendar-month',
                now() - interval '3 years' + n * interval '10 minutes' + interval '2 days'
           FROM generate_series(1, 20000) n`,
      );
      await runner.query('ANALYZE privacy_requests');
    });
    expect(plan).toContain('privacy_requests_completed_idx');
    expect(plan).toContain('privacy_requests_status_type_idx');
    // Each index is probed by a condition, not read whole in place of the table.
    const scans = plan.match(/Index (Only )?Scan (Backward )?(using|on)/g) ?? [];
    const conditions = plan.match(/Index Cond:/g) ?? [];
    expect(conditions).toHaveLength(scans.length);
  });
});
