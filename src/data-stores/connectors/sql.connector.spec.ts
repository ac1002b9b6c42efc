import type { ErasurePlan, PlanStep } from 'src/data-stores/erasure/erasure-planner';
import { plannedStatements, tally } from './sql.connector';

const statement = (sql: string) => ({ sql, params: [sql], table: sql });
const step = (collection: string, action: PlanStep['action'], statements: string[]): PlanStep => ({
  collection,
  action,
  statements: statements.map(statement),
  count: statement(`count ${collection}`),
});

/** orders unlinked by two statements, wishlists and visits cascaded, customers deleted. */
const plan: ErasurePlan = {
  steps: [
    step('orders', 'unlinked', ['update orders a', 'update orders b']),
    step('wishlists', 'cascaded', []),
    step('visits', 'cascaded', []),
    step('customers', 'deleted', ['delete customers']),
  ],
  counts: { ...statement('count all'), columns: [0, 1, 2, 3] },
  storeRuns: new Map([
    [1, { steps: 2, counts: { ...statement('count wishlists, visits'), columns: [0, 1] } }],
  ]),
};

describe('an erasure plan as statements', () => {
  it('runs each step’s statements in order, counting a run of cascades once where it starts', () => {
    expect(plannedStatements(plan).map((p) => [p.statement.sql, p.first, p.counts])).toEqual([
      ['update orders a', 0, false],
      ['update orders b', 0, false],
      ['count wishlists, visits', 1, true],
      ['delete customers', 3, false],
    ]);
  });

  it('gives a step made by an earlier step’s statement that statement’s rows', () => {
    const merged: ErasurePlan = {
      steps: [
        step('orders', 'updated', ['update and unlink orders']),
        { ...step('orders', 'unlinked', []), madeBy: 0 },
        step('customers', 'deleted', ['delete customers']),
      ],
      counts: { ...statement('count all'), columns: [0, 1, 2] },
      storeRuns: new Map(),
    };
    const planned = plannedStatements(merged);
    expect(planned.map((p) => p.statement.sql)).toEqual([
      'update and unlink orders',
      'delete customers',
    ]);
    expect(
      tally(merged, planned, [2, 1]).map((c) => `${c.collection}:${c.action}:${c.rows}`),
    ).toEqual(['orders:updated:2', 'orders:unlinked:2', 'customers:deleted:1']);
  });

  it('gives steps whose counts share a column that column’s value', () => {
    const shared: ErasurePlan = {
      ...plan,
      storeRuns: new Map([
        [1, { steps: 2, counts: { ...statement('count wishlists'), columns: [0, 0] } }],
      ]),
    };
    const planned = plannedStatements(shared);
    expect(tally(shared, planned, [2, 1, [4], 1]).map((c) => c.rows)).toEqual([3, 4, 4, 1]);
  });

  it('adds up a step’s changed rows and spreads a run’s counts over its steps', () => {
    const planned = plannedStatements(plan);
    expect(tally(plan, planned, [2, 1, [4, 5], 1])).toEqual([
      { collection: 'orders', action: 'unlinked', rows: 3 },
      { collection: 'wishlists', action: 'cascaded', rows: 4 },
      { collection: 'visits', action: 'cascaded', rows: 5 },
      { collection: 'customers', action: 'deleted', rows: 1 },
    ]);
  });
});
