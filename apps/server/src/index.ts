export { startServer, type RunningServer, type ServerDeps } from './server';
export type { Config, ConfigInput } from './config/config-schema';
