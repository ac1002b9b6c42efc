import { assertKeyAliasAllowed } from '../access/key-alias.access';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import {
  KeyringKeyType,
  type EnvelopeCrypto,
  type KeyProvider,
  type KeyringSettingsPatch,
} from '@libs/crypto';
import type { Queue } from 'bullmq';
import { AuditService } from 'src/audit/audit.service';
import { RequestContext } from 'src/common/access/request-context.decorator';
import { decodeCursor, encodeCursor, type Page } from 'src/common/pagination/cursor';
import { CryptoCacheBus, CryptoCacheEvent } from '../crypto-cache.bus';
import { FieldCryptoError, FieldCryptoErrorCode } from '../crypto.error';
import type {
  CreateKeyDto,
  KeyDetailDto,
  KeyDto,
  KeyRotationDto,
  KeyVersionDto,
  UpdateKeySettingsDto,
} from '../dto/keys.dto';
import { ENVELOPE_CRYPTO, ROOT_KEY_PROVIDER } from '../envelope-crypto.token';
import {
  KeyRegistryRepository,
  type KeyVersionRow,
  type RotationRow,
} from './key-registry.repository';
import {
  CRYPTO_REWRAP_QUEUE,
  CryptoRewrapJob,
  type RewrapSubjectKeysData,
} from './key-rotation.jobs';
import { formatRotatePeriod, parseRotatePeriod } from './rotation-period';

const isPosition = (v: unknown): v is { alias: string; version: number } =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as { alias?: unknown }).alias === 'string' &&
  Number.isInteger((v as { version?: unknown }).version);

/** Key administration: registration, listing, rotation with a background re-wrap, shredding. */
@Injectable()
export class KeyManagementService {
  constructor(
    @Inject(ENVELOPE_CRYPTO) private readonly crypto: EnvelopeCrypto,
    @Inject(ROOT_KEY_PROVIDER) private readonly provider: KeyProvider,
    private readonly registry: KeyRegistryRepository,
    private readonly bus: CryptoCacheBus,
    private readonly audit: AuditService,
    @InjectQueue(CRYPTO_REWRAP_QUEUE) private readonly queue: Queue<RewrapSubjectKeysData>,
  ) {}

