import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from 'src/config/app-config';
import { initializeWithMigrations } from './locked-migrations';
import { typeormOptions } from './typeorm-options';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        ...typeormOptions(config.databaseUrl, config.dbMigrate),
        autoLoadEntities: true,
      }),
      dataSourceFactory: (options) => {
        if (!options) {
          throw new Error('No data source options');
        }
        return initializeWithMigrations(options, options.migrationsRun === true);
      },
    }),
  ],
})
export class DatabaseModule {}
