/** The store hub on the status bar: "hub: n changes waiting" and, when forwarding fails, why (issue 19). */
import type { HubProblem } from '../../../core/common/contract/views.ts';
import { useI18n } from '../i18n/use-i18n.ts';
import { useApp } from '../state/stores-context.tsx';

const PROBLEM_KEY: Readonly<Record<HubProblem, `status.hub.problem.${HubProblem}`>> = {
  unreachable: 'status.hub.problem.unreachable',
  timeout: 'status.hub.problem.timeout',
  hub_unavailable: 'status.hub.problem.hub_unavailable',
  token_refused: 'status.hub.problem.token_refused',
  batch_refused: 'status.hub.problem.batch_refused',
  bad_answer: 'status.hub.problem.bad_answer',
  outbox_unreadable: 'status.hub.problem.outbox_unreadable',
};

export function HubPill() {
  const { t } = useI18n();
  const hub = useApp('connection', (s) => s.health?.hub ?? null);
  if (!hub) return null;
  return (
    <span
      className={`pill ${hub.problem ? 'state-error' : 'state-connected'}`}
      data-testid="hub-status"
      title={hub.problem ? t(PROBLEM_KEY[hub.problem]) : ''}
    >
      {hub.problem ? '⚠' : '●'} {t('status.hub')}:{' '}
      {hub.waiting > 0 ? t('status.hub.waiting', { count: hub.waiting }) : t('status.hub.synced')}
    </span>
  );
}
