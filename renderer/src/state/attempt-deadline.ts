/**
 * When the countdown on the charging screen ends. The service's `deadline_at` is the truth; when it
 * does not send one, the end of the provider's poll schedule (from settings) is the best estimate of
 * when polling gives way to reversal. Display only: the service alone decides when to reverse.
 */
import type { AttemptView, SettingsView } from '../../../core/common/contract/views.ts';

export function attemptDeadline(
  attempt: AttemptView,
  schedules: SettingsView['poll_schedules'] | undefined,
): number | null {
  if (attempt.deadline_at !== null) return attempt.deadline_at;
  const schedule = schedules?.[attempt.provider];
  if (!schedule || attempt.mode !== 'micropay') return null;
  const total = schedule.query_delays_ms.reduce((sum, ms) => sum + ms, 0);
  return attempt.created_at + total;
}
