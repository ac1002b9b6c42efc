import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { EnvelopeCrypto } from '@libs/crypto';
import { AuditService } from 'src/audit/audit.service';
import { ServiceKeys } from 'src/common/crypto/service-keys';
import { AppConfig } from 'src/config/app-config';
import { CryptoCacheBus } from './crypto-cache.bus';
import { DataKeysController } from './data-keys/data-keys.controller';
import { DataKeysService } from './data-keys/data-keys.service';
import { createEnvelopeCrypto, createRootKeyProvider } from './envelope-crypto.factory';
import { ENVELOPE_CRYPTO, ROOT_KEY_PROVIDER } from './envelope-crypto.token';
import { FieldCryptoController } from './field-crypto.controller';
import { FieldCryptoService } from './field-crypto.service';
import { KeyManagementService } from './keys/key-management.service';
import { KeyRegistryRepository } from './keys/key-registry.repository';
import { CRYPTO_REWRAP_QUEUE } from './keys/key-rotation.jobs';
import { KeyRotationProcessor } from './keys/key-rotation.processor';
import { KeyRotationScheduler } from './keys/key-rotation.scheduler';
import { KeysController } from './keys/keys.controller';
import { SubjectKeysController } from './keys/subject-keys.controller';
import { ManagedCryptoController } from './managed/managed-crypto.controller';
import { ManagedCryptoService } from './managed/managed-crypto.service';
import { PersonalDataCipher } from './personal-data.cipher';
import { OwnValueResealer } from './reseal/own-value-resealer';
import { ServiceValueMovesRepository } from './reseal/service-value-moves.repository';

/**
 * Field encryption for the whole service: other capabilities inject `PersonalDataCipher`, and
 * `OwnValueResealer` to move their stored values to reserved contexts.
 */
@Global()
@Module({})
export class CryptoModule implements OnApplicationShutdown {
  constructor(@Inject(ENVELOPE_CRYPTO) private readonly crypto: EnvelopeCrypto) {}

  static register(options: { workers: boolean }): DynamicModule {
    return {
      module: CryptoModule,
      imports: [BullModule.registerQueue({ name: CRYPTO_REWRAP_QUEUE })],
      controllers: [
        FieldCryptoController,
        DataKeysController,
        ManagedCryptoController,
        KeysController,
        SubjectKeysController,
      ],
      providers: [
        { provide: ROOT_KEY_PROVIDER, inject: [AppConfig], useFactory: createRootKeyProvider },
        {
          provide: ENVELOPE_CRYPTO,
          inject: [AppConfig, getDataSourceToken(), ServiceKeys, ROOT_KEY_PROVIDER, AuditService],
          useFactory: createEnvelopeCrypto,
        },
        CryptoCacheBus,
        PersonalDataCipher,
        ServiceValueMovesRepository,
        OwnValueResealer,
        FieldCryptoService,
        DataKeysService,
        KeyRegistryRepository,
        KeyManagementService,
        ManagedCryptoService,
        ...(options.workers ? [KeyRotationProcessor, KeyRotationScheduler] : []),
      ],
      exports: [PersonalDataCipher, OwnValueResealer, ServiceValueMovesRepository],
    };
  }

  /** Zeroes cached keys and closes the provider (PKCS#11 session, KMS client). */
  async onApplicationShutdown(): Promise<void> {
    await this.crypto.close();
  }
}
