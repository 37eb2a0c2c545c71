import { z } from 'zod';
import { agentsConfigSchema, createAgentsConnector } from './agents';
import { createTicketsConnector, ticketsConfigSchema } from './tickets';
import type { Connector, ConnectorContext } from './types';

export type { Connector, ConnectorContext, ConnectorStatus } from './types';

/** The `connectors` array of the relay's config file (HERALD_CONFIG); docs/connectors.md. */
export const connectorsConfigSchema = z
  .array(z.discriminatedUnion('type', [ticketsConfigSchema, agentsConfigSchema]))
  .superRefine((configs, ctx) => {
    const seen = new Set<string>();
    configs.forEach((c, i) => {
      if (seen.has(c.name)) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'name'],
          message: `duplicate connector name "${c.name}"`,
        });
      }
      seen.add(c.name);
    });
  });
export type ConnectorConfig = z.infer<typeof connectorsConfigSchema>[number];

/** Builds (does not start) one connector per config entry. */
export function createConnectors(configs: ConnectorConfig[], ctx: ConnectorContext): Connector[] {
  return configs.map((config) => {
    switch (config.type) {
      case 'tickets':
        return createTicketsConnector(config, ctx);
      case 'agents':
        return createAgentsConnector(config, ctx);
    }
  });
}
