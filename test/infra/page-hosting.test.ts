import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { Match, Template } from "aws-cdk-lib/assertions";
import { contentSecurityPolicy } from "../../infra/page-hosting.ts";
import type { StatelessStack } from "../../infra/stateless-stack.ts";
import { logicalId, testApp } from "./test-app.ts";

describe("PageHosting", () => {
  let stack: StatelessStack;
  let template: Template;
  let resources: Record<string, any>;

  beforeAll(() => {
    ({ stateless: stack } = testApp());
    template = Template.fromStack(stack);
    resources = template.toJSON().Resources;
  });

  it("keeps the page bucket private: public access blocked, encrypted, TLS only", () => {
    // Prepare
    const bucketId = logicalId(stack.page.bucket);

    // Act
    const bucket = resources[bucketId];

    // Assess
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }] },
      OwnershipControls: { Rules: [{ ObjectOwnership: "BucketOwnerEnforced" }] },
    });
    template.hasResourceProperties("AWS::S3::BucketPolicy", {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: "Deny", Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
        ]),
      },
    });
  });

  it("serves it through CloudFront with origin access control: only this distribution may read the bucket", () => {
    // Prepare
    const bucketId = logicalId(stack.page.bucket);
    const distributionId = logicalId(stack.page.distribution);

    // Act
    const distribution = resources[distributionId].Properties.DistributionConfig;
    const oac = Object.values(template.findResources("AWS::CloudFront::OriginAccessControl"))[0]!;

    // Assess
    expect(oac.Properties.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: "s3",
      SigningBehavior: "always",
      SigningProtocol: "sigv4",
    });
    expect(distribution.Origins).toHaveLength(1);
    expect(distribution.Origins[0]).toMatchObject({
      DomainName: { "Fn::GetAtt": [bucketId, "RegionalDomainName"] },
      OriginAccessControlId: { "Fn::GetAtt": [expect.any(String), "Id"] },
      S3OriginConfig: { OriginAccessIdentity: "" },
    });
    expect(distribution).toMatchObject({
      DefaultRootObject: "index.html",
      DefaultCacheBehavior: { ViewerProtocolPolicy: "redirect-to-https" },
    });
    template.hasResourceProperties("AWS::S3::BucketPolicy", {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: "Allow",
            Action: "s3:GetObject",
            Principal: { Service: "cloudfront.amazonaws.com" },
            Condition: {
              StringEquals: {
                "AWS:SourceArn": Match.objectLike({ "Fn::Join": Match.arrayWith([Match.arrayWith([{ Ref: distributionId }])]) }),
              },
            },
          }),
        ]),
      },
    });
  });

  it("sets the security headers at CloudFront: CSP with connect-src 'self', the deployed API and the hot-poll URL only, no framing, no referrer", () => {
    // Prepare
    const apiId = logicalId(stack.webSocket.api);
    const urlId = logicalId(stack.hotPollUrl);

    // Act
    const policy = resources[logicalId(stack.page.headers)].Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    const distribution = resources[logicalId(stack.page.distribution)].Properties.DistributionConfig;

    // Assess
    expect(distribution.DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual({ Ref: logicalId(stack.page.headers) });
    expect(policy.ContentSecurityPolicy.Override).toBe(true);
    expect(policy.ContentSecurityPolicy.ContentSecurityPolicy).toEqual({
      "Fn::Join": [
        "",
        [
          expect.stringMatching(/^default-src 'self'; .*connect-src 'self' $/),
          { "Fn::GetAtt": [apiId, "ApiEndpoint"] },
          " https://",
          // The function URL's host: https://<host>/ split at "/" is ["https:", "", "<host>", ""].
          { "Fn::Select": [2, { "Fn::Split": ["/", { "Fn::GetAtt": [urlId, "FunctionUrl"] }] }] },
          expect.stringMatching(/^; frame-ancestors 'none'/),
        ],
      ],
    });
    expect(policy.ReferrerPolicy).toEqual({ ReferrerPolicy: "no-referrer", Override: true });
    expect(policy.FrameOptions).toEqual({ FrameOption: "DENY", Override: true });
    expect(policy.ContentTypeOptions).toEqual({ Override: true });
  });

  it("writes a CSP that names no other endpoint and allows no inline script", () => {
    // Act
    const csp = contentSecurityPolicy("wss://abc.execute-api.us-east-1.amazonaws.com", "https://xyz.lambda-url.us-east-1.on.aws");

    // Assess
    expect(csp.split("; ")).toEqual(
      expect.arrayContaining([
        "default-src 'self'",
        "script-src 'self'",
        "connect-src 'self' wss://abc.execute-api.us-east-1.amazonaws.com https://xyz.lambda-url.us-east-1.on.aws",
        "frame-ancestors 'none'",
        "object-src 'none'",
      ]),
    );
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*|ws:|wss: |https: /);
  });

  it('deploys web/ and a generated config.json {"websocketUrl": the stage\'s wss:// URL, "hotPollUrl": the function URL}, invalidating the cache', () => {
    // Prepare
    const { app, stateless } = testApp();
    const assembly = app.synth();
    const deployment = Object.values(Template.fromStack(stateless).findResources("Custom::CDKBucketDeployment"))[0]!.Properties;
    const [webKey, configKey] = deployment.SourceObjectKeys as string[];
    const staged = (key: string) => join(assembly.directory, `asset.${key.replace(/\.zip$/, "")}`);

    // Act
    const web = readdirSync(staged(webKey!)).sort();
    const config = JSON.parse(readFileSync(join(staged(configKey!), "config.json"), "utf8"));

    // Assess
    expect(web).toEqual(expect.arrayContaining(["index.html", "app.js"]));
    expect(web.some((file) => file.endsWith(".d.ts"))).toBe(false);
    // Deploy-time values are markers that the deployment replaces with the resolved tokens.
    expect(config).toEqual({
      websocketUrl: "wss://<<marker:0xbaba:0>>.execute-api.<<marker:0xbaba:1>>.<<marker:0xbaba:2>>/prod",
      hotPollUrl: "<<marker:0xbaba:3>>",
    });
    expect(deployment.SourceMarkers[1]).toEqual({
      "<<marker:0xbaba:0>>": { Ref: logicalId(stateless.webSocket.api) },
      "<<marker:0xbaba:1>>": { Ref: "AWS::Region" },
      "<<marker:0xbaba:2>>": { Ref: "AWS::URLSuffix" },
      "<<marker:0xbaba:3>>": { "Fn::GetAtt": [logicalId(stateless.hotPollUrl), "FunctionUrl"] },
    });
    expect(deployment).toMatchObject({
      DestinationBucketName: { Ref: logicalId(stateless.page.bucket) },
      DistributionPaths: ["/*"],
      RetainOnDelete: false,
    });
  });

  it("outputs the page URL", () => {
    const outputs = template.findOutputs("PageUrl");
    expect(outputs.PageUrl!.Value).toEqual({
      "Fn::Join": ["", ["https://", { "Fn::GetAtt": [logicalId(stack.page.distribution), "DomainName"] }, "/"]],
    });
  });
});
