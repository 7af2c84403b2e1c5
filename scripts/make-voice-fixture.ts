/**
 * Makes test/fixtures/voice/resident.amr, the WeChat voice message the tests play: a sentence
 * spoken by espeak-ng (`apt-get install espeak-ng`), resampled to 8 kHz and encoded as AMR-NB
 * 12.2 kbps (the format WeCom's media/get gives) by recorder-core's encoder, the same engine the
 * service decodes with.
 *
 *   espeak-ng -v cmn "您好，我家楼下的路灯坏了好几天了，晚上很黑，麻烦民警看一下。" -w /tmp/voice.wav
 *   npx tsx scripts/make-voice-fixture.ts /tmp/voice.wav test/fixtures/voice/resident.amr
 */
import { readFileSync, writeFileSync } from 'node:fs';
import Recorder from 'recorder-core';
import 'recorder-core/src/engine/beta-amr';
import 'recorder-core/src/engine/beta-amr-engine';

function main(): void {
  const [input, output] = process.argv.slice(2);
  if (!input || !output) throw new Error('usage: make-voice-fixture.ts <in.wav> <out.amr>');
  const wav = readFileSync(input);
  if (wav.toString('latin1', 0, 4) !== 'RIFF' || wav.toString('latin1', 8, 12) !== 'WAVE') throw new Error('not a WAV file');
  const sampleRate = wav.readUInt32LE(24);
  if (wav.readUInt16LE(22) !== 1 || wav.readUInt16LE(34) !== 16) throw new Error('expected 16-bit mono PCM');
  const data = wav.indexOf('data', 12, 'latin1');
  const size = wav.readUInt32LE(data + 4);
  const pcm = new Int16Array(wav.buffer.slice(wav.byteOffset + data + 8, wav.byteOffset + data + 8 + size));
  const at8k = Recorder.SampleData([pcm], sampleRate, 8000).data as Int16Array;
  Recorder.AMR.encode(
    at8k,
    (amr: ArrayBuffer | Uint8Array) => {
      const bytes = Buffer.from(amr instanceof Uint8Array ? amr : new Uint8Array(amr));
      writeFileSync(output, bytes);
      console.log(`${output}: ${bytes.length} bytes, ${(at8k.length / 8000).toFixed(1)} s`);
    },
    (err: string) => {
      throw new Error(err);
    },
    12.2,
  );
}

main();
