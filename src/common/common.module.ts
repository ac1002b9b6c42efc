import { Global, Module } from '@nestjs/common';
import { ServiceKeys } from './crypto/service-keys';

@Global()
@Module({ providers: [ServiceKeys], exports: [ServiceKeys] })
export class CommonModule {}
