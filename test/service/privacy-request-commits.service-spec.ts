import { DataSource } from 'typeorm';
import { SYSTEM } from 'src/common/access/request-context.decorator';
import { AuditService } from 'src/audit/audit.service';
import type { AppConfig } from 'src/config/app-config';
import { PrivacyRequestCommits } from 'src/privacy-requests/privacy-request-commit.service';
import { PrivacyRequestError } from 'src/privacy-requests/privacy-request.error';
import { PrivacyRequestRepository } from 'src/privacy-requests/privacy-request.repository';
import { insertRequest, serviceDataSource } from './support/database';

const AUDIT_KEY = { masterKey: Buffer.alloc(32, 1) } as AppConfig;
const AUTO_APPROVAL = { privacyRequests: { approval: 'auto' } } as AppConfig;

describe('PrivacyRequestCommits', () => {
  let ds: DataSource;
  let repo: PrivacyRequestRepository;
  let commits: PrivacyRequestCommits;

  beforeAll(async () => {
    ds = await serviceDataSource();
    repo = new PrivacyRequestRepository(ds);
    commits = new PrivacyRequestCommits(repo, new AuditService(ds, AUDIT_KEY), AUTO_APPROVAL);
  });
  afterAll(() => ds.destroy());

  const events = (id: string) =>
    ds.query<Array<{ action: string; outcome: string; actor_type: string }>>(
      `SELECT action, outcome, actor_type FROM audit_events
        WHERE target_type = 'privacy_request' AND target_id = $1 ORDER BY seq`,
      [id],
    );
  const request = (id: string) => ({ id, type: 'erasure' as const });

  it('a guarded transition moves the request and records one event', async () => {
    const id = await insertRequest(ds, 'queued');
    expect(await commits.transition(SYSTEM, request(id), 'queued', 'in_progress')).toBe(true);
    expect(await repo.findStatus(id)).toBe('in_progress');
    expect((await events(id)).map((e) => e.action)).toEqual(['privacy_request.in_progress']);
  });

  it('a guarded transition loses to a concurrent one and records nothing', async () => {
    const id = await insertRequest(ds, 'queued');
    const moves = await Promise.all(
      Array.from({ length: 6 }, () =>
        commits.transition(SYSTEM, request(id), 'queued', 'in_progress'),
      ),
    );
    expect(moves.filter(Boolean)).toHaveLength(1);
    expect(await events(id)).toHaveLength(1);
  });

  it('a guarded transition from a status the request has left does not move it', async () => {
    const id = await insertRequest(ds, 'rejected');
    expect(await commits.transition(SYSTEM, request(id), 'queued', 'in_progress')).toBe(false);
    expect(await repo.findStatus(id)).toBe('rejected');
    expect(await events(id)).toEqual([]);
  });

  it('a transition not allowed is refused before the row is touched', async () => {
    const id = await insertRequest(ds, 'completed');
    await expect(commits.transition(SYSTEM, request(id), 'completed', 'queued')).rejects.toThrow(
      PrivacyRequestError,
    );
    expect(await repo.findStatus(id)).toBe('completed');
    expect(await events(id)).toEqual([]);
  });

  it('work the service does on its own is audited as system, never anonymous', async () => {
    const id = await insertRequest(ds, 'queued');
    await commits.transition(SYSTEM, request(id), 'queued', 'in_progress');
    expect((await events(id)).map((e) => e.actor_type)).toEqual(['system']);
  });

  it('a request that fails is audited with outcome failure', async () => {
    const id = await insertRequest(ds, 'in_progress');
    await repo.transaction(async (m) => {
      const locked = await repo.lockById(m, id);
      await commits.setStatus(m, SYSTEM, locked!, 'failed', { reason: 'denied (42501)' });
    });
    expect(await events(id)).toEqual([
      { action: 'privacy_request.failed', outcome: 'failure', actor_type: 'system' },
    ]);
  });

  describe('with REQUEST_APPROVAL=manual', () => {
    const manual = () =>
      new PrivacyRequestCommits(repo, new AuditService(ds, AUDIT_KEY), {
        privacyRequests: { approval: 'manual' },
      } as AppConfig);
    const verify = async (type: 'access' | 'opt_out_sale'): Promise<string> => {
      const id = await insertRequest(ds, 'pending_verification', { type });
      await repo.transaction(async (m) => {
        const locked = await repo.lockById(m, id);
        await manual().queue(m, SYSTEM, locked!);
      });
      return id;
    };

    it('a request verified by its code waits for approval', async () => {
      const id = await verify('access');
      expect(await repo.findStatus(id)).toBe('pending_approval');
      expect((await events(id)).map((e) => e.action)).toEqual(['privacy_request.pending_approval']);
    });

    it('a verified opt-out of sale is queued at once', async () => {
      const id = await verify('opt_out_sale');
      expect(await repo.findStatus(id)).toBe('queued');
    });
  });
});
