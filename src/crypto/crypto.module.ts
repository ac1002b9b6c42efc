import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { EnvelopeCrypto } from '@libs/crypto';
import { ServiceKeys } from 'src/common/crypto/service-keys';
import { AppConfig } from 'src/config/app-config';
import { CryptoCacheBus } from './crypto-cache.bus';
import { createEnvelopeCrypto } from './envelope-crypto.factory';
import { ENVELOPE_CRYPTO } from './envelope-crypto.token';
import { PersonalDataCipher } from './personal-data.cipher';

/** Field encryption for the whole service: other capabilities inject `PersonalDataCipher`. */
@Global()
@Module({})
export class CryptoModule implements OnApplicationShutdown {
  constructor(@Inject(ENVELOPE_CRYPTO) private readonly crypto: EnvelopeCrypto) {}

  static register(_options: { workers: boolean }): DynamicModule {
    return {
      module: CryptoModule,
      providers: [
        {
          provide: ENVELOPE_CRYPTO,
          inject: [AppConfig, getDataSourceToken(), ServiceKeys],
          useFactory: createEnvelopeCrypto,
        },
        CryptoCacheBus,
        PersonalDataCipher,
      ],
      exports: [PersonalDataCipher],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.crypto.close();
  }
}
