/**
 * GroupPartDispatcher on Lambda: one asynchronous invocation (`InvocationType: Event`) of the
 * GroupPart function per part. Lambda queues each and retries a failed one twice, then writes it
 * to the failure bucket; the deliveries ledger makes a repeated part post to nobody twice.
 * A part is at most 250 member ids and one message whose frame fits 32 KB: far below the 256 KB
 * an asynchronous invocation carries.
 *
 * @example
 *   const dispatcher = new LambdaGroupPartDispatcher({ functionName: process.env.GROUP_PART_FUNCTION! });
 *   await dispatcher.dispatch(splitGroup(publication));
 */
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import type { GroupPart } from "#domain/delivery/group-parts.ts";
import type { GroupPartDispatcher } from "#domain/ports.ts";

export class LambdaGroupPartDispatcher implements GroupPartDispatcher {
  private readonly functionName: string;
  private readonly client: LambdaClient;

  constructor(options: { functionName: string; client?: LambdaClient }) {
    this.functionName = options.functionName;
    this.client = options.client ?? new LambdaClient({});
  }

  async dispatch(parts: readonly GroupPart[]): Promise<void> {
    // Side by side: a rejected invoke rejects the whole, and the stream retries the record (a part
    // queued twice is delivered once, thanks to the ledger).
    await Promise.all(
      parts.map(async (part) => {
        const answer = await this.client.send(
          new InvokeCommand({ FunctionName: this.functionName, InvocationType: "Event", Payload: JSON.stringify(part) }),
        );
        if (answer.StatusCode !== 202) throw new Error(`Lambda answered ${answer.StatusCode} to queueing part ${part.part}, not 202`);
      }),
    );
  }
}
