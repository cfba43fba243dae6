/** On-screen amount keypad: large touch targets; the physical keyboard works through the sale screen. */
import { Delete } from 'lucide-react';
import { useI18n } from '../i18n/use-i18n.ts';
import type { KeypadKey } from '../state/amount-entry.ts';

const KEYS: readonly KeypadKey[] = ['7', '8', '9', '4', '5', '6', '1', '2', '3', '.', '0', 'back'];

export function Keypad({ onKey }: { onKey: (key: KeypadKey) => void }) {
  const { t } = useI18n();
  return (
    <fieldset className="keypad" aria-label={t('sale.keypad')}>
      {KEYS.map((key) => (
        <button
          key={key}
          type="button"
          className="btn key"
          aria-label={key === 'back' ? t('common.backspace') : key}
          onClick={() => onKey(key)}
        >
          {key === 'back' ? <Delete /> : key}
        </button>
      ))}
      <button type="button" className="btn key key-wide" onClick={() => onKey('clear')}>
        {t('common.clear')}
      </button>
    </fieldset>
  );
}
