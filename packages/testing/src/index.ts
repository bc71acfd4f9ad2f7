export { runStorageAdapterTests, type StorageAdapterSetup } from './storage-adapter-suite';
export { expectSameBytes, pseudoRandomBytes } from './bytes';
export { FakeSocket } from './fake-socket';
export { FakeClient } from './fake-client';
export { until } from './until';
