/**
 * The five SSM Parameter Store SecureStrings a deployment reads its secrets from (named in
 * src/adapters/secrets/setting-parameters.ts), imported by name: CloudFormation cannot create a
 * SecureString, so the operator puts each one with the AWS CLI (docs/DEPLOY.md), and no value
 * ever passes through a template. Deleting the stacks leaves them in place.
 *
 * Why SSM and not Secrets Manager: standard parameters cost nothing (Secrets Manager is $0.40 a
 * secret a month, most of this stack's budget), and one parameter per reader lets IAM give each
 * function exactly the values it uses.
 *
 * @example
 *   const parameters = new ProjectParameters(this, "Parameters", { prefix: "/live-likes" });
 *   collect.bindParameter(parameters.qiitaAccounts);
 */
import { type IStringParameter, StringParameter } from "aws-cdk-lib/aws-ssm";
import { Construct } from "constructs";
import { parameterName, settingParameters, type SettingParameter } from "#adapters/secrets/setting-parameters.ts";

/** A parameter together with the definition it was named from (its env var, its description). */
export interface ProjectParameter {
  readonly definition: SettingParameter;
  readonly parameter: IStringParameter;
}

export class ProjectParameters extends Construct {
  readonly tokenSecret: ProjectParameter;
  readonly lineChannelToken: ProjectParameter;
  readonly lineRecipients: ProjectParameter;
  readonly qiitaAccounts: ProjectParameter;
  readonly githubToken: ProjectParameter;

  constructor(scope: Construct, id: string, props: { readonly prefix: string }) {
    super(scope, id);
    const imported = (name: string, definition: SettingParameter): ProjectParameter => ({
      definition,
      parameter: StringParameter.fromSecureStringParameterAttributes(this, name, {
        parameterName: parameterName(definition, props.prefix),
      }),
    });
    this.tokenSecret = imported("TokenSecret", settingParameters.tokenSecret);
    this.lineChannelToken = imported("LineChannelToken", settingParameters.lineChannelToken);
    this.lineRecipients = imported("LineRecipients", settingParameters.lineRecipients);
    this.qiitaAccounts = imported("QiitaAccounts", settingParameters.qiitaAccounts);
    this.githubToken = imported("GitHubToken", settingParameters.githubToken);
  }

  get all(): readonly ProjectParameter[] {
    return [this.tokenSecret, this.lineChannelToken, this.lineRecipients, this.qiitaAccounts, this.githubToken];
  }
}
