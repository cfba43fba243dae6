/** Settings behind the supervisor PIN: merchants (masked), scanners with a live test scan, schedules, language, kiosk, PIN. */
import { Circle, CircleCheck, Lock, ScanLine } from 'lucide-react';
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { isAcceptableNewPin, PIN_MAX_LENGTH } from '../../../core/common/contract/pin-rules.ts';
import { ErrorBanner } from '../components/error-banner.tsx';
import { PeripheralsPanel } from '../components/peripherals-panel.tsx';
import { ReasonedButton } from '../components/reasoned-button.tsx';
import { ActionForm, ScreenPanel } from '../components/screen-panel.tsx';
import { NewPinField, PinField } from '../components/text-field.tsx';
import { hasMessage, type MessageKey } from '../i18n/catalog.ts';
import { useI18n } from '../i18n/use-i18n.ts';
import { useApp, useStores } from '../state/stores-context.tsx';

function PinGate() {
  const { t } = useI18n();
  const stores = useStores();
  const busy = useApp('settings', (s) => s.busy);
  const [pin, setPin] = useState('');
  return (
    <ActionForm
      className="stack narrow"
      onSubmit={() => {
        void stores.settings.getState().unlock(pin);
        setPin('');
      }}
    >
      <p>
        <Lock /> {t('settings.locked')}
      </p>
      <PinField
        label={t('settings.pin')}
        value={pin}
        data-testid="settings-pin"
        onChange={(value) => setPin(value.slice(0, PIN_MAX_LENGTH))}
      />
      <ReasonedButton
        type="submit"
        className="btn btn-big btn-primary"
        why={busy ? t('sale.why.busy') : pin === '' ? t('why.fill_fields') : null}
      >
        {t('settings.unlock')}
      </ReasonedButton>
    </ActionForm>
  );
}

/** What the service sends for a configured secret (core/service/api/settings.ts), never the secret. */
const CREDENTIALS_SET = 'set (hidden)';

/** Milliseconds as seconds for people: 1500 → "1.5", 60000 → "60". */
function seconds(ms: number): string {
  return String(Math.round(ms / 100) / 10);
}

/** A scanner's own detail (its port or USB id); the service's generic words are replaced by the kind's label. */
function scannerDetail(kind: string, summary: string): string | null {
  if (kind === 'wedge' || summary === 'auto-discovered serial port') return null;
  return summary;
}

