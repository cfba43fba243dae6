/**
 * The frontier moved to core/domain/poll-frontier.ts, where a terminal also uses it to learn its
 * own schedule (core/domain/poll-learning.ts); the bench keeps importing it from here.
 */
export {
  type Frontier,
  type FrontierOptions,
  type FrontierPoint,
  frontierWithin,
  scheduleFigures,
} from '../../core/domain/poll-frontier.ts';
