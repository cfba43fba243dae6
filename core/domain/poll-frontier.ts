/**
 * The best poll schedule for a set of customers: the smallest mean detection delay within a budget
 * of queries per payment, and a lower bound no schedule can beat. Used by bench/polling (to tell "our
 * schedule misses the target" from "no schedule can meet it") and by ./poll-learning.ts (a terminal
 * re-solves its schedule for its own customers).
 *
 * Method (hand-written: a 40-line dynamic program, no library fits): query times live on a grid of
 * `stepMs`, the last query at `spanMs`. A query at b after one at a costs μ·P(T > a) (it is sent
 * only if the customer was not yet paid; never-confirming customers count as T = ∞, and so do
 * customers confirming after the span, whom no query of the schedule sees paid) plus the waiting of
 * the customers with T in (a, b], who are seen paid at b. Minimising mean delay + μ · queries is then
 * a shortest path over the grid. For every μ and every schedule S, D(S) + μ·Q(S) ≥ L(μ), so a
 * schedule with Q(S) ≤ budget has D(S) ≥ L(μ) − μ·budget: the best of these over μ is a lower bound.
 * Any schedule rounded up to the grid waits < stepMs longer and sends no more queries, so the bound
 * over all schedules is the grid bound minus stepMs.
 * Query counts here leave out the query that confirms a reversal (one per customer not seen paid,
 * the same for every schedule of the span). Times are when a query reaches the provider.
 */

export interface FrontierOptions {
  /** The last query's time (the schedule's span); a multiple of stepMs. */
  readonly spanMs: number;
  readonly stepMs?: number;
  /** Smallest gap between queries, and before the first one (PAYJS: 3000). */
  readonly minGapMs?: number;
}

export interface FrontierPoint {
  readonly queryDelaysMs: readonly number[];
  /** Over the customers seen paid within the span. */
  readonly meanDelayMs: number;
  /** Polling queries per customer (without the query confirming a reversal). */
  readonly queriesPerPayment: number;
}

interface Grid {
  readonly cells: number;
  readonly step: number;
  readonly minGap: number;
  readonly total: number;
  readonly confirming: number;
  /** Prefix counts and sums of T (ms) of customers confirming within the span, by grid cell. */
  readonly count: Float64Array;
  readonly sum: Float64Array;
}

function grid(customers: readonly number[], options: FrontierOptions): Grid {
  const step = options.stepMs ?? 50;
  if (!(step > 0) || options.spanMs % step !== 0) throw new RangeError('spanMs must be a multiple of stepMs');
  const cells = options.spanMs / step;
  const count = new Float64Array(cells + 1);
  const sum = new Float64Array(cells + 1);
  let confirming = 0;
  for (const t of customers) {
    if (!(t <= options.spanMs)) continue; // never, or after the last query: not seen paid
    confirming++;
    const cell = Math.max(1, Math.ceil(t / step));
    count[cell]! += 1;
    sum[cell]! += t;
  }
  if (confirming === 0) throw new RangeError('no customer confirms within the span');
  for (let k = 1; k <= cells; k++) {
    count[k]! += count[k - 1]!;
    sum[k]! += sum[k - 1]!;
  }
  const minGap = Math.max(1, Math.ceil((options.minGapMs ?? 0) / step));
  return { cells, step, minGap, total: customers.length, confirming, count, sum };
}

/** Mean delay and polling queries of a schedule given as query times on the grid's cells. */
function figures(g: Grid, cellsUsed: readonly number[]): FrontierPoint {
  let delay = 0;
  let queries = 0;
  let last = 0;
  for (const b of cellsUsed) {
    queries += (g.total - g.count[last]!) / g.total;
    delay += (g.count[b]! - g.count[last]!) * b * g.step - (g.sum[b]! - g.sum[last]!);
    last = b;
  }
  return {
    queryDelaysMs: cellsUsed.map((b, i) => (b - (i ? cellsUsed[i - 1]! : 0)) * g.step),
    meanDelayMs: delay / g.confirming,
    queriesPerPayment: queries,
  };
}

/** The schedule minimising mean delay + μ · queries, with its figures. */
function solve(g: Grid, mu: number): FrontierPoint {
  const best = new Float64Array(g.cells + 1).fill(Number.POSITIVE_INFINITY);
  const prev = new Int32Array(g.cells + 1).fill(-1);
  best[0] = 0;
  for (let b = 1; b <= g.cells; b++) {
    for (let a = 0; a <= b - g.minGap; a++) {
      const from = best[a]!;
      if (from === Number.POSITIVE_INFINITY) continue;
      const seen = g.count[b]! - g.count[a]!;
      const waited = seen * b * g.step - (g.sum[b]! - g.sum[a]!);
      const cost = from + (mu * (g.total - g.count[a]!)) / g.total + waited / g.confirming;
      if (cost < best[b]!) {
        best[b] = cost;
        prev[b] = a;
      }
    }
  }
  const cellsUsed: number[] = [];
  for (let b = g.cells; b > 0; b = prev[b]!) cellsUsed.unshift(b);
  return figures(g, cellsUsed);
}

export interface Frontier {
  /** The best schedule found within the budget (a real schedule: simulate it to check). */
  readonly best: FrontierPoint;
  /** No schedule of this span with at most `budget` polling queries per payment waits less on average. */
  readonly lowerBoundMeanDelayMs: number;
}

/** Bisects μ (bounded: 40 rounds) for the cheapest-delay schedule within `queryBudget` queries. */
export function frontierWithin(
  customers: readonly number[],
  queryBudget: number,
  options: FrontierOptions,
): Frontier {
  const g = grid(customers, options);
  let low = 0;
  let high = 1_000_000;
  let best = solve(g, high);
  if (best.queriesPerPayment > queryBudget) throw new RangeError('no schedule of this span fits the budget');
  let bound = best.meanDelayMs + high * (best.queriesPerPayment - queryBudget);
  for (let round = 0; round < 40; round++) {
    const mu = (low + high) / 2;
    const point = solve(g, mu);
    bound = Math.max(bound, point.meanDelayMs + mu * (point.queriesPerPayment - queryBudget));
    if (point.queriesPerPayment <= queryBudget) {
      high = mu;
      if (point.meanDelayMs < best.meanDelayMs) best = point;
    } else {
      low = mu;
    }
  }
  return { best, lowerBoundMeanDelayMs: Math.max(0, bound - g.step) };
}

/**
 * The figures the frontier's model gives a schedule (its delays rounded up to the grid): the same
 * customers and costs, so a learned schedule and the one it replaces are compared like for like.
 */
export function scheduleFigures(
  customers: readonly number[],
  queryDelaysMs: readonly number[],
  options: FrontierOptions,
): FrontierPoint {
  const g = grid(customers, options);
  const cellsUsed: number[] = [];
  let at = 0;
  for (const delay of queryDelaysMs) {
    at += delay;
    const cell = Math.min(g.cells, Math.ceil(at / g.step));
    if (cellsUsed.at(-1) !== cell) cellsUsed.push(cell);
  }
  if (cellsUsed.at(-1) !== g.cells) cellsUsed.push(g.cells);
  return figures(g, cellsUsed);
}
