/**
 * A configured wedge scanner's detector settings on their way to the browser's own detector
 * (renderer/src/scan/browser-wedge.ts): the service puts them in the settings view under the view's
 * snake_case names (core/service/api/settings.ts), and the browser reads them back into detector
 * options. Both directions sit here side by side, so a new setting is one change in one file.
 */
import type { WedgeSettingsView } from '../contract/views.ts';
import type { WedgeDetectorOptions } from './wedge-detector.ts';

/** What a wedge scanner's configuration sets on the detector (config.json's entry, defaults filled in). */
export type WedgeSettings = Required<
  Pick<WedgeDetectorOptions, 'maxKeyGapMs' | 'endTimeoutMs' | 'minLength' | 'requireSuffix'>
>;

export function wedgeSettingsView(settings: WedgeSettings): WedgeSettingsView {
  return {
    max_key_gap_ms: settings.maxKeyGapMs,
    end_timeout_ms: settings.endTimeoutMs,
    min_length: settings.minLength,
    require_suffix: settings.requireSuffix,
  };
}

export function wedgeSettingsFromView(view: WedgeSettingsView): WedgeSettings {
  return {
    maxKeyGapMs: view.max_key_gap_ms,
    endTimeoutMs: view.end_timeout_ms,
    minLength: view.min_length,
    requireSuffix: view.require_suffix,
  };
}
