/**
 * What the embedding site chose on the script tag: data-title, data-color (brand colour, #rgb or #rrggbb),
 * data-text-color (text on the brand colour; default black or white, whichever contrasts more), data-server.
 */

export interface WidgetOptions {
  server: string;
  title?: string;
  brand: string;
  onBrand: string;
  /** The brand colour where it is readable on white (quick-reply buttons), otherwise near-black. */
  brandInk: string;
}

const DEFAULT_BRAND = '#0b4f8a';
const HEX = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

export function readOptions(script: HTMLScriptElement | null): WidgetOptions {
  const data = script?.dataset ?? {};
  const server = originOf(data.server) ?? originOf(script?.src) ?? location.origin;
  const brand = data.color && HEX.test(data.color) ? expand(data.color) : DEFAULT_BRAND;
  const textColor = data.textColor && HEX.test(data.textColor) ? expand(data.textColor) : undefined;
  const onBrand = textColor && contrast(brand, textColor) >= 4.5 ? textColor : contrast(brand, '#ffffff') >= contrast(brand, '#111111') ? '#ffffff' : '#111111';
  const brandInk = contrast(brand, '#ffffff') >= 4.5 ? brand : '#1a1a1a';
  const title = data.title?.trim().slice(0, 80) || undefined;
  return { server, title, brand, onBrand, brandInk };
}

function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url, location.href);
    return /^https?:$/.test(parsed.protocol) ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
}

function expand(hex: string): string {
  return hex.length === 4 ? `#${hex[1]}${hex[1]}${hex[2]}${hex[2]}${hex[3]}${hex[3]}` : hex;
}

/** WCAG 2 contrast ratio of two #rrggbb colours. */
export function contrast(a: string, b: string): number {
  const [la, lb] = [luminance(a), luminance(b)];
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}
