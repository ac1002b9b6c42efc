import type { DataStoreDto } from './dto/data-store.dto';
import type { DataStoreEntity } from './entities/data-store.entity';

export function toDataStoreDto(e: DataStoreEntity): DataStoreDto {
  return {
    id: e.id,
    name: e.name,
    type: e.type,
    connection: e.connectionDisplay === null ? null : { url: e.connectionDisplay },
    collections: e.collections,
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
  };
}
