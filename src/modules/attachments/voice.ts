import { unsupportedType } from '../../lib/errors';

/**
 * WeChat voice messages arrive as AMR-NB (8 kHz; WeCom's media/get with voice_format 0). No browser
 * plays AMR, and OpenAI-compatible transcription endpoints refuse it (they take wav, mp3, m4a, webm…).
 * The recording is stored as the resident sent it; this turns it into 16-bit PCM WAV, which every
 * browser's <audio> plays and every transcription endpoint reads.
 *
 * The decoder is recorder-core's AMR-NB engine (xiangyuecn/Recorder, MIT): an Emscripten (asm.js)
 * build of OpenCORE-AMR, plain JavaScript, so no ffmpeg binary or native addon is needed where the
 * service runs. It decodes in 5-second chunks with a timer between them, so a long recording does
 * not hold up other requests. It is loaded on first use (it is large and only voice needs it).
 */

interface RecorderCore {
  amr2wav(amr: ArrayBuffer, ok: (wav: ArrayBuffer, durationMs: number, mime: string) => void, fail: (message: string) => void): void;
  CLog: unknown;
}

let loading: Promise<RecorderCore> | null = null;

function recorder(): Promise<RecorderCore> {
  loading ??= (async () => {
    const core = ((await import('recorder-core')) as { default: RecorderCore }).default;
    // The engines attach themselves to the core loaded above (order matters).
    await import('recorder-core/src/engine/beta-amr');
    await import('recorder-core/src/engine/beta-amr-engine');
    await import('recorder-core/src/engine/wav');
    // Its chatter ("采样: … 花: 2ms") is for a browser's console, not the service log.
    core.CLog = () => undefined;
    return core;
  })();
  return loading;
}

export interface PlayableVoice {
  /** RIFF/WAVE, 8 kHz mono 16-bit PCM. */
  data: Buffer;
  mime: 'audio/wav';
  durationMs: number;
}

/** The AMR-NB recording as WAV; a 415 for what does not decode (AMR-WB, a damaged file). */
export async function amrToWav(amr: Buffer): Promise<PlayableVoice> {
  const core = await recorder();
  const input = amr.buffer.slice(amr.byteOffset, amr.byteOffset + amr.length) as ArrayBuffer;
  return new Promise<PlayableVoice>((resolve, reject) => {
    core.amr2wav(
      input,
      (wav, durationMs) => {
        if (!durationMs) reject(unsupportedType('语音无法转换为可播放的格式，请下载原始录音收听（The recording could not be decoded）', 'undecodable_voice'));
        else resolve({ data: Buffer.from(wav), mime: 'audio/wav', durationMs });
      },
      () => reject(unsupportedType('语音无法转换为可播放的格式，请下载原始录音收听（The recording could not be decoded）', 'undecodable_voice')),
    );
  });
}
