import { loadConfig } from '../../src/config';
import type { ConversationDeps } from '../../src/modules/conversations/conversation.service';
import { createKnowledge } from '../../src/modules/conversations/knowledge';
import { surveySettings } from '../../src/modules/surveys';
import { testLogger } from './app';

// Tests that call handleInbound directly need the same deps: test config (plus their own env), real knowledge, no AI, their own clock.
export function conversationDeps(now: () => Date, env: Record<string, string> = {}): ConversationDeps {
  const config = loadConfig({ NODE_ENV: 'test', ...env });
  return { config, logger: testLogger(), knowledge: createKnowledge(), ai: null, surveys: surveySettings(config), now };
}
