import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { loadConfig } from 'src/config/load-config';
import { typeormOptions } from './typeorm-options';

/** Data source for the TypeORM CLI (`npm run migration:*`), run against the built `dist`. */
export default new DataSource({
  ...typeormOptions(loadConfig().databaseUrl, false),
  entities: [join(__dirname, '..', '**', '*.entity.js')],
});
