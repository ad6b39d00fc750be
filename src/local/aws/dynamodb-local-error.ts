/**
 * DynamoDB Local could not be started or its key could not be read. The message is one line that
 * says what to do; `details` holds what the jar printed, when there is any.
 */
export class DynamoDbLocalError extends Error {
  constructor(
    message: string,
    readonly details?: string,
  ) {
    super(message);
    this.name = "DynamoDbLocalError";
  }
}
