/** The bundler's virtual module: every page file in ./pages (see src/web/api/consoleAssets.ts). */
declare module 'console-pages' {
  const pages: import('./router').Page[];
  export default pages;
}

/** Stylesheets imported for their side effect; esbuild bundles them into /console/app.css. */
declare module '*.css';
