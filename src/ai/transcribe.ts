import { lazyOpenAi } from './openai-client';
import type { Config } from '../config';
import type { Logger } from '../logging/logger';

/**
 * Speech to text through the OpenAI-compatible `audio/transcriptions` endpoint (OPENAI_BASE_URL,
 * OPENAI_TRANSCRIBE_MODEL). The caller sends a format these endpoints take (the WeCom channel turns
 * WeChat's AMR into WAV first); a failure falls back, in the caller, to "an officer will listen".
 * Null when no model is configured.
 */
export interface Transcriber {
  /** The text, or null when the provider gave none or failed (logged, never thrown). */
  transcribe(audio: Buffer, filename: string): Promise<string | null>;
}

export function createTranscriber(
  config: Pick<Config, 'OPENAI_API_KEY' | 'OPENAI_BASE_URL' | 'OPENAI_TRANSCRIBE_MODEL' | 'OPENAI_TIMEOUT_MS'>,
  logger: Logger,
): Transcriber | null {
  if (!config.OPENAI_API_KEY) return null;
  const apiKey = config.OPENAI_API_KEY;
  // The SDK is loaded with the first recording, not at start-up; a recording may take longer than a chat answer.
  const openai = lazyOpenAi({ apiKey, baseURL: config.OPENAI_BASE_URL, timeout: Math.max(config.OPENAI_TIMEOUT_MS, 15_000), maxRetries: 1 });
  return {
    async transcribe(audio, filename) {
      const started = Date.now();
      try {
        const { client, toFile } = await openai();
        const res = await client.audio.transcriptions.create({ file: await toFile(audio, filename), model: config.OPENAI_TRANSCRIBE_MODEL, language: 'zh', response_format: 'json' });
        const text = (res.text ?? '').trim();
        logger.info({ ms: Date.now() - started, chars: text.length }, 'voice transcribed');
        return text || null;
      } catch (err) {
        logger.warn({ err: err instanceof Error ? err.message : String(err), ms: Date.now() - started }, 'voice transcription failed');
        return null;
      }
    },
  };
}
