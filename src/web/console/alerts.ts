/** Getting an operator's attention for urgent conversations: a short beep (WebAudio) and a desktop notification. */

let audio: AudioContext | undefined;

/** Browsers allow sound only after a user gesture: prepare the audio context on the first one. */
export function primeAudio(): void {
  const prime = () => {
    try {
      audio ??= new AudioContext();
      void audio.resume();
    } catch {
      // no audio on this machine
    }
  };
  window.addEventListener('pointerdown', prime, { once: true, capture: true });
  window.addEventListener('keydown', prime, { once: true, capture: true });
}

export function beep(times = 2): void {
  if (!audio || audio.state !== 'running') return;
  const start = audio.currentTime;
  for (let i = 0; i < times; i++) {
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.type = 'sine';
    osc.frequency.value = 880;
    gain.gain.setValueAtTime(0.0001, start + i * 0.3);
    gain.gain.exponentialRampToValueAtTime(0.3, start + i * 0.3 + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + i * 0.3 + 0.2);
    osc.connect(gain).connect(audio.destination);
    osc.start(start + i * 0.3);
    osc.stop(start + i * 0.3 + 0.22);
  }
}

export function notificationsSupported(): boolean {
  return typeof Notification !== 'undefined';
}

export function notificationsAllowed(): boolean {
  return notificationsSupported() && Notification.permission === 'granted';
}

export async function askNotificationPermission(): Promise<boolean> {
  if (!notificationsSupported()) return false;
  return (await Notification.requestPermission()) === 'granted';
}

/** A desktop notification (when permitted) that brings the console back and opens the conversation on click. */
export function notify(title: string, body: string, onClick?: () => void): void {
  if (!notificationsAllowed() || document.hasFocus()) return;
  try {
    const n = new Notification(title, { body, tag: title + body, lang: 'vi' });
    n.onclick = () => {
      window.focus();
      onClick?.();
      n.close();
    };
  } catch {
    // some browsers allow notifications only from a service worker
  }
}
