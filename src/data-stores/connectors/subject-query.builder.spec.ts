import type { CollectionSpec } from 'src/data-stores/data-store.types';
import type { CatalogueTable } from './connector.interface';
import { mysqlDialect, postgresDialect } from './sql-dialect';
import { SubjectQueryBuilder } from './subject-query.builder';

const COLLECTIONS: CollectionSpec[] = [
  { name: 'people', identity: { field: 'id', type: 'subject_id' }, fields: [{ name: 'name' }] },
  {
    name: 'notes',
    fields: [{ name: 'nickname' }],
    references: [{ field: 'person_id', to: 'people.id' }],
  },
];
const CATALOGUE: CatalogueTable[] = [
  { name: 'people', columns: [{ name: 'id', dataType: 'integer', nullable: false }] },
];
const SUBJECT = { subjectId: '12' };

describe('SubjectQueryBuilder.update', () => {
  it('binds the new values before the subject condition (PostgreSQL, through a sub-query)', () => {
    const s = new SubjectQueryBuilder(COLLECTIONS, postgresDialect, CATALOGUE).update(
      'notes',
      [['nickname', 'Zoë']],
      SUBJECT,
    );
    expect(s).toEqual({
      sql: 'UPDATE "notes" SET "nickname" = $1 WHERE "person_id" IN (SELECT "id" FROM "people" WHERE "id" = CAST($2 AS integer))',
      params: ['Zoë', '12'],
      table: 'notes',
    });
  });

  it('joins from the identity match down on MariaDB, so no sub-query runs per row', () => {
    const s = new SubjectQueryBuilder(COLLECTIONS, mysqlDialect, CATALOGUE).update(
      'notes',
      [['nickname', 'Zoë']],
      SUBJECT,
    );
    expect(s).toEqual({
      sql: 'UPDATE `people` AS `t1` STRAIGHT_JOIN `notes` AS `t0` ON `t0`.`person_id` = `t1`.`id` SET `t0`.`nickname` = ? WHERE `t1`.`id` = CAST(? AS SIGNED)',
      params: ['Zoë', '12'],
      table: 'notes',
    });
  });

  it('matches no row for an id the column cannot hold, without binding it', () => {
    const s = new SubjectQueryBuilder(COLLECTIONS, postgresDialect, CATALOGUE).update(
      'people',
      [['name', 'x']],
      { subjectId: '12abc' },
    );
    expect(s.sql).toBe('UPDATE "people" SET "name" = $1 WHERE 1 = 0');
    expect(s.params).toEqual(['x']);
  });
});
