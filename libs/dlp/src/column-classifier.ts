import { ENTITY_DESCRIPTIONS, type DataCategory } from './entities';
import { contextWords, hasContext, MIN_SCORE_WITH_CONTEXT } from './engine/context';
import { scanText } from './engine/scanner';
import { RECOGNIZERS } from './recognizers';
import type { CustomRecognizer } from './custom/custom-recognizer';
import { isEntityType, type EntityLabel, type PhoneOptions } from './types';

export interface ColumnEntity {
  entity: EntityLabel;
  /** Share of the non-empty sampled values holding at least one finding of this entity. */
  matchRatio: number;
}

export interface ColumnClassification {
  /** Non-empty values looked at. */
  sampled: number;
  /** Highest ratio first; entities that never matched are left out. */
  entities: ColumnEntity[];
  suggestedCategory: DataCategory | null;
}

export interface ColumnClassifierOptions {
  entities?: readonly EntityLabel[];
  /**
   * Default 0.5. The column name is context: an entity it names (`ssn`, `phone_number`, `iban`)
   * has its weak shapes boosted, and counts from the boosted floor (0.4) instead.
   */
  minScore?: number;
  /** A category is suggested when its best entity matches at least this share (default 0.3). */
  minRatio?: number;
  /** Values longer than this are cut before scanning (default 4096). */
  maxValueLength?: number;
  phone?: PhoneOptions;
  /** Custom recognizers, counted like the built-in ones. */
  custom?: readonly CustomRecognizer[];
  /** Time each custom recognizer may spend on one value. */
  customBudgetMs?: number;
}

function asText(value: unknown): string | undefined {
  if (value === null || value === undefined) {
    return undefined;
  }
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    return String(value);
  }
  if (value instanceof Date) {
    return value.toISOString().slice(0, 10);
  }
  return JSON.stringify(value);
}

/**
 * Classifies a column from sampled values, with the column name as context. Only counts are
 * kept: no value, and no part of one, is retained or returned.
 */
export function classifyColumn(
  columnName: string,
  values: Iterable<unknown>,
  options: ColumnClassifierOptions = {},
): ColumnClassification {
  const maxValueLength = options.maxValueLength ?? 4096;
  const minScore = options.minScore ?? 0.5;
  const words = contextWords(columnName);
  const named = new Set<EntityLabel>([
    ...Object.values(RECOGNIZERS)
      .filter((r) => hasContext(r.context, words))
      .map((r) => r.entity),
    ...(options.custom ?? []).filter((r) => hasContext(r.context, words)).map((r) => r.entity),
  ]);
  const floor = named.size > 0 ? Math.min(minScore, MIN_SCORE_WITH_CONTEXT) : minScore;
  const counts = new Map<EntityLabel, number>();
  let sampled = 0;
  for (const value of values) {
    const raw = asText(value);
    if (raw === undefined || raw.trim() === '') {
      continue;
    }
    sampled++;
    const text = raw.length > maxValueLength ? raw.slice(0, maxValueLength) : raw;
    const seen = new Set<EntityLabel>();
    for (const f of scanText(text, {
      entities: options.entities,
      minScore: floor,
      context: [columnName],
      phone: options.phone,
      custom: options.custom,
      customBudgetMs: options.customBudgetMs,
    })) {
      if (f.score >= minScore || named.has(f.entity)) {
        seen.add(f.entity);
      }
    }
    for (const e of seen) {
      counts.set(e, (counts.get(e) ?? 0) + 1);
    }
  }
  const entities = [...counts.entries()]
    .map(([entity, n]) => ({ entity, matchRatio: sampled === 0 ? 0 : n / sampled }))
    .sort((a, b) => b.matchRatio - a.matchRatio || a.entity.localeCompare(b.entity));
  // Custom labels carry no category, so the best built-in entity suggests one.
  const best = entities.find((e) => isEntityType(e.entity));
  const suggestedCategory =
    best !== undefined && isEntityType(best.entity) && best.matchRatio >= (options.minRatio ?? 0.3)
      ? ENTITY_DESCRIPTIONS[best.entity].category
      : null;
  return { sampled, entities, suggestedCategory };
}
