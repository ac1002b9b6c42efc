import type { CustomRecognizer } from '../custom/custom-recognizer';
import { DlpError, DlpErrorCode } from '../errors';
import { RECOGNIZERS } from '../recognizers';
import { DEFAULT_PHONE_REGIONS } from '../recognizers/phone.recognizer';
import { createPersonRecognizer } from '../recognizers/person.recognizer';
import {
  DEFAULT_CUSTOM_BUDGET_MS,
  DEFAULT_MAX_LENGTH,
  DEFAULT_MIN_SCORE,
  ENTITY_TYPES,
  isEntityType,
  type EntityType,
  type Finding,
  type ScanOptions,
} from '../types';
import {
  boost,
  contextProbe,
  contextWords,
  hasContext,
  hasContextBefore,
  mayHaveContextBefore,
} from './context';
import { resolveOverlaps } from './overlap';
import type { Recognizer, RecognizerContext } from './recognizer';
import { valueFindings } from './value-rules';

const personWithNlp = createPersonRecognizer({ nlp: true });

export interface TextScanOptions extends ScanOptions {
  /** PERSON also through compromise's full tagger (slow; off by default). */
  personNlp?: boolean;
}

/** The built-in entities asked for; a label neither built in nor custom is refused. */
export function checkEntities(
  entities: readonly string[] | undefined,
  custom: readonly CustomRecognizer[] = [],
): readonly EntityType[] {
  if (entities === undefined) {
    return ENTITY_TYPES;
  }
  const builtIn: EntityType[] = [];
  for (const e of entities) {
    if (isEntityType(e)) {
      builtIn.push(e);
    } else if (!custom.some((c) => c.entity === e)) {
      throw new DlpError(
        DlpErrorCode.UnknownEntity,
        `Unknown entity type ${JSON.stringify(e.slice(0, 40))}`,
      );
    }
  }
  return builtIn;
}

/** False when no finding of this recognizer can reach `minScore` in this text. */
function worthRunning(
  recognizer: Recognizer,
  text: string,
  minScore: number,
  hint: readonly string[],
): boolean {
  if (!recognizer.mayMatch(text)) {
    return false;
  }
  if (recognizer.maxScore === undefined || recognizer.maxScore >= minScore) {
    return true;
  }
  return (
    boost(recognizer.maxScore) >= minScore &&
    (hasContext(recognizer.context, hint) || contextProbe(recognizer.context).test(text))
  );
}

function recognizerFor(entity: EntityType, opts: TextScanOptions): Recognizer {
  return entity === 'PERSON' && opts.personNlp === true ? personWithNlp : RECOGNIZERS[entity];
}

/**
 * Run orders per entity list, keyed by its entities in order: callers such as the log redactor
 * pass the same list on every call, which is checked into a fresh array each time. The few
 * lists a process uses stay; a process that sends many different ones starts over now and then.
 */
const runOrders = new Map<string, readonly Recognizer[]>();
const MAX_RUN_ORDERS = 256;
const ALL_ENTITIES = ENTITY_TYPES.join(',');

/** The requested recognizers, those that yield to settled findings last. */
function runOrder(entities: readonly EntityType[], opts: TextScanOptions): readonly Recognizer[] {
  const list = entities === ENTITY_TYPES ? ALL_ENTITIES : entities.join(',');
  const key = opts.personNlp === true ? `nlp:${list}` : list;
  let order = runOrders.get(key);
  if (order === undefined) {
    const all = entities.map((e) => recognizerFor(e, opts));
    order = [
      ...all.filter((r) => r.yieldToSettled !== true),
      ...all.filter((r) => r.yieldToSettled),
    ];
    if (runOrders.size >= MAX_RUN_ORDERS) {
      runOrders.clear();
    }
    runOrders.set(key, order);
  }
  return order;
}

/**
 * The findings so far that outrank the findings `recognizer` can add: those scoring above its
 * highest score boosted, and, with `all`, those above its highest plain score. They sort before
 * its findings (before its unboosted ones, for `all`) in the final resolution and are resolved
 * among themselves just as there, so the ones kept here are kept in the end.
 */
function settledFor(
  recognizer: Recognizer,
  raw: readonly Finding[],
  hint: readonly string[],
): (all: boolean) => readonly Finding[] {
  const max = recognizer.maxScore ?? 1;
  const above = (threshold: number): readonly Finding[] =>
    // Value findings from JSON keys join the resolution later, so nothing is settled then.
    hint.length === 0 ? resolveOverlaps(raw.filter((f) => f.score > threshold)) : [];
  let boosted: readonly Finding[] | undefined;
  let plain: readonly Finding[] | undefined;
  return (all) => (all ? (plain ??= above(max)) : (boosted ??= above(boost(max))));
}

