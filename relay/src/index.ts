export { createRelay, type Relay } from './relay';
export { configFromEnv, relayConfigSchema, type RelayConfig, type RelayOptions } from './config';
