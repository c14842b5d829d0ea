/** Connector and task states, with Kafka Connect's names (AbstractStatus.State). */
export type State = 'UNASSIGNED' | 'RUNNING' | 'PAUSED' | 'STOPPED' | 'FAILED' | 'RESTARTING';
