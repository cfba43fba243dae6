/**
 * A button that explains itself when disabled: the reason is its tooltip (title, also read by screen
 * readers) and a visible line under it, so a cashier never faces a grey button with no word.
 */
import type { ButtonHTMLAttributes, ReactNode, Ref } from 'react';

export interface ReasonedButtonProps
  extends Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'disabled' | 'title'> {
  /** Why the button cannot be used now; null when it can. */
  readonly why: string | null;
  readonly children: ReactNode;
  readonly 'data-testid'?: string;
  /** The visible reason's test id. */
  readonly reasonTestId?: string;
  readonly ref?: Ref<HTMLButtonElement>;
}

export function ReasonedButton({ why, reasonTestId, className, children, ...button }: ReasonedButtonProps) {
  return (
    <span className="btn-with-reason">
      <button
        type="button"
        {...button}
        className={className ?? 'btn'}
        disabled={why !== null}
        title={why ?? undefined}
      >
        {children}
      </button>
      {why !== null && (
        <small className="muted disabled-reason" data-testid={reasonTestId}>
          {why}
        </small>
      )}
    </span>
  );
}
