import { createTestCrypto } from '../../test-support/envelope-crypto.fixture';
import type { RewrapProgress } from './subject-key.rewrapper';

describe('SubjectKeyRewrapper', () => {
  it('moves subject keys to the new keyring version in batches, reporting progress; data stays readable', async () => {
    const t = await createTestCrypto();
    const subjects = Array.from({ length: 25 }, (_, i) => `subject-${i}`);
    const before = await Promise.all(
      subjects.map((s) => t.crypto.fields.encrypt(`${s}-data`, { subjectId: s })),
    );
    await t.crypto.keyring.rotateKeyring('pii');
    await t.crypto.subjects.shred('subject-3');

    // Still wrapped under v1 and readable before the job runs.
    expect((await t.store.listSubjectKeysByKeyringVersion('pii', 1, 100)).length).toBe(24);
    t.crypto.subjects.clearCache();
    expect(await t.crypto.fields.decrypt(before[0])).toBe('subject-0-data');

    const progress: RewrapProgress[] = [];
    const result = await t.crypto.rewrapper.rewrapAll('pii', {
      batchSize: 10,
      onProgress: (p) => void progress.push(p),
    });
    expect(result).toEqual({ processed: 24, rewrapped: 24 });
    expect(progress.map((p) => p.processed)).toEqual([10, 20, 24]);
    expect(progress[2]).toMatchObject({ fromVersion: 1, targetVersion: 2, cursor: undefined });
    expect((await t.store.listSubjectKeysByKeyringVersion('pii', 1, 100)).length).toBe(0);
    expect((await t.store.listSubjectKeysByKeyringVersion('pii', 2, 100)).length).toBe(24);

    t.crypto.subjects.clearCache();
    t.crypto.keyring.clearCache();
    const readable = await Promise.all(
      before.map((s, i) => (i === 3 ? Promise.resolve('shredded') : t.crypto.fields.decrypt(s))),
    );
    expect(readable[0]).toBe('subject-0-data');
    expect(readable[24]).toBe('subject-24-data');
    expect(await t.crypto.rewrapper.rewrapAll('pii')).toEqual({ processed: 0, rewrapped: 0 });
  });

  it('resumes from a cursor and skips keys changed meanwhile', async () => {
    const t = await createTestCrypto();
    for (let i = 0; i < 6; i += 1) {
      await t.crypto.fields.encrypt('x', { subjectId: `s${i}` });
    }
    await t.crypto.keyring.rotateKeyring('pii');
    const first = await t.crypto.rewrapper.rewrapBatch({ alias: 'pii', fromVersion: 1, limit: 4 });
    expect(first).toMatchObject({ targetVersion: 2, processed: 4, rewrapped: 4 });
    expect(first.nextCursor).toBeDefined();
    const second = await t.crypto.rewrapper.rewrapBatch({
      alias: 'pii',
      fromVersion: 1,
      limit: 4,
      after: first.nextCursor,
    });
    expect(second).toMatchObject({ processed: 2, rewrapped: 2, nextCursor: undefined });
  });

  it('ends with the error of a failed batch write, having reported only the batches written', async () => {
    const t = await createTestCrypto();
    for (let i = 0; i < 25; i += 1) {
      await t.crypto.fields.encrypt('x', { subjectId: `s${i}` });
    }
    await t.crypto.keyring.rotateKeyring('pii');
    const write = t.store.updateSubjectKeyWraps.bind(t.store);
    let writes = 0;
    jest.spyOn(t.store, 'updateSubjectKeyWraps').mockImplementation((...args) => {
      writes += 1;
      return writes === 2 ? Promise.reject(new Error('database went away')) : write(...args);
    });
    const progress: number[] = [];
    await expect(
      t.crypto.rewrapper.rewrapAll('pii', {
        batchSize: 10,
        onProgress: (p) => void progress.push(p.processed),
      }),
    ).rejects.toThrow('database went away');
    expect(progress).toEqual([10]);
    // The first batch moved; a rerun picks up the rest.
    expect(await t.crypto.rewrapper.rewrapAll('pii', { batchSize: 10 })).toEqual({
      processed: 15,
      rewrapped: 15,
    });
  });
});
