import { describe, expect, it } from "vitest";
import { createDeployedSettings, type ParameterSource } from "#adapters/secrets/deployed-settings.ts";
import { parameterName, settingParameters } from "#adapters/secrets/setting-parameters.ts";

const env = Object.fromEntries(Object.values(settingParameters).map((parameter) => [parameter.envVar, parameterName(parameter)]));
const settingsOf = (values: Record<string, string>) => createDeployedSettings((async (name) => values[name]) as ParameterSource, env);

describe("deployed settings: GitHub", () => {
  const accounts = JSON.stringify([
    { userId: "alice", qiitaToken: "q1", githubLogin: "Alice-GH" },
    { userId: "bob", githubLogin: "bob" },
    { userId: "carol", qiitaToken: "q3" },
  ]);

  it("maps each account's githubLogin (lower case) to its user", async () => {
    const logins = await settingsOf({ "/live-likes/qiita-accounts": accounts }).readGitHubLogins();

    expect([...logins]).toEqual([
      ["alice-gh", "alice"],
      ["bob", "bob"],
    ]);
  });

  it("keeps readAccounts to the Qiita accounts, so an account with GitHub only is not polled on Qiita", async () => {
    const qiita = await settingsOf({ "/live-likes/qiita-accounts": accounts }).readAccounts();

    expect(qiita).toEqual([
      { userId: "alice", qiitaToken: "q1" },
      { userId: "carol", qiitaToken: "q3" },
    ]);
  });

  it("refuses an account with neither source, naming the parameter", async () => {
    const read = settingsOf({ "/live-likes/qiita-accounts": JSON.stringify([{ userId: "dave" }]) }).readAccounts();

    await expect(read).rejects.toThrow(/\/live-likes\/qiita-accounts.*needs qiitaToken, githubLogin or both/);
  });

  it("reads the github-token parameter, undefined when absent", async () => {
    expect(await settingsOf({ "/live-likes/github-token": "ghp_x\n" }).readGitHubToken()).toBe("ghp_x");
    expect(await settingsOf({}).readGitHubToken()).toBeUndefined();
  });
});
