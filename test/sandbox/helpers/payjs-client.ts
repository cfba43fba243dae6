/** A minimal PAYJS client for tests: form POST signed with v2-sign MD5, JSON reply verified the same way. */
import { v2Sign, v2Verify } from '../../../core/gateways/shared/v2-sign.ts';
import type { SandboxCredentials } from '../../../core/sandbox/sandbox-credentials.ts';
import { post, type RawReply } from './sandbox-http.ts';

export interface PayjsReply {
  readonly raw: RawReply;
  readonly json: Record<string, unknown>;
  readonly signOk: boolean;
}

export async function payjsCall(
  baseUrl: string,
  credentials: SandboxCredentials,
  name: string,
  fields: Record<string, string>,
  options: { readonly asJson?: boolean; readonly tamper?: (p: Record<string, string>) => void } = {},
): Promise<PayjsReply> {
  const params: Record<string, string> = { mchid: credentials.payjs.mchid, ...fields };
  params.sign = v2Sign(params, credentials.payjs.key, 'MD5');
  options.tamper?.(params);
  const raw = options.asJson
    ? await post(`${baseUrl}/payjs/api/${name}`, JSON.stringify(params), 'application/json')
    : await post(
        `${baseUrl}/payjs/api/${name}`,
        new URLSearchParams(params).toString(),
        'application/x-www-form-urlencoded',
      );
  const json = JSON.parse(raw.text) as Record<string, unknown>;
  return { raw, json, signOk: v2Verify(json, credentials.payjs.key, 'MD5') };
}
