import { Injectable, Logger } from '@nestjs/common';
import { AuditService } from 'src/audit/audit.service';
import { RequestContext } from 'src/common/access/request-context.decorator';
import { decodeCursor, encodeCursor, Page } from 'src/common/pagination/cursor';
import { ConsentCache } from '../check/consent-cache';
import { ConsentError, ConsentErrorCode } from '../consent.error';
import { CreatePurposeDto, PurposeDto, PurposeVersionBodyDto } from '../dto/purpose.dto';
import { PurposeRow, toSnapshot } from './purpose.row';
import { PurposesRepository } from './purposes.repository';

const isKeyCursor = (v: unknown): v is { key: string } =>
  typeof v === 'object' && v !== null && typeof (v as { key?: unknown }).key === 'string';

export function toPurposeDto(p: PurposeRow): PurposeDto {
  return {
    key: p.key,
    name: p.name,
    description: p.description,
    legalBasis: p.legalBasis,
    version: p.version,
    optOutCategory: p.optOutCategory,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

@Injectable()
export class PurposesService {
  private readonly logger = new Logger(PurposesService.name);

  constructor(
    private readonly purposes: PurposesRepository,
    private readonly cache: ConsentCache,
    private readonly audit: AuditService,
  ) {}

  async create(ctx: RequestContext, body: CreatePurposeDto): Promise<PurposeDto> {
    const saved = await this.purposes.transaction(async (m) => {
      const row = await this.purposes.insert(m, {
        key: body.key,
        version: body.version ?? 1,
        name: body.name,
        description: body.description,
        legalBasis: body.legalBasis,
        optOutCategory: body.optOutCategory ?? null,
      });
      if (!row) {
        throw new ConsentError(ConsentErrorCode.PurposeExists, 'A purpose with this key exists.');
      }
      await this.audit.record(
        ctx,
        {
          action: 'consent.purpose.create',
          target: { type: 'purpose', id: row.key },
          details: { version: row.version, legalBasis: row.legalBasis },
        },
        m,
      );
      return row;
    });
    await this.publish(saved);
    return toPurposeDto(saved);
  }

  /** A new version; consents given earlier stay tied to the version they were given for. */
  async newVersion(
    ctx: RequestContext,
    key: string,
    body: PurposeVersionBodyDto,
  ): Promise<PurposeDto> {
    const saved = await this.purposes.transaction(async (m) => {
      const latest = await this.purposes.lockLatest(m, key);
      if (!latest) {
        throw new ConsentError(ConsentErrorCode.UnknownPurpose, 'No purpose with this key.');
      }
      const version = body.version ?? latest.version + 1;
      if (version <= latest.version) {
        throw new ConsentError(
          ConsentErrorCode.VersionNotNewer,
          `version must be higher than the latest (${latest.version}).`,
        );
      }
      const row = await this.purposes.update(m, {
        key,
        version,
        name: body.name,
        description: body.description,
        legalBasis: body.legalBasis,
        optOutCategory: body.optOutCategory ?? null,
      });
      await this.audit.record(
        ctx,
        {
          action: 'consent.purpose.version',
          target: { type: 'purpose', id: key },
          details: { version, previousVersion: latest.version, legalBasis: row.legalBasis },
        },
        m,
      );
      return row;
    });
    await this.publish(saved);
    return toPurposeDto(saved);
  }

  async get(key: string): Promise<PurposeDto> {
    const row = await this.purposes.findLatest(key);
    if (!row) {
      throw new ConsentError(ConsentErrorCode.UnknownPurpose, 'No purpose with this key.');
    }
    return toPurposeDto(row);
  }

  async list(query: { limit: number; cursor?: string }): Promise<Page<PurposeDto>> {
    const after = decodeCursor(query.cursor, ['key'], isKeyCursor);
    const rows = await this.purposes.list(after?.key, query.limit + 1);
    const items = rows.slice(0, query.limit);
    return {
      items: items.map(toPurposeDto),
      nextCursor:
        rows.length > query.limit ? encodeCursor({ key: items[items.length - 1].key }) : null,
    };
  }

  /** Checks on every instance see the new version before the response. */
  private async publish(row: PurposeRow): Promise<void> {
    try {
      await this.cache.putPurpose(toSnapshot(row));
    } catch {
      this.logger.error('Could not update the purpose cache');
      throw new ConsentError(
        ConsentErrorCode.CacheUnavailable,
        'Saved, but the check cache could not be updated; retry.',
      );
    }
  }
}
