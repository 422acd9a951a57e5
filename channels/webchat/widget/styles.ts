/**
 * The widget's CSS, scoped by its Shadow DOM: the host page's rules cannot reach inside and these cannot leak out.
 * `:host { all: initial }` also stops inherited properties (font, colour, line height) of the page.
 * Colours: text ≥ 4.5:1 on its background; focus is a yellow ring inside a black one, visible on any background.
 */
export const WIDGET_CSS = `
:host { all: initial; }
[hidden] { display: none !important; }
.root { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif;
  font-size: 16px; line-height: 1.45; color: #1a1a1a; -webkit-text-size-adjust: 100%; }
.root *, .root *::before, .root *::after { box-sizing: border-box; }
.root :focus { outline: none; }
.root :focus-visible { outline: 3px solid #ffbf47; outline-offset: 0; box-shadow: 0 0 0 6px #0b0c0c; }
button { font: inherit; cursor: pointer; }
.sr { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }

.launcher { position: fixed; right: 16px; bottom: 16px; z-index: 2147483000; display: inline-flex; align-items: center;
  gap: 8px; min-height: 52px; max-width: calc(100vw - 32px); padding: 10px 18px 10px 14px; border: 2px solid var(--on-brand);
  border-radius: 999px; background: var(--brand); color: var(--on-brand); font-weight: 600; font-size: 16px;
  box-shadow: 0 4px 14px rgba(0, 0, 0, .28); }
.launcher:hover { filter: brightness(1.08); }
.launcher svg { width: 24px; height: 24px; flex: none; fill: currentColor; }
.badge { min-width: 22px; height: 22px; padding: 0 6px; border-radius: 11px; background: #b3001b; color: #fff;
  font-size: 13px; line-height: 22px; text-align: center; border: 1px solid #fff; }

.panel { position: fixed; right: 16px; bottom: 16px; z-index: 2147483001; width: 380px; max-width: calc(100vw - 32px);
  height: 600px; max-height: calc(100vh - 32px); display: flex; flex-direction: column; overflow: hidden;
  background: #fff; border-radius: 12px; box-shadow: 0 10px 36px rgba(0, 0, 0, .32); }
.head { display: flex; align-items: flex-start; gap: 8px; padding: 12px 8px 10px 16px; background: var(--brand); color: var(--on-brand); }
.titles { flex: 1; min-width: 0; }
.title { margin: 0; font-size: 17px; font-weight: 700; line-height: 1.3; }
.state { margin: 2px 0 0; font-size: 14px; }
.close { flex: none; width: 44px; height: 44px; margin-top: -4px; border: 0; border-radius: 8px; background: transparent; color: inherit; }
.close svg { width: 20px; height: 20px; stroke: currentColor; stroke-width: 2.5; fill: none; }

.urgent { margin: 0; padding: 8px 12px; background: #fdecea; color: #7a0b0b; border-left: 6px solid #b3001b; font-size: 14px; font-weight: 600; }
.conn { margin: 0; padding: 6px 12px; background: #fff4ce; color: #4d3900; font-size: 14px; }

.log { flex: 1; min-height: 0; overflow-y: auto; margin: 0; padding: 12px; list-style: none; display: flex;
  flex-direction: column; gap: 10px; background: #f4f6f8; overscroll-behavior: contain; }
.msg { display: flex; flex-direction: column; align-items: flex-start; max-width: 86%; }
.msg.citizen { align-self: flex-end; align-items: flex-end; }
.msg.system { align-self: center; align-items: center; max-width: 96%; }
.who { margin: 0 4px 2px; font-size: 13px; font-weight: 600; color: #3d4651; }
.bubble { margin: 0; padding: 8px 12px; border-radius: 14px; white-space: pre-wrap; overflow-wrap: anywhere; word-break: break-word;
  background: #fff; color: #1a1a1a; border: 1px solid #cfd6de; border-bottom-left-radius: 4px; }
.citizen .bubble { background: var(--brand); color: var(--on-brand); border-color: var(--brand); border-radius: 14px; border-bottom-right-radius: 4px; }
.system .bubble { background: transparent; border: 0; color: #3d4651; font-size: 14px; text-align: center; }
.meta { margin: 2px 4px 0; font-size: 12px; color: #4a5460; }
.failed .meta { color: #a50e0e; font-weight: 600; }
.retry { margin: 4px 4px 0; padding: 4px 10px; min-height: 32px; border: 2px solid #a50e0e; border-radius: 8px; background: #fff; color: #a50e0e; font-size: 14px; }

.typing { margin: 0; padding: 4px 16px 6px; font-size: 14px; font-style: italic; color: #3d4651; background: #f4f6f8; }
.quick { flex: none; display: flex; flex-wrap: wrap; gap: 6px; max-height: 38%; overflow-y: auto; padding: 8px 12px; background: #f4f6f8; border-top: 1px solid #e1e6eb; }
.quick button { min-height: 40px; padding: 6px 14px; border: 2px solid var(--brand-ink); border-radius: 999px; background: #fff;
  color: var(--brand-ink); font-size: 15px; text-align: left; }
.quick button:hover { background: #eef3f8; }
.error { margin: 0; padding: 6px 12px; background: #fdecea; color: #7a0b0b; font-size: 14px; }

.composer { display: flex; align-items: flex-end; gap: 8px; padding: 10px 12px; border-top: 1px solid #cfd6de; background: #fff; }
.input { flex: 1; min-width: 0; min-height: 46px; max-height: 132px; resize: none; margin: 0; padding: 10px 12px;
  border: 2px solid #5f6b77; border-radius: 10px; font: inherit; color: #1a1a1a; background: #fff; }
.input::placeholder { color: #5f6b77; opacity: 1; }
.send { flex: none; min-height: 46px; min-width: 64px; padding: 0 16px; border: 2px solid var(--brand); border-radius: 10px;
  background: var(--brand); color: var(--on-brand); font-weight: 700; }
.counter { margin: 0; padding: 0 12px 6px; font-size: 12px; color: #4a5460; text-align: right; background: #fff; }
.counter.over { color: #a50e0e; font-weight: 700; }

@media (max-width: 480px) {
  .launcher { right: 12px; bottom: 12px; }
  .panel { top: 0; right: 0; bottom: 0; left: 0; width: auto; max-width: none; height: auto; max-height: none; border-radius: 0; }
}
@media (forced-colors: active) {
  .bubble, .launcher, .send, .quick button { border: 2px solid CanvasText; }
}
`;
