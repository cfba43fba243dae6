/** 导出 CSV for a list (orders, reconciliation): asks its store for the file, then saves it. */
import { Download } from 'lucide-react';
import type { OrdersExport } from '../../../core/common/contract/api-contract.ts';
import { useI18n } from '../i18n/use-i18n.ts';
import { ReasonedButton } from './reasoned-button.tsx';
import { saveTextFile } from './save-file.ts';

export interface CsvExportButtonProps {
  readonly testId: string;
  readonly exporting: boolean;
  /** Why there is nothing to export yet (null when there is). */
  readonly unavailable?: string | null;
  exportCsv(): Promise<OrdersExport | null>;
}

export function CsvExportButton({ testId, exporting, unavailable = null, exportCsv }: CsvExportButtonProps) {
  const { t } = useI18n();
  return (
    <ReasonedButton
      data-testid={testId}
      why={exporting ? t('sale.why.busy') : unavailable}
      onClick={async () => {
        const file = await exportCsv();
        if (file) saveTextFile(file.filename, file.csv, 'text/csv;charset=utf-8');
      }}
    >
      <Download /> {exporting ? t('common.loading') : t('history.export')}
    </ReasonedButton>
  );
}
