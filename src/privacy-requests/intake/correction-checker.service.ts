import { Injectable } from '@nestjs/common';
import type {
  CatalogueColumn,
  CatalogueTable,
} from 'src/data-stores/connectors/connector.interface';
import { DataStoreConnectors } from 'src/data-stores/data-store-connectors.service';
import type { Correction } from 'src/data-stores/data-store.types';
import { correctionProblem } from 'src/data-stores/rectification/correction-value';
import { describedFields } from 'src/data-stores/rectification/correction-targets';
import { PrivacyRequestError, PrivacyRequestErrorCode } from '../privacy-request.error';
import {
  PrivacyRequestRepository,
  StoreDescription,
  StoreRef,
} from '../privacy-request.repository';

const MAX_CORRECTIONS = 100;

type Problem = { field: string; message: string };

/**
 * Checks a rectification's corrections against the registered stores before it is accepted:
 * each names a field some store's description has, and each value fits the column it goes to
 * in every SQL store (type, size, nullability from the live catalogue). Answers the stores that
 * take part: SQL stores describing a corrected field, and every HTTP store. Problems name
 * fields, stores and types, never values.
 */
@Injectable()
export class CorrectionChecker {
  constructor(
    private readonly requests: PrivacyRequestRepository,
    private readonly connectors: DataStoreConnectors,
  ) {}

  async check(corrections: Correction[] | undefined): Promise<StoreRef[]> {
    if (!corrections || corrections.length === 0) {
      throw invalid([{ field: 'corrections', message: 'a rectification needs corrections' }]);
    }
    if (corrections.length > MAX_CORRECTIONS) {
      throw invalid([
        { field: 'corrections', message: `at most ${MAX_CORRECTIONS} corrections a request` },
      ]);
    }
    const problems = duplicates(corrections);
    const stores = await this.requests.findStoreDescriptions();
    // HTTP backends and manual stores are told every correction; they apply what they hold.
    const taking = new Set<string>(stores.filter((s) => !isSql(s.type)).map((s) => s.id));
    const described = corrections.map(() => false);
    for (const store of stores) {
      const targets = store.collections.flatMap((c) => {
        const fields = describedFields(c);
        return corrections.flatMap((k, i) =>
          (k.collection === undefined || k.collection === c.name) && fields.has(k.field)
            ? [{ i, collection: c.name }]
            : [],
        );
      });
      for (const t of targets) {
        described[t.i] = true;
      }
      if (!isSql(store.type) || targets.length === 0) {
        continue;
      }
      taking.add(store.id);
      const columns = columnsOf(await this.catalogue(store));
      for (const { i, collection } of targets) {
        const k = corrections[i];
        const where = `${store.name}: ${collection}.${k.field}`;
        const column = columns.get(`${collection}.${k.field}`);
        const problem = column
          ? correctionProblem(column, k.value)
          : 'the column is not in the store';
        if (problem) {
          problems.push({ field: `corrections[${i}].value`, message: `${where} ${problem}` });
        }
      }
    }
    described.forEach((ok, i) => {
      if (!ok) {
        const k = corrections[i];
        problems.push({
          field: `corrections[${i}].field`,
          message: `no data store describes the field ${k.collection ? `${k.collection}.` : ''}${k.field}`,
        });
      }
    });
    if (problems.length > 0) {
      throw invalid(problems);
    }
    return stores.filter((s) => taking.has(s.id)).map(({ id, name, type }) => ({ id, name, type }));
  }

  private async catalogue(store: StoreDescription): Promise<CatalogueTable[]> {
    try {
      const connector = await this.connectors.forStoreVersion(store.id, store.updatedAt);
      return await connector.catalogue();
    } catch {
      throw new PrivacyRequestError(
        PrivacyRequestErrorCode.StoreUnavailable,
        `The catalogue of data store ${store.name} could not be read to check the corrections`,
      );
    }
  }
}

function columnsOf(catalogue: CatalogueTable[]): Map<string, CatalogueColumn> {
  return new Map(catalogue.flatMap((t) => t.columns.map((c) => [`${t.name}.${c.name}`, c])));
}

function duplicates(corrections: Correction[]): Problem[] {
  const seen = new Set<string>();
  const problems: Problem[] = [];
  corrections.forEach((k, i) => {
    const key = `${k.collection ?? '*'}.${k.field}`;
    if (seen.has(key)) {
      problems.push({
        field: `corrections[${i}]`,
        message: `the field ${k.field} is corrected twice`,
      });
    }
    seen.add(key);
  });
  return problems;
}

function invalid(problems: Problem[]): PrivacyRequestError {
  return new PrivacyRequestError(
    PrivacyRequestErrorCode.InvalidCorrections,
    'The corrections do not fit the registered data stores',
    problems,
  );
}

const isSql = (type: StoreRef['type']): boolean => type === 'postgres' || type === 'mysql';
