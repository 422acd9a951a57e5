/**
 * The widget's DOM inside its shadow root. Every text (ours or anyone's) is set with textContent, never as HTML.
 * Accessibility: the launcher "Chat với Tổng đài 1022", a non-modal dialog, the message list as a polite live log,
 * the textbox "Nhập tin nhắn" and the button "Gửi"; Escape closes and gives focus back to the launcher.
 */
import type { WidgetAuthor, WidgetQuickReply, WidgetStateView, WidgetTexts } from '../protocol';
import type { WidgetOptions } from './options';
import { WIDGET_CSS } from './styles';

export type DeliveryState = 'pending' | 'queued' | 'failed' | 'sent';

export interface ShownMessage {
  /** `c:<clientId>` for the citizen's messages, the server id for the others. */
  key: string;
  author: WidgetAuthor;
  authorName: string | null;
  text: string;
  at: string;
  delivery?: DeliveryState;
  reason?: string;
}

export interface ViewHandlers {
  opened(): void;
  submit(text: string): void;
  quickReply(reply: WidgetQuickReply): void;
  typing(): void;
  retry(key: string): void;
}

type Attrs = Record<string, string>;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function icon(paths: string[], viewBox = '0 0 24 24'): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', viewBox);
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  for (const d of paths) {
    const path = document.createElementNS(ns, 'path');
    path.setAttribute('d', d);
    svg.appendChild(path);
  }
  return svg;
}

export const fill = (text: string, vars: Record<string, string | number>): string =>
  text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));

const timeFormat = (() => {
  try {
    return new Intl.DateTimeFormat('vi-VN', { hour: '2-digit', minute: '2-digit' });
  } catch {
    return undefined;
  }
})();
const timeOf = (iso: string): string => {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : (timeFormat?.format(date) ?? date.toTimeString().slice(0, 5));
};

export class ChatView {
  readonly launcher: HTMLButtonElement;
  private readonly badge: HTMLSpanElement;
  private readonly announcer: HTMLParagraphElement;
  private readonly panel: HTMLElement;
  private readonly stateLine: HTMLParagraphElement;
  private readonly urgentNotice: HTMLParagraphElement;
  private readonly connection: HTMLParagraphElement;
  private readonly log: HTMLOListElement;
  private readonly typingLine: HTMLParagraphElement;
  private readonly quick: HTMLDivElement;
  private readonly error: HTMLParagraphElement;
  readonly input: HTMLTextAreaElement;
  private readonly counter: HTMLParagraphElement;
  private readonly items = new Map<string, { node: HTMLLIElement; message: ShownMessage }>();
  private unread = 0;
  private maxText = 0;
  private operatorName: string | null = null;