  async list(limit: number, cursor?: string): Promise<Page<KeyDto>> {
    const after = decodeCursor(cursor, ['alias', 'version'], isPosition);
    const rows = await this.registry.listVersions(limit + 1, after);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((row) => KeyManagementService.toKeyDto(row)),
      nextCursor:
        rows.length > limit ? encodeCursor({ alias: last.alias, version: last.version }) : null,
    };
  }

  async get(alias: string): Promise<KeyDetailDto> {
    const versions = await this.registry.versionsOf(alias);
    if (versions.length === 0) {
      throw new FieldCryptoError(FieldCryptoErrorCode.KeyAliasNotFound, 'No key with this alias.');
    }
    const registration = await this.registry.registration(alias);
    const rotation = await this.registry.latestRotation(alias);
    const settings = await this.crypto.keyring.settings(alias);
    const dtos: KeyVersionDto[] = versions.map((row) => ({
      ...KeyManagementService.toKeyDto(row),
      decryptable: row.disabled_at === null && row.version >= settings.minDecryptionVersion,
      disabledAt: row.disabled_at?.toISOString() ?? null,
    }));
    const active = dtos[dtos.length - 1];
    return {
      alias,
      provider: registration?.provider ?? active.provider,
      providerKeyId: registration?.provider_key_id ?? null,
      type: active.type,
      activeVersion: active.version,
      minDecryptionVersion: settings.minDecryptionVersion,
      autoRotatePeriod:
        settings.autoRotatePeriodSeconds === null
          ? null
          : formatRotatePeriod(settings.autoRotatePeriodSeconds),
      versions: dtos,
      rotation: rotation ? KeyManagementService.toRotationDto(rotation) : null,
    };
  }

  async create(ctx: RequestContext, body: CreateKeyDto): Promise<KeyDto> {
    assertKeyAliasAllowed(ctx.caller, body.alias);
    const provider = this.provider;
    if (body.provider !== (provider.kind as string)) {
      throw new FieldCryptoError(
        FieldCryptoErrorCode.ProviderNotConfigured,
        `This deployment wraps keys with the ${provider.kind} provider.`,
      );
    }
    // The root key id is "<kind>:<provider key id>".
    const configuredKeyId = provider.rootKeyId.slice(provider.kind.length + 1);
    if (body.providerKeyId !== undefined && body.providerKeyId !== configuredKeyId) {
      throw new FieldCryptoError(
        FieldCryptoErrorCode.ProviderNotConfigured,
        'providerKeyId is not the root key this deployment is configured with.',
      );
    }
    if (!(await this.registry.register(body.alias, body.provider, body.providerKeyId ?? null))) {
      throw new FieldCryptoError(
        FieldCryptoErrorCode.KeyAliasExists,
        'A key with this alias exists.',
      );
    }
    try {
      await this.crypto.keyring.createKeyring(body.alias, body.type ?? KeyringKeyType.Aes256Gcm);
    } catch (error) {
      throw FieldCryptoError.from(error);
    }
    await this.audit.record(ctx, {
      action: 'crypto.key.create',
      target: { type: 'key', id: body.alias },
      details: { provider: body.provider, type: body.type ?? KeyringKeyType.Aes256Gcm },
    });
    const [row] = await this.registry.versionsOf(body.alias);
    return KeyManagementService.toKeyDto(row);
  }

  /** Rotates every keyring whose active version is older than its period (system job). */
  async rotateDue(ctx: RequestContext): Promise<string[]> {
    const due = await this.registry.dueForRotation();
    for (const alias of due) {
      await this.rotate(ctx, alias, true);
    }
    return due;
  }

  async updateSettings(
    ctx: RequestContext,
    alias: string,
    body: UpdateKeySettingsDto,
  ): Promise<KeyDetailDto> {
    const patch: { -readonly [K in keyof KeyringSettingsPatch]: KeyringSettingsPatch[K] } = {};
    if (body.minDecryptionVersion !== undefined) {
      patch.minDecryptionVersion = body.minDecryptionVersion;
    }
    if (body.autoRotatePeriod === null) {
      patch.autoRotatePeriodSeconds = null;
    } else if (body.autoRotatePeriod !== undefined) {
      const seconds = parseRotatePeriod(body.autoRotatePeriod);
      if (seconds === undefined) {
        throw new FieldCryptoError(
          FieldCryptoErrorCode.InvalidArgument,
          'autoRotatePeriod must be <n>d, <n>h, <n>m or <n>s, between 1h and 3650d.',
          [{ field: 'autoRotatePeriod', message: 'not a period between 1h and 3650d' }],
        );
      }
      patch.autoRotatePeriodSeconds = seconds;
    }
    if (Object.keys(patch).length === 0) {
      throw new FieldCryptoError(
        FieldCryptoErrorCode.InvalidArgument,
        'Give minDecryptionVersion or autoRotatePeriod.',
      );
    }
    await this.requireAlias(alias);
    const before = await this.crypto.keyring.settings(alias);
    let after: Awaited<ReturnType<EnvelopeCrypto['updateKeyringSettings']>>;
    try {
      after = await this.crypto.updateKeyringSettings(alias, patch);
    } catch (error) {
      throw FieldCryptoError.from(error);
    }
    await this.bus.publish(CryptoCacheEvent.KeyringPolicyChanged);
    await this.audit.record(ctx, {
      action: 'crypto.key.settings',
      target: { type: 'key', id: alias },
      details: { before, after },
    });
    return this.get(alias);
  }

  /** Disables (refuses everything under it) or enables again one version of a keyring. */
  async setVersionEnabled(
    ctx: RequestContext,
    alias: string,
    version: number,
    enabled: boolean,
  ): Promise<KeyDetailDto> {
    const versions = await this.requireAlias(alias);
    if (!versions.some((row) => row.version === version)) {
      throw new FieldCryptoError(
        FieldCryptoErrorCode.KeyVersionNotFound,
        `Key ${alias} has no version ${version}.`,
      );
    }
    try {
      await (enabled
        ? this.crypto.enableKeyringVersion(alias, version)
        : this.crypto.disableKeyringVersion(alias, version));
    } catch (error) {
      throw FieldCryptoError.from(error);
    }
    await this.bus.publish(CryptoCacheEvent.KeyringPolicyChanged);
    await this.audit.record(ctx, {
      action: enabled ? 'crypto.key.version.enable' : 'crypto.key.version.disable',
      target: { type: 'key', id: alias },
      details: { version },
    });
    return this.get(alias);
  }

  async rotate(ctx: RequestContext, alias: string, automatic = false): Promise<KeyDetailDto> {
    const before = await this.registry.versionsOf(alias);
    if (before.length === 0) {
      throw new FieldCryptoError(FieldCryptoErrorCode.KeyAliasNotFound, 'No key with this alias.');
    }
    let created: { version: number };
    try {
      created = await this.crypto.keyring.rotateKeyring(alias);
    } catch (error) {
      throw FieldCryptoError.from(error);
    }
    const rotation = await this.registry.createRotation(
      alias,
      before[before.length - 1].version,
      created.version,
    );
    await this.bus.publish(CryptoCacheEvent.KeyringChanged);
    await this.queue.add(
      CryptoRewrapJob.RewrapSubjectKeys,
      { rotationId: rotation.id },
      {
        jobId: `rewrap-${rotation.id}`,
        attempts: 5,
        backoff: { type: 'exponential', delay: 2000 },
      },
    );
    await this.audit.record(ctx, {
      action: 'crypto.key.rotate',
      target: { type: 'key', id: alias },
      details: {
        fromVersion: rotation.from_version,
        toVersion: rotation.to_version,
        ...(automatic ? { automatic } : {}),
      },
    });
    return this.get(alias);
  }

  /** Crypto-shredding; the audit names the pseudonymous subject reference, never the subject id. */
  async shredSubject(ctx: RequestContext, subjectId: string): Promise<void> {
    let destroyed: boolean;
    try {
      destroyed = await this.crypto.subjects.shred(subjectId);
    } catch (error) {
      throw FieldCryptoError.from(error);
    }
    await this.bus.publish(CryptoCacheEvent.SubjectShredded);
    await this.audit.record(ctx, {
      action: 'crypto.subject-key.shred',
      target: { type: 'subject-key', id: this.crypto.subjects.subjectRef(subjectId) },
      details: { destroyed },
    });
  }

  private async requireAlias(alias: string): Promise<KeyVersionRow[]> {
    const versions = await this.registry.versionsOf(alias);
    if (versions.length === 0) {
      throw new FieldCryptoError(FieldCryptoErrorCode.KeyAliasNotFound, 'No key with this alias.');
    }
    return versions;
  }

  static toRotationDto(row: RotationRow): KeyRotationDto {
    const done = row.status === 'completed';
    return {
      id: row.id,
      fromVersion: row.from_version,
      toVersion: row.to_version,
      status: row.status,
      total: row.total,
      processed: row.processed,
      rewrapped: row.rewrapped,
      progress: done || row.total === 0 ? (done ? 1 : 0) : Math.min(1, row.processed / row.total),
      createdAt: row.created_at.toISOString(),
      completedAt: row.completed_at?.toISOString() ?? null,
    };
  }

  private static toKeyDto(row: KeyVersionRow): KeyDto {
    return {
      id: row.id,
      alias: row.alias,
      provider: row.root_key_id.slice(0, row.root_key_id.indexOf(':')),
      version: row.version,
      type: row.key_type,
      status: row.active ? 'active' : row.disabled_at !== null ? 'disabled' : 'retired',
      createdAt: row.created_at.toISOString(),
    };
  }
}
