/** The journal's entries for an order or attempt, oldest first. */
import type { TimelineEntry } from '../../../core/common/contract/views.ts';
import { useI18n } from '../i18n/use-i18n.ts';

export function Timeline({ entries }: { entries: readonly TimelineEntry[] }) {
  const { time } = useI18n();
  return (
    <ol className="timeline">
      {[...entries]
        .sort((a, b) => a.at - b.at)
        .map((e) => (
          <li key={`${e.at}-${e.out_trade_no}-${e.op}-${e.step}`}>
            <time>{time(e.at)}</time> <code>{e.out_trade_no}</code> <strong>{e.op}</strong>{' '}
            <span className="muted">{e.step === 'intent' ? '→' : '✓'}</span> {e.summary}
          </li>
        ))}
    </ol>
  );
}
