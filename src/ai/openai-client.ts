import type { ClientOptions, OpenAI, toFile } from 'openai';

export interface OpenAiSdk {
  client: OpenAI;
  toFile: typeof toFile;
}

/**
 * The OpenAI SDK for one caller, loaded at its first use rather than at start-up (it is one of
 * the heavier modules) and built once. Each caller passes its own time limit and retries: a
 * resident waits for an answer, a voice message may take longer.
 */
export function lazyOpenAi(options: Required<Pick<ClientOptions, 'apiKey' | 'timeout' | 'maxRetries'>> & Pick<ClientOptions, 'baseURL'>): () => Promise<OpenAiSdk> {
  let sdk: Promise<OpenAiSdk> | null = null;
  return () => (sdk ??= import('openai').then(({ default: OpenAI, toFile }) => ({ client: new OpenAI(options), toFile })));
}
