import type { ReactNode } from 'react';

/** One labelled value inside a `<dl className="kvs">`: the order detail, refund and receipt summaries share it. */
export function KeyValue({ label, value, testId }: { label: ReactNode; value: ReactNode; testId?: string }) {
  return (
    <div className="kv">
      <dt>{label}</dt>
      <dd data-testid={testId}>{value}</dd>
    </div>
  );
}
