import { describe, expect, it } from "vitest";
import { selectRoute } from "#local/aws/websocket-api/route-selection.ts";

describe("selectRoute", () => {
  const routes = new Set(["$connect", "$disconnect", "$default", "resume"]);

  it("takes the route named by the JSON body's action", () => {
    // Act / Assess
    expect(selectRoute('{"action":"resume","since":"01"}', routes)).toBe("resume");
  });

  it.each([
    ["an action no route has", '{"action":"ping"}'],
    ["a lifecycle route as action", '{"action":"$connect"}'],
    ["a non-string action", '{"action":["resume"]}'],
    ["a JSON value that is not an object", "null"],
    ["text that is not JSON", "resume"],
  ])("falls back to $default for %s", (_case, body) => {
    // Act / Assess
    expect(selectRoute(body, routes)).toBe("$default");
  });
});
