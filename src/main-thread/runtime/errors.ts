/**
 * Errors the Herder reports to its callers (REST maps `statusCode` to the HTTP status and the body
 * `{"error_code": statusCode, "message": …}`, as Kafka Connect's ConnectExceptionMapper does).
 */
export class HerderError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HerderError';
  }
}

export const notFound = (name: string): HerderError =>
  new HerderError(404, 'CONNECTD_ERR_CONNECTOR_NOT_FOUND', `Connector ${name} not found`);
export const taskNotFound = (name: string, task: number): HerderError =>
  new HerderError(404, 'CONNECTD_ERR_TASK_NOT_FOUND', `Task ${name}-${task} not found`);
export const alreadyExists = (name: string): HerderError =>
  new HerderError(409, 'CONNECTD_ERR_CONNECTOR_EXISTS', `Connector ${name} already exists`);

/**
 * The request must run on another worker of the cluster (the one that runs the connector or task):
 * the REST layer forwards it there once, as Kafka Connect's RestClient does.
 */
export class ForwardRequest extends HerderError {
  constructor(
    readonly url: string,
    what: string,
  ) {
    super(409, 'CONNECTD_ERR_NOT_OWNER', `${what} runs on the worker at ${url}`);
    this.name = 'ForwardRequest';
  }
}

/** Kafka Connect's answer when the owner of a connector or task is not known (a rebalance is under way). */
export const rebalanceUnderway = (): HerderError =>
  new HerderError(
    409,
    'CONNECTD_ERR_REBALANCE',
    'Cannot complete request momentarily due to no known leader URL, likely because a rebalance was underway.',
  );
