import { z } from 'zod';
import { ConfigError } from '../config';
import { agentsConfigSchema, createAgentsConnector } from './agents';
import { readCredential, type CredentialRef } from './config-common';
import { createJsonRpcConnector, jsonrpcConfigSchema } from './jsonrpc';
import { createTicketsConnector, ticketsConfigSchema } from './tickets';
import type { Connector, ConnectorContext } from './types';
import { createWebhookConnector, webhookConfigSchema } from './webhook';

export type { Connector, ConnectorContext, ConnectorStatus } from './types';
export { signWebhook } from './webhook-signature';

/** The `connectors` array of the relay's config file (HERALD_CONFIG); docs/connectors.md. */
export const connectorsConfigSchema = z
  .array(
    z.discriminatedUnion('type', [
      ticketsConfigSchema,
      agentsConfigSchema,
      webhookConfigSchema,
      jsonrpcConfigSchema,
    ]),
  )
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

function credentialOf(config: ConnectorConfig): CredentialRef | undefined {
  return config.type === 'webhook' ? config.secret : config.token;
}

/**
 * Builds (does not start) one connector per config entry. Throws a ConfigError naming the
 * connector and where it looked (never the value) when a credential is missing: a relay that
 * cannot authenticate to its upstreams should not start as if all were well. Connectors re-read
 * credentials on every connect, so a rotated file is picked up without a restart.
 */
export function createConnectors(configs: ConnectorConfig[], ctx: ConnectorContext): Connector[] {
  for (const config of configs) {
    const ref = credentialOf(config);
    if (!ref) continue;
    try {
      readCredential(ref);
    } catch (err) {
      throw new ConfigError(`connector "${config.name}": ${(err as Error).message}`);
    }
  }
  return configs.map((config) => {
    // Each connector's events carry its name, so answers to them find their way back.
    const own: ConnectorContext = {
      ...ctx,
      publish: (events) => ctx.publish(events, config.name),
    };
    switch (config.type) {
      case 'tickets':
        return createTicketsConnector(config, own);
      case 'agents':
        return createAgentsConnector(config, own);
      case 'webhook':
        return createWebhookConnector(config, own);
      case 'jsonrpc':
        return createJsonRpcConnector(config, own);
    }
  });
}