const NOTHING_SETTLED: readonly Finding[] = [];
const nothingSettled = (): readonly Finding[] => NOTHING_SETTLED;
const mayAlwaysBoost = (): boolean => true;

/** `ctx.mayBoost` for a recognizer that yields to settled findings. */
function boostTest(recognizer: Recognizer, text: string, hinted: boolean) {
  return (from: number, to: number): boolean =>
    hinted || mayHaveContextBefore(recognizer.context, text, from, to);
}

/**
 * Finds PII in `text`. Offsets are UTF-16 code units; findings are disjoint, sorted by start,
 * and at or above `minScore`.
 */
export function scanText(text: string, opts: TextScanOptions = {}): Finding[] {
  const maxLength = opts.maxLength ?? DEFAULT_MAX_LENGTH;
  if (text.length > maxLength) {
    throw new DlpError(
      DlpErrorCode.InputTooLarge,
      `Text of ${text.length} code units exceeds the limit of ${maxLength}`,
    );
  }
  const custom = opts.custom ?? [];
  const entities = checkEntities(opts.entities, custom);
  const minScore = opts.minScore ?? DEFAULT_MIN_SCORE;
  const ctx: RecognizerContext = {
    phone: {
      regions: opts.phone?.regions ?? DEFAULT_PHONE_REGIONS,
      leniency: opts.phone?.leniency ?? 'VALID',
    },
    settled: nothingSettled,
    mayBoost: mayAlwaysBoost,
  };
  const hint = opts.context !== undefined ? opts.context.flatMap(contextWords) : [];
  const raw: Finding[] = [];
  if (custom.length > 0 && text.length > 0) {
    runCustom(text, opts, hint, raw);
  }
  // An indexed loop whose body makes no closure: a closure over the loop's bindings made every
  // pass allocate their context (most of the scanner's allocation per text), and the iterator
  // allocated too.
  const order = runOrder(entities, opts);
  for (let i = 0; i < order.length; i++) {
    const recognizer = order[i];
    if (text.length === 0 || !worthRunning(recognizer, text, minScore, hint)) {
      continue;
    }
    const hinted = hasContext(recognizer.context, hint);
    if (recognizer.yieldToSettled === true) {
      ctx.settled = settledFor(recognizer, raw, hint);
      ctx.mayBoost = boostTest(recognizer, text, hinted);
    }
    const first = raw.length;
    recognizer.find(text, ctx, raw);
    for (let j = first; j < raw.length; j++) {
      const f = raw[j];
      if (f.score < 1 && (hinted || hasContextBefore(recognizer.context, text, f.start))) {
        f.score = boost(f.score);
      }
    }
  }
  if (hint.length > 0) {
    valueFindings(text, hint, entities, raw);
  }
  const found = resolveOverlaps(atLeast(raw, minScore));
  return opts.allowList !== undefined && opts.allowList.length > 0
    ? dropAllowed(text, found, opts.allowList)
    : found;
}

/** The findings scoring `minScore` or more (a loop: `filter`'s callback was a closure per text). */
function atLeast(raw: readonly Finding[], minScore: number): Finding[] {
  const kept: Finding[] = [];
  for (const f of raw) {
    if (f.score >= minScore) {
      kept.push(f);
    }
  }
  return kept;
}

/** The custom recognizers asked for, each within its time budget, with the context boost. */
function runCustom(text: string, opts: TextScanOptions, hint: readonly string[], raw: Finding[]) {
  const budget = opts.customBudgetMs ?? DEFAULT_CUSTOM_BUDGET_MS;
  for (const recognizer of opts.custom ?? []) {
    if (opts.entities !== undefined && !opts.entities.includes(recognizer.entity)) {
      continue;
    }
    const first = raw.length;
    recognizer.find(text, Date.now() + budget, raw);
    const hinted = hasContext(recognizer.context, hint);
    for (let i = first; i < raw.length; i++) {
      const f = raw[i];
      if (f.score < 1 && (hinted || hasContextBefore(recognizer.context, text, f.start))) {
        f.score = boost(f.score);
      }
    }
  }
}

/** Allow lists in normalised form, per list: JSON scans pass the same list for every value. */
const allowSets = new WeakMap<readonly string[], ReadonlySet<string>>();

function dropAllowed<T extends Finding>(text: string, findings: T[], allowList: readonly string[]) {
  let allowed = allowSets.get(allowList);
  if (allowed === undefined) {
    allowed = new Set(allowList.map(normaliseAllowed));
    allowSets.set(allowList, allowed);
  }
  const set = allowed;
  return findings.filter((f) => !set.has(normaliseAllowed(text.slice(f.start, f.end))));
}

function normaliseAllowed(value: string): string {
  return value.trim().toLowerCase();
}
