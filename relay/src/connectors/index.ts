// Placeholder written by the relay core so the factory builds; the connectors owner replaces it.
import { z } from 'zod';
import type { Connector, ConnectorContext } from './types';

export const connectorsConfigSchema = z.array(z.never());
export type ConnectorConfig = z.infer<typeof connectorsConfigSchema>[number];

export function createConnectors(configs: ConnectorConfig[], _ctx: ConnectorContext): Connector[] {
  return configs;
}
