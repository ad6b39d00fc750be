/**
 * The bucket of bodies too large for a frame (issue 10): never public, TLS only, objects expiring
 * by prefix, and the least each function needs: the publish function puts, the functions that
 * build frames read (to presign), nobody lists or deletes, and no other function touches it.
 */
import { Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { actionsOf, logicalId, type Statement, statementsOfFunction, testApp } from "./test-app.ts";

describe("the bodies bucket", () => {
  let stateful: Template;
  let stateless: Template;
  let bucketId: string;
  let functionIds: Record<string, string>;

  beforeAll(() => {
    const app = testApp();
    stateful = Template.fromStack(app.stateful);
    stateless = Template.fromStack(app.stateless);
    bucketId = logicalId(app.stateful.bodies);
    functionIds = Object.fromEntries(Object.entries(app.stateless.functions).map(([name, fn]) => [name, logicalId(fn)]));
  });

  it("blocks public access, encrypts, owns its objects and expires them: bodies after 7 days, scheduled ones after 373", () => {
    // Act
    const { Properties, DeletionPolicy } = stateful.toJSON().Resources[bucketId];

    // Assess
    expect(Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe("AES256");
    expect(Properties.OwnershipControls.Rules).toEqual([{ ObjectOwnership: "BucketOwnerEnforced" }]);
    expect(Properties.LifecycleConfiguration.Rules).toEqual([
      { Id: "expire-bodies", Prefix: "bodies/", ExpirationInDays: 7, Status: "Enabled" },
      { Id: "expire-scheduled-bodies", Prefix: "scheduled-bodies/", ExpirationInDays: 373, Status: "Enabled" },
      { Id: "abort-incomplete-uploads", AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: "Enabled" },
    ]);
    expect(DeletionPolicy).toBe("Retain");
  });

  it("exports its ARN and name under the names the stateless stack imports", () => {
    // Act
    const outputs = stateful.toJSON().Outputs;

    // Assess
    expect(outputs.BodiesBucketArn).toMatchObject({
      Value: { "Fn::GetAtt": [bucketId, "Arn"] },
      Export: { Name: "LiveLikesStateful-BodiesBucketArn" },
    });
    expect(outputs.BodiesBucketName).toMatchObject({ Value: { Ref: bucketId }, Export: { Name: "LiveLikesStateful-BodiesBucketName" } });
  });

  it("refuses every request that is not over TLS", () => {
    // Act
    const policy = Object.values(stateful.findResources("AWS::S3::BucketPolicy")).find(
      (resource) => resource.Properties.Bucket.Ref === bucketId,
    );

    // Assess
    expect(policy?.Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({
        Effect: "Deny",
        Action: "s3:*",
        Principal: { AWS: "*" },
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      }),
    );
  });

  it("lets the publish function put and the frame builders read, on the body prefixes only, and names the bucket in BODIES_BUCKET", () => {
    // Prepare
    const expected: Record<string, string[]> = {
      publish: ["s3:PutObject"],
      stream: ["s3:GetObject"],
      default: ["s3:GetObject"],
      groupPart: ["s3:GetObject"],
    };
    const onBodies = (statement: Statement) => JSON.stringify(statement.Resource).includes("BodiesBucketArn");

    for (const [name, id] of Object.entries(functionIds)) {
      // Act
      const statements = statementsOfFunction(stateless, id as string).filter(onBodies);
      const environment = stateless.toJSON().Resources[id as string].Properties.Environment.Variables;

      // Assess
      expect(statements.flatMap(actionsOf), name).toEqual(expected[name] ?? []);
      for (const statement of statements) {
        const resources = (statement.Resource as unknown[]).map((resource) => JSON.stringify(resource));
        expect(resources, name).toEqual([
          JSON.stringify({ "Fn::Join": ["", [{ "Fn::ImportValue": "LiveLikesStateful-BodiesBucketArn" }, "/bodies/*"]] }),
          JSON.stringify({ "Fn::Join": ["", [{ "Fn::ImportValue": "LiveLikesStateful-BodiesBucketArn" }, "/scheduled-bodies/*"]] }),
        ]);
      }
      if (expected[name]) expect(environment.BODIES_BUCKET, name).toEqual({ "Fn::ImportValue": "LiveLikesStateful-BodiesBucketName" });
      else expect(environment.BODIES_BUCKET, name).toBeUndefined();
    }
  });
});
