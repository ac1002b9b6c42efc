import { Injectable } from '@nestjs/common';
import {
  DlpError,
  entityDescriptions,
  isEntityType,
  redactJson,
  redactText,
  scanJson,
  scanText,
  type CustomRecognizer,
  type EntityLabel,
  type Finding,
  type Operator,
  type OperatorConfig,
  type TextScanOptions,
} from '@libs/dlp';
import { ServiceKeys } from 'src/common/crypto/service-keys';
import { AppConfig } from 'src/config/app-config';
import { PersonalDataCipher } from 'src/crypto/personal-data.cipher';
import { DlpServiceError, DlpServiceErrorCode } from './dlp.error';
import { CustomRecognizerRegistry } from './recognizers/custom-recognizer-registry';
import type {
  DlpEntityListDto,
  DlpFindingDto,
  DlpRedactDto,
  DlpRedactResultDto,
  DlpScanDto,
  DlpScanResultDto,
} from './dto/dlp-request.dto';

/** HKDF label of the `hash` operator's HMAC key. */
const HASH_KEY_LABEL = 'dlp/hash-operator';
const OPERATOR_TYPES = new Set(['redact', 'replace', 'mask', 'hash', 'encrypt']);

@Injectable()
export class DlpService {
  constructor(
    private readonly keys: ServiceKeys,
    private readonly cipher: PersonalDataCipher,
    private readonly config: AppConfig,
    private readonly customRecognizers: CustomRecognizerRegistry,
  ) {}

  entities(): DlpEntityListDto {
    return {
      items: entityDescriptions.map((e) => ({
        entity: e.entity,
        description: e.description,
        category: e.category,
      })),
    };
  }

  async scan(body: DlpScanDto): Promise<DlpScanResultDto> {
    const opts = await this.scanOptions(body);
    return this.engine(() => ({
      findings:
        body.text !== undefined
          ? scanText(body.text, opts).map(toDto)
          : scanJson(body.json, opts).map(toDto),
    }));
  }

  async redact(body: DlpRedactDto): Promise<DlpRedactResultDto> {
    const scanOpts = await this.scanOptions(body);
    const opts = { ...scanOpts, ...this.operatorConfig(body.operators, scanOpts.custom ?? []) };
    return this.engineAsync(async () => {
      if (body.text !== undefined) {
        const r = await redactText(body.text, opts);
        return { text: r.text, findings: r.findings.map(toDto) };
      }
      const r = await redactJson(body.json, opts);
      return { json: r.json, findings: r.findings.map(toDto) };
    });
  }

  private async scanOptions(body: DlpScanDto): Promise<TextScanOptions> {
    if ((body.text === undefined) === (body.json === undefined)) {
      throw new DlpServiceError(DlpServiceErrorCode.NoInput, 'Give exactly one of text or json');
    }
    const custom = await this.customRecognizers.current();
    return {
      entities: body.entities?.map((e) => checkEntity(e, custom)),
      minScore: body.minScore,
      phone: { regions: this.config.dlp.phoneRegions },
      custom,
      customBudgetMs: this.config.dlp.recognizerBudgetMs,
      allowList: body.allowList,
    };
  }

  /** Validates the caller's operator map; only the operators used get their key or cipher. */
  private operatorConfig(
    raw: Record<string, unknown> | undefined,
    custom: readonly CustomRecognizer[],
  ): OperatorConfig {
    if (raw === undefined) {
      return {};
    }
    const operators: Partial<Record<EntityLabel, Operator>> = {};
    for (const [name, op] of Object.entries(raw)) {
      const entity = name === 'DEFAULT' ? name : checkEntity(name, custom);
      operators[entity] = checkOperator(op);
    }
    const used = new Set(Object.values(operators).map((o) => o?.type));
    return {
      operators,
      hashKey: used.has('hash') ? this.keys.subkey(HASH_KEY_LABEL) : undefined,
      encrypt: used.has('encrypt')
        ? (value, entity) => this.cipher.encrypt(value, { context: { purpose: 'dlp', entity } })
        : undefined,
    };
  }

  private engine<T>(run: () => T): T {
    try {
      return run();
    } catch (error) {
      throw error instanceof DlpError ? DlpServiceError.from(error) : error;
    }
  }

  private async engineAsync<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw error instanceof DlpError ? DlpServiceError.from(error) : error;
    }
  }
}

function checkEntity(name: string, custom: readonly CustomRecognizer[]): EntityLabel {
  if (!isEntityType(name) && !custom.some((c) => c.entity === name)) {
    throw new DlpServiceError(
      DlpServiceErrorCode.UnknownEntity,
      `Unknown entity type ${JSON.stringify(name.slice(0, 40))}; see GET /v1/dlp/entities and GET /v1/dlp/recognizers`,
    );
  }
  return name;
}

function checkOperator(op: unknown): Operator {
  const bad = (why: string): never => {
    throw new DlpServiceError(DlpServiceErrorCode.InvalidOperator, why);
  };
  if (op === null || typeof op !== 'object' || Array.isArray(op)) {
    return bad('Each operator is an object with a type');
  }
  const o = op as Record<string, unknown>;
  if (typeof o.type !== 'string' || !OPERATOR_TYPES.has(o.type)) {
    return bad('Operator type must be one of redact, replace, mask, hash, encrypt');
  }
  const allowed: Record<string, string[]> = {
    redact: [],
    hash: [],
    encrypt: [],
    replace: ['value'],
    mask: ['char', 'keepLast'],
  };
  const extra = Object.keys(o).filter(
    (k) => k !== 'type' && !allowed[o.type as string].includes(k),
  );
  if (extra.length > 0) {
    return bad(`Unknown operator field for ${o.type}`);
  }
  if (o.value !== undefined && (typeof o.value !== 'string' || o.value.length > 256)) {
    return bad('replace value must be a string of at most 256 characters');
  }
  if (o.char !== undefined && (typeof o.char !== 'string' || [...o.char].length !== 1)) {
    return bad('mask char must be a single character');
  }
  if (
    o.keepLast !== undefined &&
    (typeof o.keepLast !== 'number' || !Number.isInteger(o.keepLast) || o.keepLast < 0)
  ) {
    return bad('mask keepLast must be a non-negative integer');
  }
  return o as Operator;
}

function toDto(f: Finding & { path?: string }): DlpFindingDto {
  const dto: DlpFindingDto = { entity: f.entity, start: f.start, end: f.end, score: f.score };
  if (f.path !== undefined) {
    dto.path = f.path;
  }
  return dto;
}
