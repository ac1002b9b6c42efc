import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from 'src/config/app-config';
import { typeormOptions } from './typeorm-options';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        ...typeormOptions(config.databaseUrl, config.dbMigrate),
        autoLoadEntities: true,
      }),
    }),
  ],
})
export class DatabaseModule {}
