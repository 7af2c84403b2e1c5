/**
 * Answers a resident's question with a language model (the SDK through openai-client.ts),
 * grounded only in the catalog/FAQ entries the local retrieval found, and citing them.
 *
 * Guarantees the conversation core relies on:
 *  - never called for emergencies (the core decides those with local rules first);
 *  - bounded by OPENAI_TIMEOUT_MS, no retries: a slow or failing provider makes answer()
 *    resolve null, and the core uses its local answer;
 *  - the model may cite only the given sources; an answer citing nothing, or saying it cannot
 *    answer from them, is discarded (null);
 *  - the resident's phone numbers, ID numbers and names never leave: the question is redacted
 *    (redact.ts) before it is sent.
 * OpenAI-compatible providers (DeepSeek, Qwen …) work through OPENAI_BASE_URL + OPENAI_MODEL.
 */
import { lazyOpenAi, type OpenAiSdk } from './openai-client';
import type { Config } from '../config';
import type { Logger } from '../logging/logger';
import { buildMessages, parseModelAnswer } from './prompt';
import { redactForModel } from './redact';

/** Grounded answers by a language model; the conversation core never asks it about emergencies. */
export interface GroundedAnswerer {
  answer(input: {
    question: string;
    sources: Array<{ id: string; title: string; text: string }>;
  }): Promise<{ text: string; citations: string[] } | null>;
}

export function createGroundedAnswerer(
  config: Pick<Config, 'OPENAI_API_KEY' | 'OPENAI_BASE_URL' | 'OPENAI_MODEL' | 'OPENAI_TIMEOUT_MS'>,
  logger: Logger,
): GroundedAnswerer | null {
  if (!config.OPENAI_API_KEY) return null;
  const apiKey = config.OPENAI_API_KEY;
  // The SDK is loaded with the first question, not at start-up (it is one of the heavier modules).
  const openai = lazyOpenAi({ apiKey, baseURL: config.OPENAI_BASE_URL, timeout: config.OPENAI_TIMEOUT_MS, maxRetries: 0 });
  return {
    async answer({ question, sources }) {
      if (!sources.length) return null;
      const started = Date.now();
      let sdk: OpenAiSdk['client'];
      try {
        // Loading the SDK (first question only) does not count against the model's time limit.
        sdk = (await openai()).client;
      } catch (err) {
        logger.warn({ err: (err as Error).name }, 'the OpenAI SDK could not be loaded; falling back to the local answer');
        return null;
      }
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), config.OPENAI_TIMEOUT_MS);
      try {
        const completion = await sdk.chat.completions.create(
          { model: config.OPENAI_MODEL, temperature: 0.2, max_tokens: 600, messages: buildMessages(redactForModel(question), sources) },
          { signal: controller.signal, timeout: config.OPENAI_TIMEOUT_MS },
        );
        const content = completion.choices[0]?.message?.content ?? '';
        const parsed = parseModelAnswer(content, sources.map((s) => s.id));
        logger.debug({ ms: Date.now() - started, cited: parsed?.citations.length ?? 0 }, 'model answer');
        return parsed;
      } catch (err) {
        logger.warn({ ms: Date.now() - started, err: (err as Error).name }, 'model answer failed or timed out; falling back to the local answer');
        return null;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
