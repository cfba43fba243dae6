/** A ScanPayApi whose every operation is a vi.fn the test can script. */
import { vi } from 'vitest';
import type { ScanPayApi } from '../../../core/common/contract/api-contract.ts';
import { OPERATION_NAMES } from '../../../core/common/contract/operation-schemas.ts';

export type FakeApi = ScanPayApi & { readonly [K in keyof ScanPayApi]: ReturnType<typeof vi.fn> };

export function fakeApi(): FakeApi {
  const api: Record<string, unknown> = {};
  for (const name of OPERATION_NAMES)
    api[name] = vi.fn(async (request: unknown) => ({ echoed: name, request }));
  return api as unknown as FakeApi;
}
