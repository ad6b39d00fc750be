/** src/local/aws/README.md's example runs, and README shows it as it is in readme-example.ts. */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PutItemCommand } from "@aws-sdk/client-dynamodb";
import { waitFor } from "#test/support/wait-for.ts";
import { connect } from "#test/support/ws-client.ts";
import { startExample } from "./readme-example.ts";

const exampleFile = new URL("./readme-example.ts", import.meta.url);
const readme = new URL("../../../src/local/aws/README.md", import.meta.url);

/** The lines between the README markers, one indentation level less. */
function exampleLines(): string {
  const text = readFileSync(exampleFile, "utf8");
  const body = text.split("// README:start\n")[1]?.split("  // README:end")[0] ?? "";
  return body.replace(/^ {2}/gm, "");
}

describe("src/local/aws/README.md", () => {
  it("shows the example exactly as readme-example.ts runs it", () => {
    // Act
    const shown = readFileSync(readme, "utf8");

    // Assess
    expect(exampleLines().length).toBeGreaterThan(500);
    expect(shown).toContain(`\`\`\`ts\n${exampleLines()}\`\`\``);
  });

  describe("the example", () => {
    let example: Awaited<ReturnType<typeof startExample>>;

    beforeAll(async () => {
      example = await startExample();
    });

    afterAll(async () => {
      await example?.stop();
    });

    it("sends an item written to the table to a connected socket", async () => {
      // Prepare
      const client = await connect(example.websocket.url);
      await waitFor(() => (example.connected.size === 1 ? true : undefined), { what: "$connect" });

      // Act
      await example.db.send(new PutItemCommand({ TableName: "messages", Item: { id: { S: "m1" }, text: { S: "hi" } } }));

      // Assess
      const [frame] = await client.framesAfter(1);
      expect(JSON.parse(frame ?? "")).toEqual({ id: { S: "m1" }, text: { S: "hi" } });
      client.socket.close();
    });
  });
});
