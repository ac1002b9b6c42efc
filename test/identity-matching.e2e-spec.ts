import fc from 'fast-check';
import { createConnection } from 'mysql2/promise';
import { Client } from 'pg';
import { MysqlConnector } from 'src/data-stores/connectors/mysql.connector';
import { PostgresConnector } from 'src/data-stores/connectors/postgres.connector';
import { mysqlDialect, postgresDialect } from 'src/data-stores/connectors/sql-dialect';
import type { SqlConnector } from 'src/data-stores/connectors/sql.connector';
import { SubjectQueryBuilder } from 'src/data-stores/connectors/subject-query.builder';
import type { CollectionSpec, IdentityType, Subject } from 'src/data-stores/data-store.types';
import { emailSpellings } from 'src/data-stores/identity/email-normaliser';
import {
  asciiCaseVariants,
  emailAddresses,
  integerLookAlikes,
  lookAlikes,
  textIdentifiers,
} from './support/look-alikes';
import { createScratchDatabases, ScratchDatabases } from './support/scratch-databases';

jest.setTimeout(300000);

type Engine = 'postgres' | 'mysql';

interface Variant {
  engine: Engine;
  table: string;
  /** Column type and collation, as in the CREATE TABLE. */
  column: string;
  /** The column's own comparison ignores the case of ASCII letters. */
  caseInsensitive: boolean;
  /** A one-byte character set: only values it can hold are stored. */
  latin1?: boolean;
  /** A fixed-width type: trailing spaces are padding, so the column cannot keep them. */
  padded?: boolean;
}

const EMAIL_VARIANTS: Variant[] = [
  { engine: 'mysql', table: 'email_server_default', column: 'VARCHAR(200)', caseInsensitive: true },
  {
    engine: 'mysql',
    table: 'email_general_ci',
    column: 'VARCHAR(200) COLLATE utf8mb4_general_ci',
    caseInsensitive: true,
  },
  {
    engine: 'mysql',
    table: 'email_unicode_ci',
    column: 'VARCHAR(200) COLLATE utf8mb4_unicode_ci',
    caseInsensitive: true,
  },
  {
    engine: 'mysql',
    table: 'email_latin1',
    column: 'VARCHAR(200) CHARACTER SET latin1',
    caseInsensitive: true,
    latin1: true,
  },
  {
    engine: 'mysql',
    table: 'email_bin',
    column: 'VARCHAR(200) COLLATE utf8mb4_bin',
    caseInsensitive: false,
  },
  { engine: 'postgres', table: 'email_default', column: 'text', caseInsensitive: false },
  {
    engine: 'postgres',
    table: 'email_char',
    column: 'character(60)',
    caseInsensitive: false,
    padded: true,
  },
  {
    engine: 'postgres',
    table: 'email_icu_ci_ai',
    column: 'text COLLATE ci_ai',
    caseInsensitive: true,
  },
  { engine: 'postgres', table: 'email_citext', column: 'citext', caseInsensitive: true },
];

const TEXT_ID_VARIANTS: Variant[] = [
  { engine: 'mysql', table: 'ref_general_ci', column: 'VARCHAR(60)', caseInsensitive: true },
  {
    engine: 'mysql',
    table: 'ref_unicode_ci',
    column: 'VARCHAR(60) COLLATE utf8mb4_unicode_ci',
    caseInsensitive: true,
  },
  { engine: 'postgres', table: 'ref_default', column: 'varchar(60)', caseInsensitive: false },
  {
    engine: 'postgres',
    table: 'ref_icu_ci_ai',
    column: 'varchar(60) COLLATE ci_ai',
    caseInsensitive: true,
  },
  { engine: 'postgres', table: 'ref_citext', column: 'citext', caseInsensitive: true },
];

const INTEGER_VARIANTS: Array<{ engine: Engine; table: string; column: string }> = [
  { engine: 'mysql', table: 'int_id', column: 'INT' },
  { engine: 'mysql', table: 'uint_id', column: 'BIGINT UNSIGNED' },
  { engine: 'postgres', table: 'int_id', column: 'integer' },
  { engine: 'postgres', table: 'bigint_id', column: 'bigint' },
];

const asciiLower = (v: string) => v.replace(/[A-Z]/g, (c) => c.toLowerCase());

