/** One status bar item: what it is (icon), its state (icon) and words, the words always in the tooltip. */
import { CircleCheck, CircleDashed, CircleX, type LucideIcon, TriangleExclamationPoint } from 'lucide-react';

/** How a state reads at a glance: fine, broken, not known yet, or needs a look. */
export type StatusTone = 'ok' | 'down' | 'unknown' | 'warn';

const TONE_ICON: Readonly<Record<StatusTone, LucideIcon>> = {
  ok: CircleCheck,
  down: CircleX,
  unknown: CircleDashed,
  warn: TriangleExclamationPoint,
};

export interface StatusPillProps {
  readonly tone: StatusTone;
  /** What the item is (omitted where its visible words already say it, e.g. a provider's name). */
  readonly icon?: LucideIcon;
  /** The state in words: the tooltip and the screen reader's text. */
  readonly label: string;
  /** Words that stay visible at every width (a provider's or cashier's name). */
  readonly name?: string;
  /** Extra words for the tooltip only (a provider's or SQLite's own message). */
  readonly detail?: string | null;
  readonly className: string;
  readonly testId?: string;
  readonly dataState?: string;
}

export function StatusPill(props: StatusPillProps) {
  const StateIcon = TONE_ICON[props.tone];
  const Icon = props.icon;
  return (
    <span
      className={`pill ${props.className}`}
      data-testid={props.testId}
      data-state={props.dataState}
      title={props.detail ? `${props.label} — ${props.detail}` : props.label}
    >
      {Icon && <Icon />}
      {props.name && <span aria-hidden="true">{props.name}</span>}
      <StateIcon />
      <span className="pill-text">{props.label}</span>
    </span>
  );
}
