/**
 * The owner's page (issue 19): today's sales per till and for the store, the tills and their
 * health and refund right, refund requests tills refused as not signed by the hub, open attention items, and the daily reconciliation (next run, last 14 days' results), read from the hub's admin API with the admin token (kept in
 * sessionStorage for this tab only, sent as a Bearer header, never in a URL). Refreshes every 15 s.
 */
import { useCallback, useEffect, useState } from 'react';
import type { RefundRejectionView, ReportRow } from '../../core/common/contract/hub-report.ts';
import { formatFen } from '../../core/common/money.ts';
import { type OwnerKey, type OwnerLanguage, ownerText } from './owner-i18n.ts';

type Fetcher = (input: string, init?: RequestInit) => Promise<Response>;

interface TerminalRow {
  readonly terminal_id: string;
  readonly revoked: boolean;
  readonly version: string | null;
  readonly last_seen: number | null;
  readonly online: boolean;
  readonly queue_length: number | null;
  readonly status: { readonly ready?: boolean } | null;
  /** May refund other tills' sales through the hub (scanpay hub grant-refunds), and its daily cap. */
  readonly refunds?: boolean;
  readonly refund_daily_cap_fen?: number | null;
  /** Tries without the right (a lifted token at work?), and the last one's time. */
  readonly refunds_refused?: number;
  readonly refunds_refused_at?: number | null;
}
interface AttentionRow {
  readonly terminal_id: string;
  readonly out_trade_no: string;
  readonly order_no: string;
  readonly updated_at: number;
}
interface ReconcileRun {
  readonly bill_date: string;
  readonly pid: string;
  readonly provider: string;
  readonly status: string;
  readonly discrepancies: number;
}
interface ReconcileView {
  /** null: the hub holds no merchants, so it does not reconcile. */
  readonly schedule: { readonly next_at: number | null } | null;
  readonly runs: readonly ReconcileRun[];
}
interface Overview {
  readonly today: readonly ReportRow[];
  readonly terminals: readonly TerminalRow[];
  readonly attention: readonly AttentionRow[];
  readonly reconcile: ReconcileView;
  readonly rejections: readonly RefundRejectionView[];
}

const REJECTION_REASON: Readonly<Record<string, OwnerKey>> = {
  signature_mismatch: 'owner.rejections.signature_mismatch',
  malformed: 'owner.rejections.malformed',
  other_terminal: 'owner.rejections.other_terminal',
  expired: 'owner.rejections.expired',
  no_key: 'owner.rejections.no_key',
};

const RUN_STATUS: Readonly<Record<string, OwnerKey>> = {
  done: 'owner.reconcile.done',
  not_ready: 'owner.reconcile.not_ready',
  unavailable: 'owner.reconcile.unavailable',
  empty: 'owner.reconcile.empty',
  too_old: 'owner.reconcile.too_old',
  no_bill: 'owner.reconcile.no_bill',
};

const TOKEN_KEY = 'scanpay-hub-admin-token';
const REFRESH_MS = 15_000;

/** Today in Beijing time (the hub's reports are by Beijing day). */
export function beijingDay(now: number): string {
  return new Date(now + 8 * 3600_000).toISOString().slice(0, 10);
}

class Refused extends Error {}

async function load(fetcher: Fetcher, token: string, now: number): Promise<Overview> {
  const get = async (path: string) => {
    const res = await fetcher(path, { headers: { authorization: `Bearer ${token}` } });
    if (res.status === 401) throw new Refused();
    if (!res.ok) throw new Error(`${path}: ${res.status}`);
    return res.json();
  };
  const day = beijingDay(now);
  const [report, terminals, attention, reconcile, rejections] = await Promise.all([
    get(`api/reports?by=day&from=${day}&to=${day}`),
    get('api/terminals'),
    get('api/attention'),
    get('api/reconcile'),
    get('api/refund-rejections'),
  ]);
  return {
    today: report.rows,
    terminals: terminals.terminals,
    attention: attention.items,
    reconcile: { schedule: reconcile.schedule ?? null, runs: reconcile.runs ?? [] },
    rejections: rejections.rejections ?? [],
  };
}

