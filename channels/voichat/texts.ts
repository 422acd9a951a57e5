/** The spoken fixed texts (knowledge-base/templates.yaml, keys voice.*), checked once at start-up. */

export const VOICE_TEXT_KEYS = ['greeting', 'continue', 'confirm', 'reask', 'noInput', 'noInputTransfer', 'transfer', 'noMore', 'askMore', 'options', 'option', 'error'] as const;
export type VoiceTextKey = (typeof VOICE_TEXT_KEYS)[number];
export type VoiceTexts = Record<VoiceTextKey, string>;

/** Picks the voice.* texts out of the bot's templates; a missing one stops start-up with its name. */
export function voiceTextsFrom(templates: Record<string, string>): VoiceTexts {
  const missing = VOICE_TEXT_KEYS.filter((k) => !templates[`voice.${k}`]?.trim());
  if (missing.length) throw new Error(`templates.yaml lacks the voice texts: ${missing.map((k) => `voice.${k}`).join(', ')}`);
  return Object.fromEntries(VOICE_TEXT_KEYS.map((k) => [k, templates[`voice.${k}`].trim()])) as VoiceTexts;
}

/** Fills {name} placeholders. */
export function fillText(text: string, vars: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}
