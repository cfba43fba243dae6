import type { MessageKey } from '../i18n/catalog.ts';
import { useI18n } from '../i18n/use-i18n.ts';

/**
 * A list table's header row: one cell per message key, in column order (keys are distinct); `null`
 * heads a column without a title (the row's buttons).
 */
export function TableHead({ columns }: { readonly columns: readonly (MessageKey | null)[] }) {
  const { t } = useI18n();
  return (
    <thead>
      <tr>
        {columns.map((key) => (
          <th key={key ?? 'untitled'}>{key === null ? null : t(key)}</th>
        ))}
      </tr>
    </thead>
  );
}

/** The last cell of a list row: the button that opens that row's detail (history, reconciliation). */
export function DetailCell({ onOpen }: { readonly onOpen: () => void }) {
  const { t } = useI18n();
  return (
    <td>
      <button type="button" className="btn btn-small" onClick={onOpen}>
        {t('history.detail')}
      </button>
    </td>
  );
}
