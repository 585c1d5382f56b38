import type { ChangeFeed } from '@strata/events';
import type { ProjectionSink } from './sink.js';

export interface ProjectionLag {
  readonly projection: string;
  /** Events in the feed after the projection's checkpoint (at most `probeLimit`; `capped` when more). */
  readonly eventsBehind: number;
  readonly capped: boolean;
  /** Age of the oldest event not yet applied (0 when caught up). */
  readonly msBehind: number;
}

/**
 * Lag per projection: how far each sink's checkpoint is behind the head of the feed, in events and
 * in the age of its oldest unapplied event. For `GET /metrics` (`lagToPrometheus`) and `GET /ready`.
 */
export const measureLag = async (
  feed: ChangeFeed,
  sinks: readonly ProjectionSink[],
  options: { probeLimit?: number; now?: () => number } = {},
): Promise<ProjectionLag[]> => {
  const probeLimit = options.probeLimit ?? 10_000;
  const now = options.now ?? (() => Date.now());
  return Promise.all(
    sinks.map(async (sink) => {
      const page = await feed.readFeed(await sink.checkpoint(), probeLimit);
      const oldest = page.events[0];
      return {
        projection: sink.name,
        eventsBehind: page.events.length,
        capped: !page.caughtUp,
        msBehind: oldest === undefined ? 0 : Math.max(0, now() - Date.parse(oldest.occurredAt)),
      };
    }),
  );
};

/** Prometheus text exposition of the lag gauges. */
export const lagToPrometheus = (lags: readonly ProjectionLag[]): string => {
  const label = (p: string) => `{projection="${p.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"}`;
  return [
    '# HELP strata_projection_lag_events Change-feed events not yet applied by the projection.',
    '# TYPE strata_projection_lag_events gauge',
    ...lags.map((l) => `strata_projection_lag_events${label(l.projection)} ${l.eventsBehind}`),
    '# HELP strata_projection_lag_seconds Age of the oldest change-feed event not yet applied by the projection.',
    '# TYPE strata_projection_lag_seconds gauge',
    ...lags.map((l) => `strata_projection_lag_seconds${label(l.projection)} ${l.msBehind / 1000}`),
    '',
  ].join('\n');
};
