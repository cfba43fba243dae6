/**
 * The journal's entries for an order or attempt, oldest first: each step in the UI language, with
 * the journal's own words (provider codes, transaction ids) in a detail line (i18n/timeline-text.ts).
 */
import type { TimelineEntry } from '../../../core/common/contract/views.ts';
import { hasMessage } from '../i18n/catalog.ts';
import { describeTimelineEntry } from '../i18n/timeline-text.ts';
import { useI18n } from '../i18n/use-i18n.ts';

export function Timeline({ entries }: { entries: readonly TimelineEntry[] }) {
  const { t, time } = useI18n();
  const providerName = (p: string) => {
    const key = `provider.${p}`;
    return hasMessage(key) ? t(key) : p;
  };
  return (
    <ol className="timeline">
      {[...entries]
        .sort((a, b) => a.at - b.at)
        .map((e) => {
          const text = describeTimelineEntry(e, providerName);
          return (
            <li key={`${e.at}-${e.out_trade_no}-${e.op}-${e.step}`} data-testid="timeline-entry">
              <time>{time(e.at)}</time> <code>{e.out_trade_no}</code>{' '}
              <strong>{t(text.key, text.params)}</strong>
              {text.detail && (
                <div className="muted timeline-detail" data-testid="timeline-detail">
                  {e.op} · {text.detail}
                </div>
              )}
            </li>
          );
        })}
    </ol>
  );
}
