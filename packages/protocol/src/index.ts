export * from './message-types';
export * from './close-codes';
export * from './codec';
