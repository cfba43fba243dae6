/**
 * Settings → printer and voice (shown once the supervisor PIN unlocked Settings): auto-print, the
 * spoken confirmation and its volume, "open drawer" (journaled with who), and the print queue.
 */
import { useEffect, useState } from 'react';
import { useI18n } from '../i18n/use-i18n.ts';
import { useApp, useStores } from '../state/stores-context.tsx';
import { ErrorBanner } from './error-banner.tsx';
import { ReasonedButton } from './reasoned-button.tsx';

export function PeripheralsPanel() {
  const { t, time } = useI18n();
  const stores = useStores();
  const view = useApp('peripherals', (s) => s.view);
  const jobs = useApp('peripherals', (s) => s.jobs);
  const busy = useApp('peripherals', (s) => s.busy);
  const error = useApp('peripherals', (s) => s.error);
  const drawer = useApp('peripherals', (s) => s.drawer);
  const pin = useApp('settings', (s) => s.pin);
  const [autoPrint, setAutoPrint] = useState(view?.auto_print ?? true);
  const [voiceOn, setVoiceOn] = useState(view?.voice.enabled ?? true);
  const [volume, setVolume] = useState(view?.voice.volume ?? 80);
  const p = stores.peripherals.getState;
  useEffect(() => {
    void p().loadJobs();
  }, [p]);
  useEffect(() => {
    if (!view) return;
    setAutoPrint(view.auto_print);
    setVoiceOn(view.voice.enabled);
    setVolume(view.voice.volume);
  }, [view]);
  if (!view || pin === null) return null;
  return (
    <section className="stack" data-testid="peripherals-panel">
      <h2>{t('peripherals.title')}</h2>
      <ErrorBanner error={error} />
      {!view.printer && <p className="muted">{t('peripherals.printer.none')}</p>}
      {view.printer && (
        <label className="field checkbox">
          <input
            type="checkbox"
            checked={autoPrint}
            data-testid="auto-print"
            onChange={(e) => setAutoPrint(e.target.checked)}
          />{' '}
          {t('peripherals.auto_print')}
        </label>
      )}
      <label className="field checkbox">
        <input
          type="checkbox"
          checked={voiceOn}
          data-testid="voice-on"
          onChange={(e) => setVoiceOn(e.target.checked)}
        />{' '}
        {t('peripherals.voice')}
      </label>
      <label className="field checkbox">
        {t('peripherals.voice.volume')}{' '}
        <input
          type="range"
          min={0}
          max={100}
          value={volume}
          data-testid="voice-volume"
          onChange={(e) => setVolume(Number(e.target.value))}
        />{' '}
        {volume}
      </label>
      <div className="row">
        <ReasonedButton
          className="btn btn-primary"
          data-testid="peripherals-save"
          why={busy ? t('sale.why.busy') : null}
          onClick={() =>
            void p().update({ pin, auto_print: autoPrint, voice_enabled: voiceOn, voice_volume: volume })
          }
        >
          {t('peripherals.save')}
        </ReasonedButton>
        {view.printer && (
          <ReasonedButton
            className="btn"
            data-testid="open-drawer"
            why={busy ? t('sale.why.busy') : null}
            onClick={() => void p().openDrawer(pin)}
          >
            {t('peripherals.open_drawer')}
          </ReasonedButton>
        )}
      </div>
      {drawer && (
        <p role="status" data-testid="drawer-result">
          {drawer.delivered ? t('peripherals.drawer.opened') : t('peripherals.drawer.not_delivered')}
        </p>
      )}
      {view.printer && (
        <>
          <h3>{t('peripherals.queue')}</h3>
          {jobs.length === 0 ? (
            <p className="muted">{t('peripherals.queue.empty')}</p>
          ) : (
            <ul data-testid="print-jobs">
              {jobs.map((job) => (
                <li key={job.id}>
                  {time(job.created_at)} · {t(`peripherals.job.${job.kind}`)} {job.ref ?? ''} ·{' '}
                  {t(`peripherals.job.${job.state}`)}
                  {job.state === 'pending' && job.last_error ? ` · ${job.last_error}` : ''}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
