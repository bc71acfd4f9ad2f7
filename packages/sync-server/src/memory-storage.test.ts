import { runStorageAdapterTests } from '@readingroom/testing';
import { MemoryStorage } from './memory-storage';

runStorageAdapterTests('memory', async () => ({ storage: new MemoryStorage() }));
