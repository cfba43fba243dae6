/**
 * The voice clips are <audio> from the renderer's own files: both Content-Security-Policies (the
 * page's <meta> one, which also rules file:// in Electron, and the one Electron's session adds)
 * must let media load from 'self', or the offline voice is silently blocked.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../electron/window-policy.ts';

const html = readFileSync(join(import.meta.dirname, '../../renderer/index.html'), 'utf8');
const metaPolicy = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1] ?? '';

describe('voice clips under the Content-Security-Policy', () => {
  it('the page policy allows media from self and nothing else', () => {
    expect(metaPolicy).toContain("default-src 'none'");
    expect(metaPolicy).toContain("media-src 'self'");
  });
  it("Electron's policy allows media from self", () => {
    expect(CONTENT_SECURITY_POLICY).toContain("media-src 'self'");
  });
});
