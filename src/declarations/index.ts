/** Medical declarations: the bot's effect handler, listing and export for operators. */
export { applyDeclarationEffect, declarationFromEffect, nationalPhone } from './effect';
export { exportDeclarations, type ExportedFile, type ExportFormat } from './export';
export { countDeclarations, listDeclarations, saveDeclaration, type Declaration, type DeclarationFilter } from './repository';