function SettingsBody() {
  const { t, time, problem } = useI18n();
  const stores = useStores();
  const settings = useApp('settings', (s) => s.settings);
  const busy = useApp('settings', (s) => s.busy);
  const saved = useApp('settings', (s) => s.saved);
  const scanners = useApp(
    'connection',
    useShallow((s) => Object.values(s.scanners)),
  );
  const lastScan = useApp('connection', (s) => s.lastScan);
  const tlsFingerprint = useApp('connection', (s) => s.health?.tls_sha256 ?? null);
  const [newPin, setNewPin] = useState('');
  if (!settings) return <p>{t('common.loading')}</p>;
  const save = stores.settings.getState().save;
  // The default PIN 0000 only lets the supervisor choose a new one (the service enforces it too).
  const mustChangePin = !settings.pin_set;
  return (
    <div className="stack">
      <div className="row">
        <span>
          {t('settings.terminal')}: <code>{settings.terminal_id}</code>
        </span>
        <button type="button" className="btn" onClick={() => stores.settings.getState().lock()}>
          <Lock /> {t('settings.lock')}
        </button>
      </div>
      {tlsFingerprint && (
        <p className="muted" data-testid="tls-fingerprint">
          {t('settings.tls_fingerprint')}: <code>{tlsFingerprint}</code>
        </p>
      )}
      {mustChangePin && (
        <p className="banner banner-warn" role="alert" data-testid="pin-change-required">
          {t('settings.pin_change_required')}
        </p>
      )}
      {saved && (
        <p className="banner banner-ok" role="status">
          <CircleCheck /> {t('settings.saved')}
        </p>
      )}
      <h2>{t('settings.merchants')}</h2>
      <ul className="cards">
        {settings.merchants.map((m) => (
          <li key={m.pid} className="card">
            <strong>{m.name}</strong> <code>{m.pid}</code> · {t(`provider.${m.provider}`)} ·{' '}
            {m.wallets.map((w) => t(`wallet.${w}`)).join(' / ')}
            <div className="muted" data-testid="merchant-endpoint">
              {m.base_url === 'configured'
                ? t('settings.endpoint.configured')
                : `${t('settings.endpoint.sandbox')} ${m.base_url}`}
            </div>
            <dl className="kvs">
              {Object.entries(m.credentials).map(([k, v]) => (
                <div className="kv" key={k} data-testid={`credentials-${k}`}>
                  <dt>{hasMessage(`provider.${k}`) ? t(`provider.${k}` as MessageKey) : k}</dt>
                  {/* The service never sends a secret: its marker for "configured" is shown in our words. */}
                  <dd>{v === CREDENTIALS_SET ? t('settings.credentials.set') : v}</dd>
                </div>
              ))}
            </dl>
          </li>
        ))}
      </ul>
      <h2>{t('settings.scanners')}</h2>
      <ul>
        {settings.scanners.map((s) => (
          <li key={s.id}>
            <code>{s.id}</code> {t(`settings.scanner.kind.${s.kind as 'serial' | 'hid' | 'wedge'}`)}
            {scannerDetail(s.kind, s.summary) && ` — ${scannerDetail(s.kind, s.summary)}`}
          </li>
        ))}
        {scanners.map((s) => (
          <li key={s.source}>
            {s.source}: {t(`status.scanner.${s.state}`)} {s.reason ? `(${s.reason})` : ''}
          </li>
        ))}
      </ul>
      <div className="card" data-testid="test-scan">
        <p>
          <ScanLine /> {t('settings.scanners.test')}
        </p>
        <p>
          {t('settings.scanners.last')}:{' '}
          {lastScan ? (
            <>
              <code>{lastScan.code_masked}</code> · {lastScan.source} · {time(lastScan.at)} ·{' '}
              {lastScan.ok
                ? `✓ ${lastScan.wallet ? t(`wallet.${lastScan.wallet}`) : ''}`
                : `⚠ ${problem(lastScan.error)}`}
            </>
          ) : (
            t('settings.scanners.none_yet')
          )}
        </p>
      </div>
      <h2>{t('settings.poll')}</h2>
      <table>
        <tbody>
          {Object.entries(settings.poll_schedules).map(([name, p]) => (
            <tr key={name} data-testid={`poll-${name}`}>
              <th>{hasMessage(`provider.${name}`) ? t(`provider.${name}` as MessageKey) : name}</th>
              <td>
                {t('settings.poll.delays')}: {p.query_delays_ms.map(seconds).join(', ')}
              </td>
              <td>
                {t('settings.poll.reverse_after')}: {seconds(p.reverse_after_ms)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{t('settings.language')}</h2>
      <div className="row">
        {(['zh-CN', 'en'] as const).map((lang) => (
          <ReasonedButton
            key={lang}
            className="btn"
            aria-pressed={settings.language === lang}
            why={busy ? t('sale.why.busy') : mustChangePin ? t('why.pin_change_first') : null}
            onClick={() => void save({ language: lang })}
          >
            {settings.language === lang ? <CircleCheck /> : <Circle />}
            {lang === 'zh-CN' ? '简体中文' : 'English'}
          </ReasonedButton>
        ))}
      </div>
      <label className="field checkbox">
        <input
          type="checkbox"
          checked={settings.kiosk}
          disabled={busy || mustChangePin}
          title={mustChangePin ? t('why.pin_change_first') : undefined}
          onChange={(e) => void save({ kiosk: e.target.checked })}
        />
        <span>{t('settings.kiosk')}</span>
      </label>
      <ActionForm
        className="row"
        onSubmit={() => {
          if (isAcceptableNewPin(newPin)) void save({ new_pin: newPin });
          setNewPin('');
        }}
      >
        <NewPinField
          label={t('settings.new_pin')}
          value={newPin}
          data-testid="settings-new-pin"
          onChange={setNewPin}
        />
        <ReasonedButton
          type="submit"
          className="btn"
          why={busy ? t('sale.why.busy') : isAcceptableNewPin(newPin) ? null : t('why.pin_rule')}
        >
          {t('settings.save')}
        </ReasonedButton>
      </ActionForm>
      <PeripheralsPanel />
    </div>
  );
}

export function SettingsScreen() {
  const { t } = useI18n();
  const unlocked = useApp('settings', (s) => s.pin !== null);
  const error = useApp('settings', (s) => s.error);
  return (
    <ScreenPanel id="settings-title" title={t('settings.title')}>
      <ErrorBanner error={error} />
      {unlocked ? <SettingsBody /> : <PinGate />}
    </ScreenPanel>
  );
}
