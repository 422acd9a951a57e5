/**
 * The dialog toolkit the bots use. botbuilder is archived upstream (end of 2025): everything of it that bots touch
 * passes through this file and the rest of src/engine, so a successor SDK replaces one folder.
 */
export {
  ComponentDialog,
  DialogSet,
  DialogTurnStatus,
  TextPrompt,
  WaterfallDialog,
  type DialogContext,
  type PromptValidatorContext,
  type WaterfallStepContext,
  type DialogTurnResult,
} from 'botbuilder-dialogs';
export { ConversationState, UserState, TurnContext, type StatePropertyAccessor } from 'botbuilder-core';
