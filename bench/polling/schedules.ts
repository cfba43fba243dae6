/**
 * The poll schedules compared by bench/polling: ours (the defaults in core/domain/poll-policy.ts)
 * and the providers' published ones (docs/protocols.md), each as a PollPolicy whose queryDelaysMs
 * encodes it, every other field the provider's default.
 */
import { DEFAULT_POLL_POLICIES, type PollPolicy, scheduleSpanMs } from '../../core/domain/poll-policy.ts';

export interface ComparedSchedule {
  readonly kind: 'ours' | 'official';
  readonly name: string;
  readonly policy: PollPolicy;
  /** The smallest gap the provider tolerates between queries (PAYJS blacklists faster callers). */
  readonly minGapMs: number;
}

const repeat = (count: number, ms: number): readonly number[] => Array.from({ length: count }, () => ms);

export const SCHEDULE_NAMES = {
  oursWxAli: 'ours (wxpay/alipay)',
  oursPayjs: 'ours (payjs, ≥ 3 s apart)',
  wechat10: 'WeChat 10 s up to 30 s',
  wechat5: 'WeChat 5 s up to 30 s',
  alipay3: 'Alipay 3 s up to 60 s',
  alipayDemo: 'Alipay demo 5 × 5 s',
  wechatDemo: 'WeChat PHP demo 10 × 2 s',
} as const;

export function comparedSchedules(): readonly ComparedSchedule[] {
  const wx = DEFAULT_POLL_POLICIES.wxpay;
  const ali = DEFAULT_POLL_POLICIES.alipay;
  return [
    { kind: 'ours', name: SCHEDULE_NAMES.oursWxAli, policy: wx, minGapMs: 0 },
    { kind: 'ours', name: SCHEDULE_NAMES.oursPayjs, policy: DEFAULT_POLL_POLICIES.payjs, minGapMs: 3000 },
    {
      kind: 'official',
      name: SCHEDULE_NAMES.wechat10,
      policy: { ...wx, queryDelaysMs: repeat(3, 10_000) },
      minGapMs: 0,
    },
    {
      kind: 'official',
      name: SCHEDULE_NAMES.wechat5,
      policy: { ...wx, queryDelaysMs: repeat(6, 5000) },
      minGapMs: 0,
    },
    {
      kind: 'official',
      name: SCHEDULE_NAMES.alipay3,
      policy: { ...ali, queryDelaysMs: repeat(20, 3000) },
      minGapMs: 0,
    },
    {
      kind: 'official',
      name: SCHEDULE_NAMES.alipayDemo,
      policy: { ...ali, queryDelaysMs: repeat(5, 5000) },
      minGapMs: 0,
    },
    // Not named in the issue, but official too (docs/protocols.md): the densest published schedule.
    {
      kind: 'official',
      name: SCHEDULE_NAMES.wechatDemo,
      policy: { ...wx, queryDelaysMs: repeat(10, 2000) },
      minGapMs: 0,
    },
  ];
}

/** The official schedule that waits longest before reversing (ties: the first listed). */
export function mostPatientOfficial(schedules: readonly ComparedSchedule[]): ComparedSchedule {
  const official = schedules.filter((s) => s.kind === 'official');
  const first = official[0];
  if (!first) throw new Error('no official schedule to compare with');
  return official.reduce(
    (best, s) => (scheduleSpanMs(s.policy) > scheduleSpanMs(best.policy) ? s : best),
    first,
  );
}
