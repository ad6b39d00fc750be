// What draws the user back to a tab they left: the count of new likes, stars and notifications
// in its title, and, only when they ask for them, a desktop notification and a short sound for each.
import { desktopNotification, unreadTitle, unreadWeight } from "./live-feed.js";

/** @typedef {import("./live-feed.js").FeedFrame} FeedFrame */

const NOTIFY_KEY = "live-likes.notify";
const SOUND_KEY = "live-likes.sound";

/**
 * @param {{ notify: HTMLButtonElement, sound: HTMLButtonElement }} buttons
 * @returns {{ arrived(item: FeedFrame, replayed: boolean): void }}
 */
export function createAttention(buttons) {
  const baseTitle = document.title;
  let unread = 0;
  let notify = localStorage.getItem(NOTIFY_KEY) === "on" && "Notification" in window && Notification.permission === "granted";
  let sound = localStorage.getItem(SOUND_KEY) === "on";
  /** @type {AudioContext | undefined} */
  let audio;

  const show = () => {
    toggle(buttons.notify, notify, "Desktop notifications");
    toggle(buttons.sound, sound, "Sound");
  };
  document.addEventListener("visibilitychange", () => {
    if (document.hidden) return;
    unread = 0;
    document.title = unreadTitle(baseTitle, 0);
  });

  buttons.notify.hidden = !("Notification" in window);
  buttons.notify.addEventListener("click", async () => {
    if (notify) {
      notify = false;
    } else {
      const permission = await Notification.requestPermission();
      notify = permission === "granted";
      if (permission === "denied") buttons.notify.title = "Blocked in this browser's site settings";
    }
    localStorage.setItem(NOTIFY_KEY, notify ? "on" : "off");
    show();
  });
  buttons.sound.addEventListener("click", () => {
    sound = !sound;
    localStorage.setItem(SOUND_KEY, sound ? "on" : "off");
    // Browsers start audio only from a click: make the context now, while there is one.
    if (sound) audio ??= new AudioContext();
    show();
  });
  show();

  return {
    arrived(item, replayed) {
      if (!document.hidden) return;
      unread += unreadWeight(item);
      document.title = unreadTitle(baseTitle, unread);
      // A catch-up of a hundred likes is one glance at the page, not a hundred pop-ups.
      if (replayed) return;
      if (notify && Notification.permission === "granted") {
        const { title, body, tag } = desktopNotification(item);
        new Notification(title, { body, tag });
      }
      if (sound) {
        audio ??= new AudioContext();
        chime(audio);
      }
    },
  };
}

/**
 * @param {HTMLButtonElement} button
 * @param {boolean} on
 * @param {string} label
 */
function toggle(button, on, label) {
  button.setAttribute("aria-pressed", String(on));
  button.textContent = `${label}: ${on ? "on" : "off"}`;
}

/** A soft two-note chime, a fifth of a second. @param {AudioContext} audio */
function chime(audio) {
  void audio.resume();
  const gain = audio.createGain();
  gain.connect(audio.destination);
  gain.gain.setValueAtTime(0.0001, audio.currentTime);
  gain.gain.exponentialRampToValueAtTime(0.15, audio.currentTime + 0.02);
  gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 0.2);
  for (const [index, frequency] of [880, 1320].entries()) {
    const tone = audio.createOscillator();
    tone.frequency.value = frequency;
    tone.connect(gain);
    tone.start(audio.currentTime + index * 0.06);
    tone.stop(audio.currentTime + 0.2);
  }
}
