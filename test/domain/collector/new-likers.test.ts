import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { MAX_KNOWN_LIKERS, enoughLikers, mergeKnownLikers, newLikers } from "#domain/collector/new-likers.ts";

describe("newLikers", () => {
  it("names the likers ahead of the first known one", () => {
    // Prepare
    const fetched = ["carol", "bob", "alice", "zed"];

    // Act
    const found = newLikers(fetched, ["alice", "zed"], 2);

    // Assess
    expect(found).toEqual(["carol", "bob"]);
  });

  it("takes the newest delta likers when nothing is known yet", () => {
    const found = newLikers(["carol", "bob", "alice"], [], 2);

    expect(found).toEqual(["carol", "bob"]);
  });

  it("names both new likers when a like and an unlike fell in one interval (count +1)", () => {
    // Prepare: known newest first; dave and erin liked, bob unliked
    const known = ["bob", "alice"];
    const fetched = ["erin", "dave", "alice"];

    // Act
    const found = newLikers(fetched, known, 1);

    // Assess
    expect(found).toEqual(["erin", "dave"]);
  });

  it("names the new liker when a known one vanished and the count did not move by two", () => {
    const found = newLikers(["dave", "carol", "alice"], ["carol", "bob", "alice"], 1);

    expect(found).toEqual(["dave"]);
  });

  it("names a known liker who unliked and liked again, now at the head", () => {
    const found = newLikers(["bob", "carol", "alice"], ["carol", "bob", "alice"], 1);

    expect(found).toEqual(["bob"]);
  });

  it("names nobody for a decrease or no change", () => {
    expect(newLikers(["a", "b"], ["b"], 0)).toEqual([]);
    expect(newLikers(["b"], ["a", "b"], -1)).toEqual([]);
  });

  it("finds exactly the new likers for any known list and any number of new likes", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 60 }),
        fc.nat({ max: 1000 }),
        (ids, split) => {
          // Prepare: the first `cut` ids liked since the poll that knew the rest
          const cut = split % ids.length;
          const known = ids.slice(cut);

          // Act
          const found = newLikers(ids, known, cut);

          // Assess
          expect(found).toEqual(ids.slice(0, cut));
        },
      ),
    );
  });
});

describe("enoughLikers", () => {
  it("stops once a known liker is seen with at least delta new ones before it", () => {
    // Prepare
    const enough = enoughLikers(["alice"], 2);

    // Act / Assess
    expect(enough(["carol"])).toBe(false);
    expect(enough(["carol", "bob"])).toBe(false);
    expect(enough(["carol", "bob", "alice"])).toBe(true);
  });

  it("keeps paging past 20 and 100 likers while the boundary is further down", () => {
    // Prepare: 150 new likes since the known one
    const fresh = Array.from({ length: 150 }, (_, i) => `new-${i}`);
    const enough = enoughLikers(["old"], 150);

    // Act / Assess: a page of 20, one of 100, then the page holding the boundary
    expect(enough(fresh.slice(0, 20))).toBe(false);
    expect(enough(fresh.slice(0, 100))).toBe(false);
    expect(enough([...fresh, "old"])).toBe(true);
  });

  it("stops at delta likers when nothing is known", () => {
    const enough = enoughLikers([], 3);

    expect(enough(["a", "b"])).toBe(false);
    expect(enough(["a", "b", "c"])).toBe(true);
  });

  it("gives up looking for the boundary once every known liker must have left", () => {
    const enough = enoughLikers(["x", "y"], 1);

    expect(enough(["a", "b"])).toBe(false);
    expect(enough(["a", "b", "c"])).toBe(true);
  });
});

describe("mergeKnownLikers", () => {
  it("puts the fetched likers first, drops repeats and caps the list", () => {
    // Prepare
    const fetched = Array.from({ length: MAX_KNOWN_LIKERS }, (_, i) => `u${i}`);

    // Act
    const merged = mergeKnownLikers(["new", ...fetched.slice(0, 3)], fetched);

    // Assess
    expect(merged.slice(0, 4)).toEqual(["new", "u0", "u1", "u2"]);
    expect(merged).toHaveLength(MAX_KNOWN_LIKERS);
    expect(new Set(merged).size).toBe(MAX_KNOWN_LIKERS);
  });
});
