/** The content team's API for the composition root: main.ts pushes these routers after the console's. */
import type express from 'express';
import type { ContentModule } from '../../content';
import { createContentEntriesRouter } from './contentEntries';
import { createContentLibraryRouter } from './contentLibrary';
import { createContentToolsRouter } from './contentTools';

export function createContentRouters(content: ContentModule): express.Router[] {
  return [createContentEntriesRouter(content), createContentToolsRouter(content), createContentLibraryRouter(content)];
}
