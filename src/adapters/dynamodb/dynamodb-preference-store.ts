/**
 * PreferenceStore on the preferences table: one item per user with only the fields they set.
 * A change is one UpdateItem (SET what is given, REMOVE a cleared e-mail address), so two changes
 * of different fields at once both stay; reads are strongly consistent, so the answer to a PUT and
 * the next delivery see it.
 *
 * @example
 *   const preferences = new DynamoDbPreferenceStore({ tableName: "live-likes-preferences" });
 *   await preferences.update("alice", { email: "always", emailAddress: "alice@example.com" });
 *   await preferences.get("alice"); // { email: "always", emailAddress: "alice@example.com" }
 */
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { PreferenceStore } from "#domain/ports.ts";
import type { PreferenceChanges, StoredPreferences } from "#domain/preferences/preferences.ts";
import { createDocumentClient } from "./document-client.ts";
import { preferencesTable, tableName } from "./table-definitions.ts";

const FIELDS = ["line", "email", "emailAddress", "timeZone", "digestHour"] as const;

export class DynamoDbPreferenceStore implements PreferenceStore {
  private readonly tableName: string;
  private readonly client: DynamoDBDocumentClient;

  constructor(options: { tableName?: string; client?: DynamoDBDocumentClient } = {}) {
    this.tableName = options.tableName ?? tableName(preferencesTable);
    this.client = options.client ?? createDocumentClient();
  }

  async get(userId: string): Promise<StoredPreferences | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { userId }, ConsistentRead: true }));
    return Item ? stored(Item) : undefined;
  }

  async update(userId: string, changes: PreferenceChanges): Promise<StoredPreferences> {
    const set: string[] = [];
    const remove: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    for (const field of FIELDS) {
      const value = changes[field];
      if (value === undefined) continue;
      names[`#${field}`] = field;
      if (value === null) remove.push(`#${field}`);
      else {
        set.push(`#${field} = :${field}`);
        values[`:${field}`] = value;
      }
    }
    if (set.length === 0 && remove.length === 0) return (await this.get(userId)) ?? {};
    const { Attributes } = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { userId },
        UpdateExpression: [set.length > 0 ? `SET ${set.join(", ")}` : "", remove.length > 0 ? `REMOVE ${remove.join(", ")}` : ""]
          .join(" ")
          .trim(),
        ExpressionAttributeNames: names,
        ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
        ReturnValues: "ALL_NEW",
      }),
    );
    return stored(Attributes ?? {});
  }
}

/** The item without its key: only the fields a person can set. */
function stored(item: Record<string, unknown>): StoredPreferences {
  return Object.fromEntries(FIELDS.filter((field) => item[field] !== undefined).map((field) => [field, item[field]])) as StoredPreferences;
}
