/** The command line of `npm run replay-failures`: usage and wrong combinations, before anything is read or sent. */
import { describe, expect, it } from "vitest";
import { runReplayFailures, USAGE } from "../../../scripts/replay-failures.ts";
import { ReplayInputError } from "../../../scripts/replay-failures/local-database.ts";

describe("replay-failures command line", () => {
  it("prints the usage for --help and exits 0", async () => {
    // Prepare
    const lines: string[] = [];

    // Act
    const exitCode = await runReplayFailures(["--help"], {}, (line) => lines.push(line));

    // Assess
    expect(exitCode).toBe(0);
    expect(lines).toEqual([USAGE]);
  });

  it.each([
    [["--bogus"], /^Unknown option '--bogus'/],
    [["--region", "eu-west-1"], /^--region and --function go with --bucket/],
    [["--function", "stream"], /^--region and --function go with --bucket/],
  ])("refuses %j with one line and the usage", async (argv, message) => {
    // Act
    const refused = runReplayFailures(argv, {}, () => {});

    // Assess
    await expect(refused).rejects.toThrow(ReplayInputError);
    await expect(refused).rejects.toThrow(message);
  });

  it("refuses DATA_DIR=memory, where npm start keeps no failure file", async () => {
    // Act
    const refused = runReplayFailures([], { DATA_DIR: "memory" }, () => {});

    // Assess
    await expect(refused).rejects.toThrow("DATA_DIR=memory: npm start keeps no failure file then, so there is nothing to replay");
  });
});
