/** A problem in plain words: icon + text (never colour alone), announced to screen readers. */
import { TriangleExclamationPoint } from 'lucide-react';
import type { ErrorShape } from '../../../core/common/errors.ts';
import { useI18n } from '../i18n/use-i18n.ts';

export function ErrorBanner({ error, onDismiss }: { error: ErrorShape | null; onDismiss?: () => void }) {
  const { err, t } = useI18n();
  if (!error) return null;
  return (
    <div className="banner banner-error" role="alert" data-error-code={error.code}>
      <span className="icon">
        <TriangleExclamationPoint />
      </span>
      <span className="banner-text">{err(error.code)}</span>
      {onDismiss && (
        <button type="button" className="btn btn-small" onClick={onDismiss}>
          {t('common.close')}
        </button>
      )}
    </div>
  );
}
