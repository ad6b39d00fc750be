import { describe, expect, it } from "vitest";
import { createDeployedSettings, SettingError, type ParameterSource } from "#adapters/secrets/deployed-settings.ts";
import { parameterName, settingParameters } from "#adapters/secrets/setting-parameters.ts";

const env = Object.fromEntries(Object.values(settingParameters).map((parameter) => [parameter.envVar, parameterName(parameter)]));

/** A parameter store of plain values; names not in `values` do not exist. */
function storeOf(values: Record<string, string>): { source: ParameterSource; asked: string[] } {
  const asked: string[] = [];
  const source: ParameterSource = async (name) => {
    asked.push(name);
    return values[name];
  };
  return { source, asked };
}

describe("createDeployedSettings", () => {
  describe("readTokenSecret", () => {
    it("returns a key of 32 characters or more from the parameter named by TOKEN_SECRET_PARAMETER", async () => {
      // Prepare
      const key = "k".repeat(32);
      const { source, asked } = storeOf({ "/live-likes/token-secret": key });

      // Act
      const secret = await createDeployedSettings(source, env).readTokenSecret();

      // Assess
      expect(secret).toBe(key);
      expect(asked).toEqual(["/live-likes/token-secret"]);
    });

    it("refuses a missing or short key with a line saying how to put one", async () => {
      // Prepare
      const short = createDeployedSettings(storeOf({ "/live-likes/token-secret": "k".repeat(31) }).source, env);
      const missing = createDeployedSettings(storeOf({}).source, env);

      // Act / Assess
      await expect(short.readTokenSecret()).rejects.toThrow(/shorter than 32 characters.*put-parameter --type SecureString/);
      await expect(missing.readTokenSecret()).rejects.toThrow(SettingError);
    });
  });

  describe("readAccounts", () => {
    it("parses the Qiita accounts and drops anything beyond userId and qiitaToken", async () => {
      // Prepare
      const { source } = storeOf({
        "/live-likes/qiita-accounts": JSON.stringify([{ userId: "alice", qiitaToken: "q1", lineTo: "Uold" }]),
      });

      // Act
      const accounts = await createDeployedSettings(source, env).readAccounts();

      // Assess
      expect(accounts).toEqual([{ userId: "alice", qiitaToken: "q1" }]);
    });

    it("is empty until the operator puts the parameter", async () => {
      expect(await createDeployedSettings(storeOf({}).source, env).readAccounts()).toEqual([]);
    });

    it("names the parameter and the field, never the token, when an entry is wrong", async () => {
      // Prepare
      const { source } = storeOf({ "/live-likes/qiita-accounts": JSON.stringify([{ userId: "alice", qiitaToken: "" }]) });

      // Act
      const read = createDeployedSettings(source, env).readAccounts();

      // Assess
      await expect(read).rejects.toThrow(/\/live-likes\/qiita-accounts.*0\.qiitaToken/);
    });

    it("says the value is not JSON", async () => {
      const { source } = storeOf({ "/live-likes/qiita-accounts": "alice:q1" });
      await expect(createDeployedSettings(source, env).readAccounts()).rejects.toThrow(/is not JSON/);
    });
  });

  describe("the stream function's settings", () => {
    it("reads the LINE token and recipients without ever asking for the Qiita accounts", async () => {
      // Prepare
      const { source, asked } = storeOf({
        "/live-likes/line-channel-token": "line-token",
        "/live-likes/line-recipients": JSON.stringify({ alice: "U0123", bob: "C0456" }),
        "/live-likes/qiita-accounts": JSON.stringify([{ userId: "alice", qiitaToken: "q1" }]),
      });
      // The stream function's environment: no QIITA_ACCOUNTS_PARAMETER.
      const streamEnv = {
        LINE_CHANNEL_TOKEN_PARAMETER: "/live-likes/line-channel-token",
        LINE_RECIPIENTS_PARAMETER: "/live-likes/line-recipients",
      };
      const settings = createDeployedSettings(source, streamEnv);

      // Act
      const [token, recipients] = await Promise.all([settings.readLineChannelToken(), settings.readLineRecipients()]);

      // Assess
      expect(token).toBe("line-token");
      expect([...recipients]).toEqual([
        ["alice", "U0123"],
        ["bob", "C0456"],
      ]);
      expect(asked).not.toContain("/live-likes/qiita-accounts");
      await expect(settings.readAccounts()).rejects.toThrow(/QIITA_ACCOUNTS_PARAMETER is not set/);
    });

    it("reads no LINE as undefined and no recipients as an empty map", async () => {
      // Prepare
      const settings = createDeployedSettings(storeOf({ "/live-likes/line-channel-token": " " }).source, env);

      // Act / Assess
      expect(await settings.readLineChannelToken()).toBeUndefined();
      expect((await settings.readLineRecipients()).size).toBe(0);
    });

    it("refuses recipients that are not an object of strings", async () => {
      const { source } = storeOf({ "/live-likes/line-recipients": JSON.stringify([{ userId: "alice", lineTo: "U1" }]) });
      await expect(createDeployedSettings(source, env).readLineRecipients()).rejects.toThrow(SettingError);
    });
  });
});

describe("ssmParameterSource", () => {
  it("asks SSM for the decrypted value and reads a missing parameter as undefined", async () => {
    // Prepare
    const { mockClient } = await import("aws-sdk-client-mock");
    const { GetParameterCommand, ParameterNotFound, SSMClient } = await import("@aws-sdk/client-ssm");
    const { ssmParameterSource } = await import("#adapters/secrets/deployed-settings.ts");
    const ssm = mockClient(SSMClient);
    ssm.on(GetParameterCommand, { Name: "/t/present" }).resolves({ Parameter: { Name: "/t/present", Value: "v" } });
    ssm.on(GetParameterCommand, { Name: "/t/absent" }).rejects(new ParameterNotFound({ message: "not found", $metadata: {} }));

    // Act
    const present = await ssmParameterSource("/t/present");
    const absent = await ssmParameterSource("/t/absent");

    // Assess
    expect(present).toBe("v");
    expect(absent).toBeUndefined();
    expect(ssm.commandCalls(GetParameterCommand)[0]!.args[0].input).toMatchObject({ Name: "/t/present", WithDecryption: true });
    ssm.restore();
  });
});
