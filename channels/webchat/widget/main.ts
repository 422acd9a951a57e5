/**
 * The widget's entry point, embedded by a citizen site with one tag:
 *   <script src="https://…/widget.js" async data-title="…" data-color="#0b4f8a"></script>
 * It adds one element to the page and builds everything inside its shadow root. Texts come from the knowledge base,
 * baked in at build time (channels/webchat/bundle.ts).
 */
import type { WidgetTexts } from '../protocol';
import { WidgetChat } from './chat';
import { readOptions } from './options';
import { WidgetStorage } from './storage';

declare const __WIDGET_TEXTS__: WidgetTexts;

const HOST_STYLE: Array<[string, string]> = [
  ['all', 'initial'],
  ['display', 'block'],
  ['position', 'static'],
  ['width', '0'],
  ['height', '0'],
  ['margin', '0'],
  ['padding', '0'],
  ['border', '0'],
  ['visibility', 'visible'],
  ['opacity', '1'],
];

(function mountWidget(): void {
  const flag = window as unknown as { __hotline1022Widget?: boolean };
  if (flag.__hotline1022Widget) return; // embedded twice
  flag.__hotline1022Widget = true;
  const options = readOptions(document.currentScript as HTMLScriptElement | null);
  const start = () => {
    const host = document.createElement('hotline-1022-widget');
    // Inline !important declarations win over the page's rules on our one element in the page.
    for (const [name, value] of HOST_STYLE) host.style.setProperty(name, value, 'important');
    document.body.appendChild(host);
    const shadow = host.attachShadow({ mode: 'open' });
    new WidgetChat(shadow, options, __WIDGET_TEXTS__, new WidgetStorage(`hotline1022:${options.server}:`));
  };
  if (document.body) start();
  else document.addEventListener('DOMContentLoaded', start, { once: true });
})();
