/** The frame every back-office screen shares: a titled panel, and forms whose submit runs one action. */
import type { FormHTMLAttributes, ReactNode } from 'react';

export function ScreenPanel({ id, title, children }: { id: string; title: ReactNode; children: ReactNode }) {
  return (
    <section className="panel" aria-labelledby={id}>
      <h1 id={id}>{title}</h1>
      {children}
    </section>
  );
}

export interface ActionFormProps extends Omit<FormHTMLAttributes<HTMLFormElement>, 'onSubmit'> {
  /** Runs on Enter or the submit button; the page never reloads. */
  onSubmit(): void;
}

export function ActionForm({ onSubmit, children, ...form }: ActionFormProps) {
  return (
    <form
      {...form}
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      {children}
    </form>
  );
}
