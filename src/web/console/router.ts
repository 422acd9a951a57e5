/**
 * Pages of the console and hash routing (#/<page>/<params…>). A page is one file in ./pages that default-exports
 * definePage({...}); the bundler collects every file there, so adding a page touches nothing else.
 */
import type { ConsoleUser, Role } from './types';

export interface PageContext {
  user: ConsoleUser;
  /** Route parameters after the page id: #/queue/abc → ['abc']. */
  params: string[];
  navigate(path: string): void;
}

export interface Page {
  /** The first route segment (#/queue). */
  id: string;
  /** Navigation label (Vietnamese). */
  title: string;
  /** Roles that see the page. */
  roles: Role[];
  /** Position in the navigation (smaller first). */
  order?: number;
  /** Hidden from the navigation (reached by links only). */
  hidden?: boolean;
  /**
   * Renders into `root`. Returns an optional cleanup (called before another page renders), and may return an object
   * with `update(params)` to take new parameters of the same page without rendering from scratch.
   */
  render(root: HTMLElement, ctx: PageContext): PageInstance | void;
}

export interface PageInstance {
  update?(params: string[]): void;
  destroy?(): void;
}

export function definePage(page: Page): Page {
  return page;
}

export function pagesFor(pages: Page[], role: Role): Page[] {
  return pages.filter((p) => p.roles.includes(role)).sort((a, b) => (a.order ?? 100) - (b.order ?? 100));
}

export function parseHash(hash: string): { id: string; params: string[] } {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  return { id: parts[0] ?? '', params: parts.slice(1) };
}
