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

export const notFound = (name: string): HerderError => new HerderError(404, 'CONNECTD_ERR_CONNECTOR_NOT_FOUND', `Connector ${name} not found`);
export const taskNotFound = (name: string, task: number): HerderError =>
  new HerderError(404, 'CONNECTD_ERR_TASK_NOT_FOUND', `Task ${name}-${task} not found`);
export const alreadyExists = (name: string): HerderError => new HerderError(409, 'CONNECTD_ERR_CONNECTOR_EXISTS', `Connector ${name} already exists`);
