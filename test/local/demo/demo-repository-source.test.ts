import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DEMO_GITHUB_LOGIN, DemoRepositorySource } from "#local/demo/demo-repository-source.ts";

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const kept = (pages: Awaited<ReturnType<DemoRepositorySource["listRepositories"]>>) =>
  pages.map(({ etag, repos, hasNext }) => ({ etag, repos, hasNext }));

describe("DemoRepositorySource", () => {
  it("answers an unchanged page as a 304 would, and a star changes it", async () => {
    // Prepare
    const demo = new DemoRepositorySource(() => 0);
    const first = await demo.listRepositories([]);

    // Act
    const idle = await demo.listRepositories(kept(first));
    const { repo, stargazer } = demo.tick();
    const changed = await demo.listRepositories(kept(first));

    // Assess
    expect(first[0]?.repositories?.every((r) => r.repo.startsWith(`${DEMO_GITHUB_LOGIN}/`))).toBe(true);
    expect(idle.every((page) => page.repositories === undefined)).toBe(true);
    const before = first[0]?.repositories?.find((r) => r.repo === repo)?.stargazersCount ?? 0;
    expect(changed[0]?.repositories?.find((r) => r.repo === repo)?.stargazersCount).toBe(before + 1);
    expect((await demo.listStargazers(repo, before + 1, () => true))[0]).toBe(stargazer);
  });

  it("keeps the account in its state file across a restart", async () => {
    const dir = await mkdtemp(join(tmpdir(), "demo-github-"));
    dirs.push(dir);
    const file = join(dir, "demo-github.json");
    const demo = new DemoRepositorySource(() => 0, file);
    const { repo } = demo.tick();
    const counted = (await demo.listRepositories([]))[0]?.repositories?.find((r) => r.repo === repo)?.stargazersCount;

    const restarted = new DemoRepositorySource(() => 0.5, file);

    expect((await restarted.listRepositories([]))[0]?.repositories?.find((r) => r.repo === repo)?.stargazersCount).toBe(counted);
  });
});
