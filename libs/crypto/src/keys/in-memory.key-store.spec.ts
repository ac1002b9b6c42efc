import { describeKeyStoreConformance } from '../../test-support/key-store.conformance';
import { InMemoryKeyStore } from './in-memory.key-store';

describeKeyStoreConformance('in-memory', async () => new InMemoryKeyStore());
