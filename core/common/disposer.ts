/** What every subscription returns (events, scanners, timers): call it to unsubscribe. */
export type Disposer = () => void;