export function OwnerApp(props: {
  fetcher: Fetcher;
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  now?: () => number;
}) {
  const now = props.now ?? Date.now;
  const [lang, setLang] = useState<OwnerLanguage>('zh-CN');
  const [token, setToken] = useState<string | null>(() => props.storage.getItem(TOKEN_KEY));
  const [draft, setDraft] = useState('');
  const [data, setData] = useState<Overview | null>(null);
  const [problem, setProblem] = useState<OwnerKey | null>(null);
  const t = (key: OwnerKey, params?: Record<string, string | number>) => ownerText(lang, key, params);
  const time = (ms: number | null) =>
    ms === null ? '—' : new Date(ms).toLocaleString(lang === 'en' ? 'en-GB' : 'zh-CN', { hour12: false });

  const refresh = useCallback(async () => {
    if (!token) return;
    try {
      setData(await load(props.fetcher, token, now()));
      setProblem(null);
    } catch (error) {
      if (error instanceof Refused) {
        props.storage.removeItem(TOKEN_KEY);
        setToken(null);
        setProblem('owner.token_refused');
      } else setProblem('owner.unreachable');
    }
  }, [token, props.fetcher, props.storage, now]);

  // Grant or take back a till's refund right (the cap stays a command-line setting), then re-read.
  const setRefundRight = async (terminalId: string, refunds: boolean) => {
    if (!token) return;
    const res = await props
      .fetcher('api/terminals/refund-right', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ terminal_id: terminalId, refunds }),
      })
      .catch(() => null);
    if (!res?.ok) setProblem(res?.status === 401 ? 'owner.token_refused' : 'owner.unreachable');
    await refresh();
  };

  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [refresh]);

  const header = (
    <header className="top-bar">
      <strong>{t('owner.title')}</strong>
      <button type="button" className="btn btn-small" onClick={() => setLang(lang === 'en' ? 'zh-CN' : 'en')}>
        {t('owner.lang')}
      </button>
      {token && (
        <button
          type="button"
          className="btn btn-small"
          onClick={() => {
            props.storage.removeItem(TOKEN_KEY);
            setToken(null);
            setData(null);
          }}
        >
          {t('owner.sign_out')}
        </button>
      )}
    </header>
  );
  const banner = problem && (
    <div className="banner banner-error" role="alert">
      {t(problem)}
    </div>
  );

  if (!token)
    return (
      <div className="app">
        {header}
        <main className="content narrow">
          {banner}
          <form
            className="stack"
            onSubmit={(event) => {
              event.preventDefault();
              if (!draft) return;
              props.storage.setItem(TOKEN_KEY, draft);
              setToken(draft);
              setDraft('');
            }}
          >
            <label className="field">
              {t('owner.token')}
              <input
                type="password"
                value={draft}
                onChange={(e) => setDraft(e.target.value)}
                autoComplete="off"
              />
            </label>
            <button type="submit" className="btn btn-primary">
              {t('owner.sign_in')}
            </button>
          </form>
        </main>
      </div>
    );

  const store = data?.today.find((r) => r.terminal_id === null);
  return (
    <div className="app">
      {header}
      <main className="content stack">
        {banner}
        <section className="panel" data-testid="owner-today">
          <h2>{t('owner.today')}</h2>
          <p className="amount">
            {t('owner.store')}: {formatFen(store?.net_fen ?? 0)} ·{' '}
            {t('owner.paid_orders', { count: store?.paid_orders ?? 0 })}
          </p>
          <table>
            <tbody>
              {(data?.today ?? [])
                .filter((r) => r.terminal_id !== null)
                .map((r) => (
                  <tr key={r.terminal_id}>
                    <td>{r.terminal_id}</td>
                    <td>{t('owner.paid_orders', { count: r.paid_orders })}</td>
                    <td>
                      {t('owner.net')} {formatFen(r.net_fen)}
                    </td>
                    <td>
                      {t('owner.refunded')} {formatFen(r.refunded_fen)}
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
        </section>
        <section className="panel" data-testid="owner-terminals">
          <h2>{t('owner.terminals')}</h2>
          <table>
            <thead>
              <tr>
                <th>{t('owner.terminal')}</th>
                <th>{t('owner.health')}</th>
                <th>{t('owner.version')}</th>
                <th>{t('owner.last_seen')}</th>
                <th>{t('owner.queue')}</th>
                <th>{t('owner.refund_right')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {(data?.terminals ?? []).map((term) => (
                <tr key={term.terminal_id} data-testid={`terminal-${term.terminal_id}`}>
                  <td>{term.terminal_id}</td>
                  <td>
                    {term.revoked
                      ? t('owner.revoked')
                      : !term.online
                        ? t('owner.offline')
                        : term.status?.ready === false
                          ? t('owner.not_ready')
                          : t('owner.online')}
                  </td>
                  <td>{term.version ?? '—'}</td>
                  <td>{time(term.last_seen)}</td>
                  <td>{term.queue_length ?? '—'}</td>
                  <td data-testid={`terminal-${term.terminal_id}-refunds`}>
                    {!term.refunds
                      ? t('owner.refunds.none')
                      : typeof term.refund_daily_cap_fen === 'number'
                        ? t('owner.refunds.capped', { cap: formatFen(term.refund_daily_cap_fen) })
                        : t('owner.refunds.granted')}
                    {(term.refunds_refused ?? 0) > 0 &&
                      ` · ${t('owner.refunds.refused', { count: term.refunds_refused ?? 0, time: time(term.refunds_refused_at ?? null) })}`}
                  </td>
                  <td>
                    <button
                      type="button"
                      className="btn btn-small"
                      data-testid={`terminal-${term.terminal_id}-${term.refunds ? 'revoke' : 'grant'}`}
                      onClick={() => void setRefundRight(term.terminal_id, !term.refunds)}
                    >
                      {t(term.refunds ? 'owner.refunds.revoke' : 'owner.refunds.grant')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        {(data?.rejections.length ?? 0) > 0 && (
          <section className="panel" data-testid="owner-rejections">
            <h2>{t('owner.rejections')}</h2>
            <p className="banner banner-error">{t('owner.rejections.hint')}</p>
            <ul>
              {data?.rejections.map((r) => (
                <li key={`${r.at}-${r.terminal_id}-${r.out_refund_no}-${r.reason}-${r.refund_fee}`}>
                  {r.terminal_id} · {t('owner.order')} {r.order_no ?? '—'} ·{' '}
                  {r.refund_fee === null ? '—' : formatFen(r.refund_fee)} ·{' '}
                  {REJECTION_REASON[r.reason] ? t(REJECTION_REASON[r.reason]!) : r.reason} · {time(r.at)}
                </li>
              ))}
            </ul>
          </section>
        )}
        <section className="panel" data-testid="owner-attention">
          <h2>{t('owner.attention')}</h2>
          {(data?.attention.length ?? 0) === 0 ? (
            <p className="muted">{t('owner.attention.none')}</p>
          ) : (
            <ul>
              {data?.attention.map((a) => (
                <li key={`${a.terminal_id}-${a.out_trade_no}`}>
                  {a.terminal_id} · {t('owner.order')} {a.order_no} · {time(a.updated_at)}
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="panel" data-testid="owner-reconcile">
          <h2>{t('owner.reconcile')}</h2>
          <p className="muted" data-testid="owner-reconcile-next">
            {data?.reconcile.schedule
              ? t('owner.reconcile.next', { time: time(data.reconcile.schedule.next_at) })
              : t('owner.reconcile.off')}
          </p>
          <table>
            <tbody>
              {(data?.reconcile.runs ?? []).map((r) => (
                <tr key={`${r.bill_date}-${r.pid}-${r.provider}`}>
                  <td>{r.bill_date}</td>
                  <td>{r.pid}</td>
                  <td>{r.provider}</td>
                  <td>
                    {RUN_STATUS[r.status] ? t(RUN_STATUS[r.status]!) : r.status}
                    {r.discrepancies > 0 &&
                      ` · ${t('owner.reconcile.discrepancies', { count: r.discrepancies })}`}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </main>
    </div>
  );
}
