/** Blanks the terminal's own secrets out of text bound for the log (an error message can quote a header or a config value). */
import type { ServiceConfig } from '../config/service-config.ts';

export function serviceSecrets(config: ServiceConfig): string[] {
  const server = config.server;
  return [
    ...(server?.access_token ? [server.access_token] : []),
    ...(server?.api_keys ?? []).map((k) => k.key),
    ...(config.hub ? [config.hub.token] : []),
  ];
}

export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 8) out = out.split(secret).join('[redacted]');
  return out;
}
