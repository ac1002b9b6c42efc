import { scanJson, jsonLeaves } from '../engine/json-scanner';
import { childPath } from '../engine/json-path';
import { scanText, type TextScanOptions } from '../engine/scanner';
import type { Finding, JsonFinding } from '../types';
import { applyOperator, checkOperators, type OperatorConfig } from './operators';

export type RedactOptions = TextScanOptions & OperatorConfig;

export interface RedactTextResult {
  text: string;
  /** Findings with offsets into the original text. */
  findings: Finding[];
}

export interface RedactJsonResult {
  json: unknown;
  findings: JsonFinding[];
}

/** Rewrites disjoint findings, right to left so earlier offsets stay valid. */
export async function applyFindings(
  text: string,
  findings: readonly Finding[],
  config: OperatorConfig,
): Promise<string> {
  const sorted = [...findings].sort((a, b) => a.start - b.start);
  const replacements = await Promise.all(
    sorted.map(async (f) => applyOperator(text.slice(f.start, f.end), f.entity, config)),
  );
  let out = '';
  let at = 0;
  sorted.forEach((f, i) => {
    if (f.start < at) {
      return;
    }
    out += text.slice(at, f.start) + replacements[i];
    at = f.end;
  });
  return out + text.slice(at);
}

export async function redactText(
  text: string,
  opts: RedactOptions = {},
): Promise<RedactTextResult> {
  checkOperators(opts);
  const findings = scanText(text, opts);
  return { text: await applyFindings(text, findings, opts), findings };
}

/**
 * Returns a redacted copy of a JSON value; the input is not modified. A number holding a finding
 * becomes a string.
 */
export async function redactJson(
  value: unknown,
  opts: RedactOptions = {},
): Promise<RedactJsonResult> {
  checkOperators(opts);
  const findings = scanJson(value, opts);
  if (findings.length === 0) {
    return { json: structuredClone(value), findings };
  }
  const byPath = new Map<string, JsonFinding[]>();
  for (const f of findings) {
    const list = byPath.get(f.path) ?? [];
    list.push(f);
    byPath.set(f.path, list);
  }
  const replaced = new Map<string, string>();
  for (const leaf of jsonLeaves(value, opts.maxLength)) {
    const list = byPath.get(leaf.path);
    if (list !== undefined) {
      replaced.set(leaf.path, await applyFindings(leaf.text, list, opts));
    }
  }
  return { json: rebuild(value, '$', replaced), findings };
}

function rebuild(v: unknown, path: string, replaced: ReadonlyMap<string, string>): unknown {
  const r = replaced.get(path);
  if (r !== undefined) {
    return r;
  }
  if (Array.isArray(v)) {
    return v.map((item, i) => rebuild(item, childPath(path, i), replaced));
  }
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
      out[k] = rebuild(item, childPath(path, k), replaced);
    }
    return out;
  }
  return v;
}
