/**
 * The store hub given on the command line (`scanpay serve --hub URL --hub-token T`) over config.json's:
 * checked by the same schema as the file's (a bad token is config_invalid); the address and token are
 * replaced, config.json's config key and heartbeat stay. Used by ./kiosk-service.ts at start.
 */
import { parseHubOption, type ServiceConfig } from './config/service-config.ts';

export function withCommandLineHub(
  config: ServiceConfig,
  hub: { readonly url: string; readonly token: string } | undefined,
): ServiceConfig {
  return hub
    ? {
        ...config,
        hub: {
          ...parseHubOption(hub),
          ...(config.hub
            ? {
                config_public_key: config.hub.config_public_key,
                heartbeat_ms: config.hub.heartbeat_ms,
              }
            : {}),
        },
      }
    : config;
}