describe('identity matching on real stores', () => {
  let dbs: ScratchDatabases;
  let pg: Client;
  let my: Awaited<ReturnType<typeof createConnection>>;
  const connectors: SqlConnector[] = [];

  beforeAll(async () => {
    dbs = await createScratchDatabases('identity');
    pg = new Client({ connectionString: dbs.postgresUrl });
    await pg.connect();
    // A case- and accent-insensitive ICU collation, and citext: both compare as the column says.
    await pg.query(
      `CREATE COLLATION ci_ai (provider = icu, locale = 'und-u-ks-level1', deterministic = false)`,
    );
    await pg.query('CREATE EXTENSION citext');
    my = await createConnection({ uri: dbs.mysqlUrl });
    for (const v of [...EMAIL_VARIANTS, ...TEXT_ID_VARIANTS]) {
      await run(v.engine, `CREATE TABLE ${v.table} (id INT PRIMARY KEY, val ${v.column} NOT NULL)`);
      await run(v.engine, `CREATE INDEX ${v.table}_val_idx ON ${v.table} (val)`);
    }
    for (const v of INTEGER_VARIANTS) {
      await run(v.engine, `CREATE TABLE ${v.table} (val ${v.column} PRIMARY KEY, note TEXT)`);
    }
  });

  afterAll(async () => {
    await Promise.all(connectors.map((c) => c.close()));
    await pg?.end();
    await my?.end();
    await dbs?.drop();
  });

  async function run(engine: Engine, sql: string, params: unknown[] = []): Promise<void> {
    if (engine === 'postgres') {
      await pg.query(sql, params);
    } else {
      await my.query(sql, params);
    }
  }

  async function fill(engine: Engine, table: string, values: string[]): Promise<void> {
    await run(engine, `DELETE FROM ${table}`);
    if (values.length === 0) {
      return;
    }
    const rows = values.map((v, i) => [i, v]);
    if (engine === 'postgres') {
      const list = rows.map((_, i) => `($${2 * i + 1}, $${2 * i + 2})`).join(', ');
      await pg.query(`INSERT INTO ${table} (id, val) VALUES ${list}`, rows.flat());
    } else {
      await my.query(`INSERT INTO ${table} (id, val) VALUES ?`, [rows]);
    }
  }

  function connector(engine: Engine, table: string, type: IdentityType): SqlConnector {
    const collections: CollectionSpec[] = [
      { name: table, identity: { field: 'val', type }, fields: [{ name: 'val' }] },
    ];
    const c =
      engine === 'postgres'
        ? new PostgresConnector(dbs.postgresUrl, collections, 'hash-key')
        : new MysqlConnector(dbs.mysqlUrl, collections, 'hash-key');
    connectors.push(c);
    return c;
  }

  async function matched(c: SqlConnector, subject: Subject, key = 'id'): Promise<string[]> {
    const out: string[] = [];
    for await (const collection of c.export(subject)) {
      for await (const batch of collection.records) {
        out.push(...batch.map((r) => String(r[key])));
      }
    }
    return out.sort();
  }

  /** The values the column can hold. */
  function storable(v: Variant, values: string[]): string[] {
    return v.latin1
      ? values.filter((x) => [...x].every((c) => (c.codePointAt(0) ?? 0) <= 0xff))
      : values;
  }

  /**
   * Row ids of `values` that the documented rule says are the subject's: the same bytes as the
   * column holds them, or with ASCII letters lower-cased where `foldAsciiCase`.
   */
  function expected(
    v: Variant,
    values: string[],
    subject: string,
    foldAsciiCase: boolean,
  ): string[] {
    const forms = new Set(emailSpellings(subject));
    return values
      .map((x, i) => [v.padded ? x.replace(/ +$/, '') : x, String(i)] as const)
      .filter(([x]) => forms.has(x) || (foldAsciiCase && forms.has(asciiLower(x))))
      .map(([, i]) => i)
      .sort();
  }

  describe.each(EMAIL_VARIANTS)('e-mail in $engine $column', (v) => {
    let c: SqlConnector;
    beforeAll(() => {
      c = connector(v.engine, v.table, 'email');
    });

    it('matches no look-alike of the address, ever', async () => {
      await fc.assert(
        fc.asyncProperty(emailAddresses, async (subject) => {
          const values = storable(v, [subject, ...lookAlikes(subject)]);
          await fill(v.engine, v.table, values);
          const subjectRows = expected(v, values, subject, false);
          expect(subjectRows.length).toBeLessThanOrEqual(v.padded ? 2 : 1);
          expect(await matched(c, { email: subject })).toEqual(subjectRows);
        }),
        { numRuns: 40 },
      );
    });

    it(
      v.caseInsensitive
        ? 'matches the Unicode form of the domain, and addresses that differ only in ASCII case'
        : 'matches the Unicode form of the domain; other spellings only with the exact bytes',
      async () => {
        await fc.assert(
          fc.asyncProperty(emailAddresses, async (subject) => {
            const [, unicode] = emailSpellings(subject);
            const values = storable(v, [
              subject,
              ...asciiCaseVariants(subject),
              ...lookAlikes(subject),
              ...(unicode ? [unicode, ...asciiCaseVariants(unicode), ...lookAlikes(unicode)] : []),
            ]);
            await fill(v.engine, v.table, values);
            expect(await matched(c, { email: subject })).toEqual(
              expected(v, values, subject, v.caseInsensitive),
            );
          }),
          { numRuns: 25 },
        );
      },
    );
  });

  describe.each(TEXT_ID_VARIANTS)('text ids and phones in $engine $column', (v) => {
    it.each<IdentityType>(['subject_id', 'phone'])(
      'matches a %s byte for byte, whatever the collation',
      async (type) => {
        const c = connector(v.engine, v.table, type);
        await fc.assert(
          fc.asyncProperty(textIdentifiers, async (subject) => {
            const values = [subject, ...asciiCaseVariants(subject), ...lookAlikes(subject)];
            await fill(v.engine, v.table, values);
            const given: Subject = type === 'phone' ? { phone: subject } : { subjectId: subject };
            expect(await matched(c, given)).toEqual(['0']);
          }),
          { numRuns: 25 },
        );
      },
    );
  });

  describe.each(INTEGER_VARIANTS)('integer ids in $engine $column', (v) => {
    let c: SqlConnector;
    beforeAll(() => {
      c = connector(v.engine, v.table, 'subject_id');
    });

    it('matches only the canonical spelling of the integer', async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 100_000 }), async (n) => {
          await run(v.engine, `DELETE FROM ${v.table}`);
          for (const id of new Set([n, n + 1, n * 10, Number(`1${n}`), 0])) {
            await run(v.engine, `INSERT INTO ${v.table} (val) VALUES (${id})`);
          }
          expect(await matched(c, { subjectId: String(n) }, 'val')).toEqual([String(n)]);
          for (const spelling of integerLookAlikes(n)) {
            expect(await matched(c, { subjectId: spelling }, 'val')).toEqual([]);
          }
        }),
        { numRuns: 15 },
      );
    });

    it('matches nothing, without an error, for a value out of the column range', async () => {
      await run(v.engine, `DELETE FROM ${v.table}`);
      await run(v.engine, `INSERT INTO ${v.table} (val) VALUES (1)`);
      expect(await matched(c, { subjectId: '99999999999999999999999' }, 'val')).toEqual([]);
      expect(await matched(c, { subjectId: '-1' }, 'val')).toEqual([]);
    });
  });

  it.each<Engine>(['postgres', 'mysql'])(
    'tells 64-bit ids apart that a floating-point comparison would confuse (%s)',
    async (engine) => {
      const table = engine === 'postgres' ? 'bigint_id' : 'uint_id';
      const c = connector(engine, table, 'subject_id');
      await run(engine, `DELETE FROM ${table}`);
      await run(engine, `INSERT INTO ${table} (val) VALUES (9007199254740992), (9007199254740993)`);
      expect(await matched(c, { subjectId: '9007199254740993' }, 'val')).toEqual([
        '9007199254740993',
      ]);
    },
  );

  it.each<Engine>(['postgres', 'mysql'])(
    'matches a uuid column by the uuid in either case of its hex digits, and by nothing else (%s)',
    async (engine) => {
      const table = 'uuid_id';
      await run(engine, `DROP TABLE IF EXISTS ${table}`);
      await run(engine, `CREATE TABLE ${table} (val UUID PRIMARY KEY)`);
      const id = '5d9f1f3a-4b7e-4f3c-9a0e-2c6b1e8d7f10';
      const other = '5d9f1f3a-4b7e-4f3c-9a0e-2c6b1e8d7f11';
      await run(engine, `INSERT INTO ${table} (val) VALUES ('${id}'), ('${other}')`);
      const c = connector(engine, table, 'subject_id');
      expect(await matched(c, { subjectId: id }, 'val')).toEqual([id]);
      expect(await matched(c, { subjectId: id.toUpperCase() }, 'val')).toEqual([id]);
      for (const spelling of [`{${id}}`, id.replace(/-/g, ''), ` ${id}`, `${id}x`, '12abc']) {
        expect(await matched(c, { subjectId: spelling }, 'val')).toEqual([]);
      }
    },
  );

  it.each(EMAIL_VARIANTS.filter((v) => v.engine === 'mysql' || v.table !== 'email_citext'))(
    'finds the candidates through the index on $engine $column',
    async (v) => {
      const values = Array.from({ length: 3000 }, (_, i) => `person${i}@example.com`);
      await fill(v.engine, v.table, values);
      const collections: CollectionSpec[] = [
        { name: v.table, identity: { field: 'val', type: 'email' }, fields: [] },
      ];
      const c = connector(v.engine, v.table, 'email');
      const builder = new SubjectQueryBuilder(
        collections,
        v.engine === 'postgres' ? postgresDialect : mysqlDialect,
        await c.catalogue(),
      );
      const statement = builder.select(v.table, { email: 'person17@example.com' });
      let plan: string;
      if (v.engine === 'postgres') {
        await pg.query(`ANALYZE ${v.table}`);
        const r = await pg.query(`EXPLAIN ${statement.sql}`, statement.params);
        plan = JSON.stringify(r.rows);
      } else {
        await my.query(`ANALYZE TABLE ${v.table}`);
        const [rows] = await my.query(`EXPLAIN ${statement.sql}`, statement.params);
        plan = JSON.stringify(rows);
      }
      expect(plan).toContain(`${v.table}_val_idx`);
      expect(await matched(c, { email: 'person17@example.com' })).toEqual(['17']);
    },
  );
});
