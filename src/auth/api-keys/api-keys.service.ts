import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { IsNull, Repository } from 'typeorm';
import { Scope } from 'src/common/access/caller';
import { RequestContext } from 'src/common/access/request-context.decorator';
import { AuditService } from 'src/audit/audit.service';
import { AuthError, AuthErrorCode } from '../auth.error';
import { ApiKeyEntity } from '../entities/api-key.entity';
import { ApiKeyCache } from './api-key-cache';
import { hashApiKey } from './api-key-hash';

/** Every key starts with this, so a leaked key is easy to spot in code and by secret scanners. */
export const API_KEY_PREFIX = 'psk_';
const LAST_USED_RESOLUTION_MS = 60_000;

@Injectable()
export class ApiKeysService {
  constructor(
    @InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>,
    private readonly audit: AuditService,
    private readonly cache: ApiKeyCache,
  ) {}

  async create(
    ctx: RequestContext,
    input: {
      name: string;
      scopes: Scope[];
      keyAliases: string[] | null;
      rateLimitPerMinute: number | null;
      createdBy: string | null;
    },
  ): Promise<{ entity: ApiKeyEntity; key: string }> {
    const key = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    const entity = await this.keys.manager.transaction(async (m) => {
      if (input.keyAliases !== null) {
        const known = await m.query<Array<{ alias: string }>>(
          'SELECT DISTINCT alias FROM keyring_keys WHERE alias = ANY($1::text[])',
          [input.keyAliases],
        );
        if (known.length !== input.keyAliases.length) {
          throw new AuthError(
            AuthErrorCode.UnknownKeyAlias,
            'keyAliases names a key alias that does not exist.',
          );
        }
      }
      const saved = await m.save(
        m.create(ApiKeyEntity, {
          name: input.name,
          prefix: key.slice(0, API_KEY_PREFIX.length + 6),
          keyHash: hashApiKey(key),
          scopes: [...new Set(input.scopes)],
          keyAliases: input.keyAliases,
          rateLimitPerMinute: input.rateLimitPerMinute,
          createdBy: input.createdBy,
        }),
      );
      await this.audit.record(
        ctx,
        {
          action: 'admin.api_key.create',
          target: { type: 'api_key', id: saved.id },
          details: {
            scopes: saved.scopes,
            keyAliases: saved.keyAliases,
            rateLimitPerMinute: saved.rateLimitPerMinute,
          },
        },
        m,
      );
      return saved;
    });
    return { entity, key };
  }

  list(): Promise<ApiKeyEntity[]> {
    return this.keys.find({ order: { createdAt: 'DESC' } });
  }

  async revoke(ctx: RequestContext, id: string): Promise<void> {
    await this.keys.manager.transaction(async (m) => {
      const key = await m.findOneBy(ApiKeyEntity, { id });
      if (!key) {
        throw new AuthError(AuthErrorCode.ApiKeyNotFound, 'No API key with this id.');
      }
      if (!key.revokedAt) {
        await m.update(ApiKeyEntity, { id }, { revokedAt: new Date() });
      }
      await this.audit.record(
        ctx,
        { action: 'admin.api_key.revoke', target: { type: 'api_key', id } },
        m,
      );
    });
    await this.cache.revoked(id);
  }

  /**
   * The active key, from the in-process cache when it holds it (revocations evict it there), so
   * authenticating a key costs no round trip, and then no promise either.
   */
  authenticate(key: string): ApiKeyEntity | undefined | Promise<ApiKeyEntity | undefined> {
    const hash = hashApiKey(key);
    const cached = this.cache.get(hash);
    if (cached !== undefined) {
      return this.used(cached);
    }
    return this.keys.findOneBy({ keyHash: hash, revokedAt: IsNull() }).then((found) => {
      this.cache.set(hash, found);
      return this.used(found);
    });
  }

  private used(found: ApiKeyEntity | null): ApiKeyEntity | undefined {
    if (!found) {
      return undefined;
    }
    const now = Date.now();
    if (!found.lastUsedAt || now - found.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      // Coarse on purpose: one write a minute per key instead of one per request.
      found.lastUsedAt = new Date(now);
      void this.keys
        .update({ id: found.id }, { lastUsedAt: found.lastUsedAt })
        .catch(() => undefined);
    }
    return found;
  }
}
