/**
 * Property tests explore a new random seed on every local run, which is how they find new
 * counterexamples. In CI they run on one fixed seed (FC_SEED overrides it), so a red CI is
 * reproducible and a seed nobody has seen cannot block a merge; a counterexample found locally
 * becomes a named test.
 */
import fc from 'fast-check';

const pinned = process.env.FC_SEED ?? (process.env.CI ? '20261123' : undefined);
if (pinned !== undefined) fc.configureGlobal({ seed: Number(pinned) });
