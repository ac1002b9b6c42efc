import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Fewer index entries per row written on the erasure path. `privacy_requests_status_idx` is the
 * prefix of `privacy_requests_status_type_idx`, which serves every query by status as well, yet
 * each status change wrote to both. The audit chain is keyed by `seq`, which is already unique,
 * not null and how every query reads the table; nothing looks an event up by `id`, whose random
 * values made each append write a leaf page anywhere in its index. The key moves to `seq` and the
 * separate unique index on it goes.
 */
export class FewerErasureIndexEntries1764005700000 implements MigrationInterface {
  name = 'FewerErasureIndexEntries1764005700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX privacy_requests_status_idx`);
    await q.query(`
      ALTER TABLE audit_events
        DROP CONSTRAINT audit_events_pkey,
        DROP CONSTRAINT audit_events_seq_key,
        ADD CONSTRAINT audit_events_pkey PRIMARY KEY (seq)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE audit_events
        DROP CONSTRAINT audit_events_pkey,
        ADD CONSTRAINT audit_events_pkey PRIMARY KEY (id),
        ADD CONSTRAINT audit_events_seq_key UNIQUE (seq)`);
    await q.query(`CREATE INDEX privacy_requests_status_idx ON privacy_requests (status)`);
  }
}
