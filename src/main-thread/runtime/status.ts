/** Connector and task states, with Kafka Connect's names (AbstractStatus.State). */
export type State = 'UNASSIGNED' | 'RUNNING' | 'PAUSED' | 'STOPPED' | 'FAILED' | 'RESTARTING';

export interface ConnectorTaskId {
  readonly connector: string;
  readonly task: number;
}

export interface StatusSnapshot {
  readonly state: State;
  readonly workerId: string;
  /** The error's stack (or message) when FAILED, as Kafka Connect's `trace`. */
  readonly trace?: string;
}