  constructor(
    shadow: ShadowRoot,
    private texts: WidgetTexts,
    options: WidgetOptions,
    private handlers: ViewHandlers,
  ) {
    attachStyles(shadow);
    const root = el('div', { class: 'root', lang: 'vi' });
    root.style.setProperty('--brand', options.brand);
    root.style.setProperty('--on-brand', options.onBrand);
    root.style.setProperty('--brand-ink', options.brandInk);

    this.launcher = el('button', { type: 'button', class: 'launcher', 'aria-expanded': 'false', 'aria-controls': 'hotline1022-panel', 'aria-label': texts.launcher });
    this.badge = el('span', { class: 'badge', 'aria-hidden': 'true', hidden: '' });
    this.launcher.append(icon(['M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z']), el('span', {}, texts.launcher), this.badge);
    this.announcer = el('p', { class: 'sr', role: 'status' });

    const title = options.title ?? texts.title;
    this.panel = el('section', { class: 'panel', id: 'hotline1022-panel', role: 'dialog', 'aria-label': title, hidden: '' });
    const head = el('div', { class: 'head' });
    const titles = el('div', { class: 'titles' });
    this.stateLine = el('p', { class: 'state', role: 'status' });
    titles.append(el('h2', { class: 'title' }, title), this.stateLine);
    const close = el('button', { type: 'button', class: 'close', 'aria-label': texts.close });
    const cross = icon(['M5 5l14 14M19 5L5 19']);
    close.append(cross);
    head.append(titles, close);

    this.urgentNotice = el('p', { class: 'urgent', role: 'alert', hidden: '' }, texts.urgent);
    this.connection = el('p', { class: 'conn', role: 'status', hidden: '' });
    this.log = el('ol', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-label': texts.log, tabindex: '0' });
    // A greeting shown locally: opening the widget creates no conversation until the citizen writes.
    const intro = el('li', { class: 'msg intro' });
    intro.append(el('p', { class: 'who' }, texts.bot), el('p', { class: 'bubble' }, texts.intro));
    this.log.append(intro);
    this.typingLine = el('p', { class: 'typing', 'aria-live': 'polite', hidden: '' });
    this.quick = el('div', { class: 'quick', role: 'group', 'aria-label': texts.quickReplies, hidden: '' });
    this.error = el('p', { class: 'error', role: 'alert', hidden: '' });

    const form = el('form', { class: 'composer', novalidate: '' });
    this.input = el('textarea', { class: 'input', rows: '1', 'aria-label': texts.input, placeholder: texts.placeholder, autocomplete: 'off', enterkeyhint: 'send' });
    const send = el('button', { type: 'submit', class: 'send' }, texts.send);
    form.append(this.input, send);
    this.counter = el('p', { class: 'counter', 'aria-live': 'polite', hidden: '' });

    this.panel.append(head, this.urgentNotice, this.connection, this.log, this.typingLine, this.quick, this.error, form, this.counter);
    root.append(this.launcher, this.announcer, this.panel);
    shadow.append(root);

    this.launcher.addEventListener('click', () => (this.isOpen ? this.close() : this.open()));
    close.addEventListener('click', () => this.close());
    this.panel.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        this.close();
      }
    });
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.submit();
    });
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        this.submit();
      }
    });
    this.input.addEventListener('input', () => {
      this.autosize();
      this.updateCounter();
      this.handlers.typing();
    });
  }

  get isOpen(): boolean {
    return !this.panel.hidden;
  }

  open(): void {
    this.panel.hidden = false;
    this.launcher.hidden = true;
    this.launcher.setAttribute('aria-expanded', 'true');
    this.unread = 0;
    this.renderBadge();
    this.scrollToEnd();
    this.input.focus();
    this.handlers.opened();
  }

  close(): void {
    this.panel.hidden = true;
    this.launcher.hidden = false;
    this.launcher.setAttribute('aria-expanded', 'false');
    this.launcher.focus();
  }

  private submit(): void {
    const text = this.input.value.trim();
    if (!text) return;
    if (this.maxText && Array.from(text).length > this.maxText) {
      this.showError(fill(this.texts.tooLong, { max: this.maxText }));
      return;
    }
    this.showError(null);
    this.input.value = '';
    this.autosize();
    this.updateCounter();
    this.handlers.submit(text);
  }

  setLimits(maxText: number): void {
    this.maxText = maxText;
    this.updateCounter();
  }

  private updateCounter(): void {
    const count = Array.from(this.input.value).length;
    // Shown once the citizen nears the limit, so the reason of a refusal never comes as a surprise.
    const show = this.maxText > 0 && count > this.maxText * 0.8;
    this.counter.hidden = !show;
    if (show) {
      this.counter.textContent = fill(this.texts.counter, { count, max: this.maxText });
      this.counter.classList.toggle('over', count > this.maxText);
    }
  }

  private autosize(): void {
    this.input.style.height = 'auto';
    this.input.style.height = `${Math.min(this.input.scrollHeight + 4, 132)}px`;
  }

  showError(text: string | null): void {
    this.error.hidden = !text;
    this.error.textContent = text ?? '';
  }

  setState(view: WidgetStateView): void {
    this.operatorName = view.operatorName;
    const line =
      view.state === 'human'
        ? fill(this.texts['state.human'], { operatorName: view.operatorName || this.texts.operator })
        : view.state === 'queued'
          ? this.texts['state.queued']
          : view.state === 'closed'
            ? this.texts['state.closed']
            : this.texts['state.bot'];
    if (this.stateLine.textContent !== line) this.stateLine.textContent = line;
    if (view.urgency && view.urgency !== 'none') this.showUrgent();
  }

  /** Says something to screen-reader users without showing it (the reason of a refusal is shown on the message). */
  announce(text: string): void {
    this.announcer.textContent = text;
  }

  showUrgent(): void {
    this.urgentNotice.hidden = false;
  }

  setConnection(status: 'online' | 'connecting' | 'offline'): void {
    this.connection.hidden = status === 'online';
    const text = status === 'offline' ? this.texts.offline : status === 'connecting' ? this.texts.connecting : '';
    if (this.connection.textContent !== text) this.connection.textContent = text;
  }

  setTyping(who: 'bot' | 'operator' | null): void {
    this.typingLine.hidden = !who;
    this.typingLine.textContent = who === 'operator' ? fill(this.texts['typing.operator'], { operatorName: this.operatorName || this.texts.operator }) : who === 'bot' ? this.texts['typing.bot'] : '';
  }

  setQuickReplies(replies: WidgetQuickReply[] | undefined): void {
    this.quick.replaceChildren();
    this.quick.hidden = !replies?.length;
    for (const reply of replies ?? []) {
      const button = el('button', { type: 'button' }, reply.title);
      button.addEventListener('click', () => {
        this.setQuickReplies(undefined);
        this.input.focus();
        this.handlers.quickReply(reply);
      });
      this.quick.append(button);
    }
    // The log just got shorter or longer: keep its last message in view.
    this.scrollToEnd();
  }

  has(key: string): boolean {
    return this.items.has(key);
  }

  /** Adds a message (before any still unsent one) or updates the one with the same key. */
  upsert(message: ShownMessage): void {
    const existing = this.items.get(message.key);
    if (existing) {
      existing.message = message;
      this.fillItem(existing.node, message);
      return;
    }
    const node = el('li');
    this.fillItem(node, message);
    this.items.set(message.key, { node, message });
    const firstUnsent = message.delivery && message.delivery !== 'sent' ? undefined : this.firstUnsent();
    this.log.insertBefore(node, firstUnsent ?? null);
    if (message.author !== 'citizen' && !this.isOpen) {
      this.unread += 1;
      this.renderBadge();
      this.announcer.textContent = this.texts.newMessage;
    }
    this.scrollToEnd();
  }

  /** Removes every message (a new session after a revoked one). */
  clear(): void {
    for (const { node } of this.items.values()) node.remove();
    this.items.clear();
    this.setQuickReplies(undefined);
    this.urgentNotice.hidden = true;
  }

  private firstUnsent(): HTMLLIElement | undefined {
    for (const { node, message } of this.items.values()) if (message.delivery && message.delivery !== 'sent') return node;
    return undefined;
  }

  private fillItem(node: HTMLLIElement, m: ShownMessage): void {
    node.className = `msg ${m.author}${m.delivery === 'failed' ? ' failed' : ''}`;
    const parts: HTMLElement[] = [];
    const who = m.author === 'citizen' ? this.texts.you : m.author === 'operator' ? m.authorName || this.texts.operator : m.author === 'bot' ? m.authorName || this.texts.bot : '';
    if (who) parts.push(el('p', { class: m.author === 'citizen' ? 'who sr' : 'who' }, who));
    parts.push(el('p', { class: 'bubble' }, m.text));
    const status =
      m.delivery === 'pending'
        ? this.texts.pending
        : m.delivery === 'queued'
          ? this.texts.queued
          : m.delivery === 'failed'
            ? `${this.texts.failed}${m.reason ? `: ${m.reason}` : ''}`
            : timeOf(m.at);
    if (status) parts.push(el('p', { class: 'meta' }, status));
    if (m.delivery === 'failed') {
      const retry = el('button', { type: 'button', class: 'retry' }, this.texts.retry);
      retry.addEventListener('click', () => this.handlers.retry(m.key));
      parts.push(retry);
    }
    node.replaceChildren(...parts);
  }

  private renderBadge(): void {
    this.badge.hidden = this.unread === 0;
    this.badge.textContent = this.unread > 9 ? '9+' : String(this.unread);
  }

  private scrollToEnd(): void {
    if (this.isOpen) this.log.scrollTop = this.log.scrollHeight;
  }
}

/** Constructed stylesheets where supported (they pass a host page's strict style-src CSP), a <style> otherwise. */
function attachStyles(shadow: ShadowRoot): void {
  const withSheets = shadow as ShadowRoot & { adoptedStyleSheets?: CSSStyleSheet[] };
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(WIDGET_CSS);
    withSheets.adoptedStyleSheets = [sheet];
    return;
  } catch {
    // older browsers
  }
  shadow.append(el('style', {}, WIDGET_CSS));
}
