/**
 * Sound in the browser / Electron renderer. A phrase is spoken by the platform's speech engine when
 * it has a voice for the language (Windows and macOS ship a zh-CN one), else by concatenating the
 * recorded clips shipped in `voice/` (build/scripts/make-voice-clips.sh), so a till without any
 * speech engine still says the amount, offline. The error tone is synthesised (two falling beeps),
 * so it needs no file at all.
 */
import type { SpokenPhrase } from '../../../core/common/voice/spoken-amount.ts';
import type { VoiceOutput } from '../state/voice-store.ts';

/** The clip file of a clip name (names are Chinese; files are ASCII for every file system). */
export function clipFile(name: string): string {
  const codes = [...name].map((c) => c.codePointAt(0)!.toString(16)).join('-');
  return `voice/${codes}.wav`;
}

interface AudioHost {
  readonly speechSynthesis?: SpeechSynthesis;
  readonly AudioContext?: typeof AudioContext;
  readonly Audio?: typeof Audio;
}

/** Plays one clip to its end (or its error: a missing clip is skipped, the rest still says the amount). */
function playOne(host: AudioHost, name: string, volume: number): Promise<void> {
  return new Promise((resolve) => {
    if (!host.Audio) return resolve();
    const element = new host.Audio(clipFile(name));
    element.volume = volume / 100;
    element.addEventListener('ended', () => resolve(), { once: true });
    element.addEventListener('error', () => resolve(), { once: true });
    element.play().catch(() => resolve());
  });
}

export function createBrowserVoiceOutput(host: AudioHost = globalThis as AudioHost): VoiceOutput {
  let context: AudioContext | null = null;
  const audio = () => {
    if (!context && host.AudioContext) context = new host.AudioContext();
    return context;
  };
  const speechVoice = (language: string): SpeechSynthesisVoice | null => {
    const voices = host.speechSynthesis?.getVoices() ?? [];
    const wanted = language.toLowerCase();
    return voices.find((v) => v.lang.toLowerCase().replace('_', '-') === wanted) ?? null;
  };
  // HTMLAudioElement rather than fetch + decode: it also plays from file:// in Electron.
  let queue: Promise<void> = Promise.resolve();
  const playClips = (names: readonly string[], volume: number) => {
    queue = queue.then(async () => {
      for (const name of names) await playOne(host, name, volume);
    });
  };
  return {
    speak(phrase: SpokenPhrase, options) {
      const voice = speechVoice(options.language);
      if (voice && host.speechSynthesis && typeof SpeechSynthesisUtterance !== 'undefined') {
        const utterance = new SpeechSynthesisUtterance(phrase.text);
        utterance.voice = voice;
        utterance.lang = voice.lang;
        utterance.volume = options.volume / 100;
        host.speechSynthesis.speak(utterance);
        return;
      }
      void playClips(phrase.clips, options.volume);
    },
    errorTone(options) {
      const ctx = audio();
      if (!ctx) return;
      const gain = ctx.createGain();
      gain.gain.value = (options.volume / 100) * 0.4;
      gain.connect(ctx.destination);
      [880, 440].forEach((frequency, i) => {
        const oscillator = ctx.createOscillator();
        oscillator.type = 'square';
        oscillator.frequency.value = frequency;
        oscillator.connect(gain);
        const start = ctx.currentTime + 0.02 + i * 0.18;
        oscillator.start(start);
        oscillator.stop(start + 0.14);
      });
    },
  };
}
