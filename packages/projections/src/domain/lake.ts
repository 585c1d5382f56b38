import type { DomainEnvelope } from '@strata/events';

/**
 * One data-lake row per event. STORAGE FORMAT (Parquet columns, Athena/Redshift table definition):
 * columns may be added, never renamed. `type` and `dt` are not columns of the file: they are the
 * Hive partition keys of its path (`events/type=<Type>/dt=YYYY-MM-DD/…`), as Firehose writes them.
 */
export interface LakeRow {
  readonly event_id: string;
  readonly stream_id: string;
  readonly stream_version: number;
  readonly schema_version: number;
  readonly occurred_at: string;
  readonly actor_kind: string;
  readonly actor_id: string;
  readonly actor_roles: string;
  readonly causation_id: string;
  readonly correlation_id: string;
  readonly command_id: string;
  readonly prev_hash: string;
  readonly hash: string;
  /** The payload upcast to the current schema version, as JSON text. */
  readonly payload: string;
}

export interface LakePartition {
  readonly type: string;
  /** UTC day of `occurredAt`, YYYY-MM-DD. */
  readonly dt: string;
}

export const lakePartition = (e: DomainEnvelope): LakePartition => ({ type: e.type, dt: e.occurredAt.slice(0, 10) });

export const partitionPath = (p: LakePartition): string => `events/type=${p.type}/dt=${p.dt}`;

export const toLakeRow = (e: DomainEnvelope): LakeRow => ({
  event_id: e.eventId,
  stream_id: e.streamId,
  stream_version: e.streamVersion,
  schema_version: e.schemaVersion,
  occurred_at: e.occurredAt,
  actor_kind: e.actor.kind,
  actor_id: e.actor.id,
  actor_roles: e.actor.kind === 'user' ? e.actor.roles.join(',') : '',
  causation_id: e.causationId,
  correlation_id: e.correlationId,
  command_id: e.commandId,
  prev_hash: e.prevHash,
  hash: e.hash,
  payload: JSON.stringify(e.data),
});
