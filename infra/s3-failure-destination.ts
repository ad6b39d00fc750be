/**
 * An S3 on-failure destination for a stream event source that grants only what Lambda needs to
 * write there (s3:PutObject on the objects, s3:ListBucket on the bucket). aws-cdk-lib's
 * S3OnFailureDestination, which this mirrors, grants read, write AND delete on the whole bucket to
 * the function: more than a function that never reads its own failures should hold.
 *
 * Each object is one failed batch with the records themselves (keys, images, sequence numbers),
 * not only pointers as an SQS destination gets, so a failed like can be replayed after the
 * stream's 24 h retention.
 *
 * @example
 *   new DynamoEventSource(table, { onFailure: new S3FailureDestination(bucket), ... });
 */
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import type {
  DestinationConfig,
  DlqDestinationConfig,
  IDestination,
  IEventSourceDlq,
  IEventSourceMapping,
  IFunction,
} from "aws-cdk-lib/aws-lambda";
import type { IBucket } from "aws-cdk-lib/aws-s3";

export class S3FailureDestination implements IEventSourceDlq {
  constructor(private readonly bucket: IBucket) {}

  bind(_target: IEventSourceMapping, targetHandler: IFunction): DlqDestinationConfig {
    return { destination: grantFailureWrites(this.bucket, targetHandler) };
  }
}

/**
 * The same for an asynchronous invocation's failures (`configureAsyncInvoke({ onFailure })`):
 * aws-lambda-destinations' S3Destination grants read and write on the whole bucket.
 */
export class S3AsyncFailureDestination implements IDestination {
  constructor(private readonly bucket: IBucket) {}

  bind(_scope: unknown, fn: IFunction): DestinationConfig {
    return { destination: grantFailureWrites(this.bucket, fn) };
  }
}

function grantFailureWrites(bucket: IBucket, fn: IFunction): string {
  fn.addToRolePolicy(new PolicyStatement({ actions: ["s3:PutObject"], resources: [bucket.arnForObjects("*")] }));
  fn.addToRolePolicy(new PolicyStatement({ actions: ["s3:ListBucket"], resources: [bucket.bucketArn] }));
  return bucket.bucketArn;
}
