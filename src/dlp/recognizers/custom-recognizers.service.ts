import { Injectable } from '@nestjs/common';
import { compileCustomRecognizer, DlpError } from '@libs/dlp';
import { RequestContext } from 'src/common/access/request-context.decorator';
import { AuditService } from 'src/audit/audit.service';
import { DlpServiceError, DlpServiceErrorCode } from '../dlp.error';
import {
  CreateCustomRecognizerDto,
  CustomRecognizerDto,
  CustomRecognizerListDto,
} from '../dto/custom-recognizer.dto';
import { CustomRecognizerRegistry, toSpec } from './custom-recognizer-registry';
import {
  CustomRecognizerRepository,
  CustomRecognizerRow,
  NewCustomRecognizer,
} from './custom-recognizer.repository';

/** Every scan runs each of them, so their number is bounded. */
export const MAX_CUSTOM_RECOGNIZERS = 100;

/**
 * The recognizer to store, with the documented defaults for what the request leaves out: a
 * pattern is case-sensitive and a deny list is not; no context words.
 */
function newRecognizer(
  body: CreateCustomRecognizerDto,
  createdBy: string | null,
): NewCustomRecognizer {
  return {
    name: body.name,
    entity: body.entity,
    pattern: body.pattern ?? null,
    denyList: body.denyList ?? null,
    caseSensitive: body.caseSensitive ?? body.pattern !== undefined,
    context: body.context ?? [],
    score: body.score,
    createdBy,
  };
}

function toDto(r: CustomRecognizerRow): CustomRecognizerDto {
  return {
    id: r.id,
    name: r.name,
    entity: r.entity,
    pattern: r.pattern,
    denyList: r.denyList,
    caseSensitive: r.caseSensitive,
    context: r.context,
    score: r.score,
    createdAt: r.createdAt.toISOString(),
  };
}

@Injectable()
export class CustomRecognizersService {
  constructor(
    private readonly repository: CustomRecognizerRepository,
    private readonly registry: CustomRecognizerRegistry,
    private readonly audit: AuditService,
  ) {}

  async list(): Promise<CustomRecognizerListDto> {
    return { items: (await this.repository.list()).map(toDto), nextCursor: null };
  }

  /** Compiles the recognizer first, so one the engine would refuse is never stored. */
  async create(ctx: RequestContext, body: CreateCustomRecognizerDto): Promise<CustomRecognizerDto> {
    const input = newRecognizer(body, ctx.caller?.id ?? null);
    try {
      compileCustomRecognizer(toSpec(input));
    } catch (error) {
      throw error instanceof DlpError ? DlpServiceError.from(error) : error;
    }
    const row = await this.repository.transaction(async (m) => {
      if ((await this.repository.countForCreate(m)) >= MAX_CUSTOM_RECOGNIZERS) {
        throw new DlpServiceError(
          DlpServiceErrorCode.TooManyRecognizers,
          `At most ${MAX_CUSTOM_RECOGNIZERS} custom recognizers; delete one first`,
        );
      }
      const saved = await this.repository.insert(m, input);
      if (saved === null) {
        throw new DlpServiceError(
          DlpServiceErrorCode.RecognizerNameTaken,
          'A custom recognizer with this name exists',
        );
      }
      // The deny list may name people, so the audit trail keeps its size only.
      await this.audit.record(
        ctx,
        {
          action: 'dlp.recognizer.created',
          target: { type: 'dlp_recognizer', id: saved.id },
          details: {
            name: saved.name,
            entity: saved.entity,
            kind: saved.pattern !== null ? 'pattern' : 'deny_list',
            denyListEntries: saved.denyList?.length ?? null,
            score: saved.score,
          },
        },
        m,
      );
      return saved;
    });
    await this.registry.changed();
    return toDto(row);
  }

  async delete(ctx: RequestContext, id: string): Promise<void> {
    await this.repository.transaction(async (m) => {
      const gone = await this.repository.delete(m, id);
      if (gone === null) {
        throw new DlpServiceError(
          DlpServiceErrorCode.RecognizerNotFound,
          'No custom recognizer with this id',
        );
      }
      await this.audit.record(
        ctx,
        {
          action: 'dlp.recognizer.deleted',
          target: { type: 'dlp_recognizer', id },
          details: { name: gone.name, entity: gone.entity },
        },
        m,
      );
    });
    await this.registry.changed();
  }
}
