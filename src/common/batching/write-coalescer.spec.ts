import { WriteCoalescer } from './write-coalescer';

describe('WriteCoalescer', () => {
  it('sends the writes of one turn together, each caller getting its own answer', async () => {
    const statements: number[][] = [];
    const doubled = new WriteCoalescer<number, number>((items) => {
      statements.push(items);
      return Promise.resolve(items.map((n) => n * 2));
    });
    expect(await Promise.all([doubled.submit(1), doubled.submit(2), doubled.submit(3)])).toEqual([
      2, 4, 6,
    ]);
    expect(statements).toEqual([[1, 2, 3]]);
  });

  it('gathers the writes made while one is on its way into the next statement', async () => {
    const statements: number[][] = [];
    let release: () => void = () => undefined;
    const first = new Promise<void>((r) => (release = r));
    const writer = new WriteCoalescer<number, number>(async (items) => {
      statements.push(items);
      if (statements.length === 1) {
        await first;
      }
      return items;
    });
    const a = writer.submit(1);
    await new Promise((r) => setImmediate(r));
    const later = [writer.submit(2), writer.submit(3)];
    release();
    expect(await Promise.all([a, ...later])).toEqual([1, 2, 3]);
    expect(statements).toEqual([[1], [2, 3]]);
  });

  it('fails every write of a failed statement, and goes on with the next', async () => {
    let fail = true;
    const writer = new WriteCoalescer<number, number>((items) =>
      fail ? Promise.reject(new Error('connection lost')) : Promise.resolve(items),
    );
    const failed = [writer.submit(1), writer.submit(2)].map((p) =>
      p.then(
        () => 'ok',
        (e: Error) => e.message,
      ),
    );
    expect(await Promise.all(failed)).toEqual(['connection lost', 'connection lost']);
    fail = false;
    expect(await writer.submit(3)).toBe(3);
  });

  it('keeps a statement to its largest size', async () => {
    const sizes: number[] = [];
    const writer = new WriteCoalescer<number, number>((items) => {
      sizes.push(items.length);
      return Promise.resolve(items);
    }, 2);
    await Promise.all([1, 2, 3, 4, 5].map((n) => writer.submit(n)));
    expect(sizes).toEqual([2, 2, 1]);
  });
});
