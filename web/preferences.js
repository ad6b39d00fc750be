// The channels panel: how this person is told beyond the open page (LINE, e-mail), their address,
// time zone and digest hour, read and changed with the `preferences` action on the page's own
// socket (docs/ARCHITECTURE.md "Preferences"). Pure helpers first (unit-tested), then the DOM.

import { jsonObject } from "./live-feed.js";

/** @typedef {"always" | "fallback" | "digest" | "off"} ChannelMode */
/** @typedef {{ line: ChannelMode, email: ChannelMode, emailAddress?: string, timeZone: string, digestHour: number }} Preferences */
/** @typedef {{ line?: ChannelMode, email?: ChannelMode, emailAddress?: string | null, timeZone?: string, digestHour?: number }} PreferenceChanges */
/** @typedef {{ action: "preferences", set?: PreferenceChanges }} PreferencesRequest */

/** @type {readonly ChannelMode[]} */
export const CHANNEL_MODES = ["always", "fallback", "digest", "off"];

/** What each mode means, in the words the panel shows. @type {Record<ChannelMode, string>} */
export const MODE_LABELS = {
  always: "every notification",
  fallback: "only what no open page showed",
  digest: "one daily digest",
  off: "never",
};

/**
 * The request to send: a read without `set`, a change with it.
 * @param {PreferenceChanges} [set]
 * @returns {PreferencesRequest}
 */
export function preferencesRequest(set) {
  return set === undefined ? { action: "preferences" } : { action: "preferences", set };
}

/**
 * The preferences frame in `text`, or undefined for anything else (another frame, a malformed one).
 * @param {string} text
 * @returns {Preferences | undefined}
 */
export function parsePreferencesFrame(text) {
  const frame = jsonObject(text);
  if (!frame) return undefined;
  const { type, preferences } = frame;
  if (type !== "preferences" || typeof preferences !== "object" || preferences === null) return undefined;
  const p = /** @type {Record<string, unknown>} */ (preferences);
  if (!isMode(p.line) || !isMode(p.email) || typeof p.timeZone !== "string" || typeof p.digestHour !== "number") return undefined;
  return {
    line: p.line,
    email: p.email,
    ...(typeof p.emailAddress === "string" ? { emailAddress: p.emailAddress } : {}),
    timeZone: p.timeZone,
    digestHour: p.digestHour,
  };
}

/**
 * What the form changes against what the server holds: only the fields that differ, an emptied
 * address as null (forget it). Undefined when nothing changed.
 * @param {Preferences} current
 * @param {{ line: string, email: string, emailAddress: string, timeZone: string, digestHour: string }} form
 * @returns {PreferenceChanges | undefined}
 */
export function changesFrom(current, form) {
  /** @type {PreferenceChanges} */
  const changes = {};
  if (isMode(form.line) && form.line !== current.line) changes.line = form.line;
  if (isMode(form.email) && form.email !== current.email) changes.email = form.email;
  const address = form.emailAddress.trim();
  if (address !== (current.emailAddress ?? "")) changes.emailAddress = address === "" ? null : address;
  if (form.timeZone.trim() !== current.timeZone) changes.timeZone = form.timeZone.trim();
  const hour = Number(form.digestHour);
  if (form.digestHour !== "" && hour !== current.digestHour) changes.digestHour = hour;
  return Object.keys(changes).length > 0 ? changes : undefined;
}

/**
 * @param {unknown} value
 * @returns {value is ChannelMode}
 */
function isMode(value) {
  return typeof value === "string" && /** @type {readonly string[]} */ (CHANNEL_MODES).includes(value);
}

/**
 * The panel inside `root` (a <details>): a form built with the DOM (nothing inline, for the CSP),
 * filled from the server's answer, sending only what changed.
 * @param {{ root: HTMLElement, ask: (request: PreferencesRequest) => boolean }} options
 */
export function createPreferencesPanel({ root, ask }) {
  /** @type {Preferences | undefined} */
  let current;
  let waiting = false;
  const form = document.createElement("form");
  form.className = "preferences";
  const status = document.createElement("p");
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");

  /**
   * @param {string} label
   * @param {HTMLElement} control
   */
  const field = (label, control) => {
    const wrapper = document.createElement("label");
    wrapper.append(label, control);
    form.append(wrapper);
    return control;
  };
  /** @param {string} name */
  const modeSelect = (name) => {
    const select = document.createElement("select");
    select.name = name;
    for (const mode of CHANNEL_MODES) select.append(new Option(`${mode}: ${MODE_LABELS[mode]}`, mode));
    return select;
  };
  const line = /** @type {HTMLSelectElement} */ (field("LINE", modeSelect("line")));
  const email = /** @type {HTMLSelectElement} */ (field("E-mail", modeSelect("email")));
  const address = document.createElement("input");
  address.type = "email";
  address.name = "emailAddress";
  address.autocomplete = "email";
  address.placeholder = "you@example.com (empty: no e-mail)";
  field("E-mail address", address);
  const zone = document.createElement("input");
  zone.name = "timeZone";
  zone.spellcheck = false;
  zone.placeholder = "Asia/Tokyo";
  field("Time zone", zone);
  const hour = document.createElement("select");
  hour.name = "digestHour";
  for (let h = 0; h < 24; h++) hour.append(new Option(`${String(h).padStart(2, "0")}:00`, String(h)));
  field("Daily digest at", hour);
  const save = document.createElement("button");
  save.type = "submit";
  save.textContent = "Save";
  form.append(save, status);
  root.append(form);

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!current) return;
    const changes = changesFrom(current, {
      line: line.value,
      email: email.value,
      emailAddress: address.value,
      timeZone: zone.value,
      digestHour: hour.value,
    });
    if (!changes) {
      status.textContent = "Nothing changed.";
      return;
    }
    waiting = ask(preferencesRequest(changes));
    status.textContent = waiting ? "Saving…" : "Not connected: try again once the page is live.";
  });

  return {
    /** Caught up on a (new) connection: read what the server holds. */
    connected() {
      root.hidden = false;
      waiting = ask(preferencesRequest());
    },
    /** @param {Preferences} preferences */
    received(preferences) {
      const saved = waiting && current !== undefined;
      current = preferences;
      waiting = false;
      line.value = preferences.line;
      email.value = preferences.email;
      address.value = preferences.emailAddress ?? "";
      zone.value = preferences.timeZone;
      hour.value = String(preferences.digestHour);
      status.textContent = saved ? "Saved." : "";
    },
    /** Whether an answer is awaited: an error frame then is this panel's refusal. */
    waiting: () => waiting,
    /** @param {string} message the server's reason, naming the field */
    refused(message) {
      waiting = false;
      status.textContent = `Not saved: ${message}`;
    },
  };
}
